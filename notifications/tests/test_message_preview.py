"""The workflow editor's preview of a message: each language's text rendered for a sample job, with
encoding, characters, parts and cost, a warning naming what forces UCS-2 and its GSM-7 spelling."""

from decimal import Decimal

import pytest
from django.test import override_settings

from notifications.preview import message_previews
from servicing.workflow_events import SERVICE_COMPLETED

pytestmark = pytest.mark.django_db


def facts(preview):
    return dict(preview.facts)


def test_each_language_is_previewed_with_the_sample_job():
    english, swahili = message_previews({
        "type": "send_notification", "channel": "SMS",
        "template": "Hi {{ first_name }}, {{ plate }} is ready.",
        "template_sw": "Habari {{ first_name }}, gari {{ plate }} liko tayari.",
    }, SERVICE_COMPLETED)
    assert (english.key, english.label, english.text) == ("template", "SMS in English", "Hi Wanjiku, KDA 123B is ready.")
    assert (swahili.key, swahili.label) == ("template_sw", "SMS in Kiswahili")
    # Habari(6) Wanjiku,(8) gari(4) KDA(3) 123B(4) liko(4) tayari.(7) = 36, and 6 spaces = 42
    assert swahili.text == "Habari Wanjiku, gari KDA 123B liko tayari."
    assert facts(swahili) == {"Encoding": "GSM-7", "Characters": "42", "Parts": "1", "Cost": "KES 0.80 (KES 0.80 a part)"}
    assert not swahili.warning and not swahili.replacement


def test_a_curly_apostrophe_is_named_and_its_gsm7_spelling_offered():
    (preview,) = message_previews({"type": "send_notification", "channel": "SMS",
                                   "template": "Hi {{ first_name }}, your car’s ready."}, SERVICE_COMPLETED)
    # Hi(2)+1 Wanjiku,(8)+1 your(4)+1 car’s(5)+1 ready.(6) = 29
    assert facts(preview)["Encoding"] == "UCS-2" and facts(preview)["Characters"] == "29"
    assert "’ (right single quotation mark)" in preview.warning
    assert preview.replacement == "Hi {{ first_name }}, your car's ready."


def test_an_emoji_is_named_as_having_no_gsm7_spelling():
    (preview,) = message_previews({"type": "send_notification", "channel": "SMS",
                                   "template": "Asante {{ first_name }} 🚗"}, SERVICE_COMPLETED)
    assert "No GSM-7 spelling for: 🚗 (automobile)" in preview.warning
    assert not preview.replacement  # nothing to replace: the suggestion would change nothing


@override_settings(SMS_PRICE_PER_PART=Decimal("1.10"))
def test_the_cost_is_the_parts_at_the_configured_price():
    (preview,) = message_previews({"type": "send_notification", "channel": "SMS",
                                   "template": "a" * 161}, SERVICE_COMPLETED)
    assert (facts(preview)["Parts"], facts(preview)["Cost"]) == ("2", "KES 2.20 (KES 1.10 a part)")


@override_settings(PORTAL_BASE_URL="https://portal.ndegwa.example")
def test_the_status_link_is_counted_at_its_real_length():
    (preview,) = message_previews({"type": "send_notification", "channel": "SMS",
                                   "template": "{{ status_link }}"}, SERVICE_COMPLETED)
    assert preview.text == "https://portal.ndegwa.example/s/" + "x" * 22
    assert facts(preview)["Characters"] == "54"  # 29 + 3 + 22


def test_a_refused_template_says_why_instead_of_a_preview():
    (preview,) = message_previews({"type": "send_notification", "channel": "SMS",
                                   "template": "Hi {{ jina }}"}, SERVICE_COMPLETED)
    assert preview.text == "" and "unknown placeholder {{ jina }}" in preview.warning


def test_an_email_is_rendered_without_sms_facts():
    (preview,) = message_previews({"type": "send_notification", "channel": "email",
                                   "template": "Dear {{ first_name }} “"}, SERVICE_COMPLETED)
    assert (preview.label, preview.text, preview.facts, preview.warning) == ("Email in English", "Dear Wanjiku “", (), "")
