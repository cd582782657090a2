"""Staff pages given values their fields cannot hold (concierge.admin.bad_input, mixed into every
ModelAdmin by StaffAdminSite.register): dropped or refused, never a 500."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from concierge.admin.bad_input import BadInputAdminMixin, ReadableAutocompleteMixin

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("page", "query"), [
    ("admin:api_apikey_add", "expires_at=abc"),  # the split date-and-time widget
    ("admin:notifications_notification_add", "requeued_at=abc"),
    ("admin:servicing_service_add", "vehicle=abc"),  # the autocomplete widget
    ("admin:fleet_vehicle_add", "client=abc"),
    ("admin:billing_customertaxpin_add", "client=abc"),
])
def test_an_add_page_prefilled_with_a_value_it_cannot_read_opens_without_it(client, superuser, page, query):
    login_verified(client, superuser)
    response = client.get(f"{reverse(page)}?{query}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get(query.split("=")[0]) is None


def test_every_registered_admin_is_guarded():
    assert all(isinstance(model_admin, BadInputAdminMixin) for model_admin in admin.site._registry.values())


def test_every_inline_with_an_autocomplete_box_reads_its_value_first():
    unguarded = [
        inline.__name__
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if inline.autocomplete_fields and not issubclass(inline, ReadableAutocompleteMixin)
    ]
    assert unguarded == []


@pytest.mark.parametrize(("page", "data", "field"), [
    ("admin:servicing_service_add", {"vehicle": "abc", "service_type": "Oil Change"}, "vehicle"),
    ("admin:fleet_vehicle_add", {"client": "abc", "mileage": "0"}, "client"),
])
def test_an_autocomplete_box_posted_with_a_value_it_cannot_read_is_a_form_error(client, superuser, page, data, field):
    login_verified(client, superuser)
    response = client.post(reverse(page), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


@pytest.mark.parametrize(("page", "action"), [
    ("admin:servicing_service_changelist", "start_selected"),
    ("admin:servicing_service_changelist", "delete_selected"),
    ("admin:auth_group_changelist", "delete_selected"),  # an integer key
])
def test_a_list_action_on_rows_that_are_no_rows_changes_nothing_and_says_so(client, superuser, page, action):
    login_verified(client, superuser)
    response = client.post(reverse(page), {"action": action, "_selected_action": ["abc"]})
    assert response.status_code == 302
    assert any("Nothing changed" in str(m) for m in get_messages(response.wsgi_request))
