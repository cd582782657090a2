"""The workflow editor shows each message's preview, and its preview buttons never save."""

import json

import pytest
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from concierge.workflows.models import Workflow

pytestmark = pytest.mark.django_db

ADD = "admin:workflows_workflow_add"


def form(actions, **extra):
    return {"name": "Ready SMS", "trigger_event": "service_completed", "active": "on",
            "actions": json.dumps(actions, ensure_ascii=False), **extra}


@pytest.fixture
def editor(client, superuser):
    login_verified(client, superuser)
    return client


def test_the_change_page_previews_the_saved_texts(editor):
    workflow = Workflow.objects.create(name="w", trigger_event="service_completed", actions=[
        {"type": "send_notification", "channel": "SMS", "template": "Hi {{ first_name }}",
         "template_sw": "Habari {{ first_name }}"}])
    page = editor.get(reverse("admin:workflows_workflow_change", args=[workflow.pk])).content.decode()
    assert 'id="message-preview-1-template"' in page and "Hi Wanjiku" in page
    assert 'id="message-preview-1-template_sw"' in page and "Habari Wanjiku" in page


def test_preview_shows_the_typed_text_and_saves_nothing(editor):
    page = editor.post(reverse(ADD), form([{"type": "send_notification", "channel": "SMS",
                                            "template": "Hi {{ first_name }}, it’s ready"}], _preview="1"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hi Wanjiku, it’s ready" in html and "UCS-2" in html and "right single quotation mark" in html
    assert "Please correct" not in html
    assert not Workflow.objects.exists()


def test_the_gsm7_button_replaces_that_text_in_the_editor_and_saves_nothing(editor):
    actions = [{"type": "send_notification", "channel": "SMS", "template": "Hi {{ first_name }}, it’s ready",
                "template_sw": "Habari {{ first_name }} – “tayari”"}]
    page = editor.post(reverse(ADD), form(actions, _gsm7="1:template_sw"))
    assert not Workflow.objects.exists()
    edited = json.loads(page.context["adminform"].form.data["actions"])
    assert edited[0]["template_sw"] == 'Habari {{ first_name }} - "tayari"'
    assert edited[0]["template"] == "Hi {{ first_name }}, it’s ready"  # only the text asked for
    # Saved as shown.
    editor.post(reverse(ADD), form(edited, _save="Save"))
    assert Workflow.objects.get().actions == edited


def test_preview_still_shows_errors_beside_the_field(editor):
    page = editor.post(reverse(ADD), form([{"type": "send_notification", "chanel": "SMS", "template": "x"}],
                                          _preview="1"))
    assert "unknown key &#x27;chanel&#x27;" in page.content.decode()
    assert not Workflow.objects.exists()
