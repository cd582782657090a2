"""Every add page of the staff site opens when its address prefills a value the field cannot hold
(concierge.admin.initial, mixed in by StaffAdminSite.register): the value is dropped, not a 500."""

import pytest
from django.contrib import admin
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from concierge.admin.initial import QueryInitialAdminMixin

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
    assert all(isinstance(model_admin, QueryInitialAdminMixin) for model_admin in admin.site._registry.values())
