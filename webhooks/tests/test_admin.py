"""Managers register endpoints in the admin (the URL checked, the secret made by us and shown to them
only), read the delivery log and redeliver an event (a POST with its CSRF token, audited)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from concierge.accounts.roles import FRONT_DESK, MANAGER
from concierge.accounts.tests.factories import login_verified, staff_in_role
from concierge.audit.models import AuditLog
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory
from webhooks.models import Delivery, DeliveryState, Endpoint
from webhooks.services import delivery_deliver

pytestmark = pytest.mark.django_db

ADD = reverse("admin:webhooks_endpoint_add")


@pytest.fixture
def manager_client(client):
    manager = staff_in_role(MANAGER)
    login_verified(client, manager)
    client.user = manager
    return client


def test_a_manager_registers_an_endpoint_and_sees_its_secret_once_added(manager_client, receiver):
    response = manager_client.post(ADD, {"name": "Accounting", "url": receiver.url,
                                         "events": ["service_status_changed", "invoice_issued"]})
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])
    assert endpoint.events == ["invoice_issued", "service_status_changed"] and endpoint.created_by == manager_client.user
    page = manager_client.get(response["Location"]).content.decode()
    assert endpoint.secret in page and endpoint.secret.startswith("whsec_")
    listing = manager_client.get(reverse("admin:webhooks_endpoint_changelist")).content.decode()
    assert endpoint.secret not in listing
    # The audit log has the insert, without the secret.
    [row] = AuditLog.objects.filter(table_name="webhook_endpoints", record_id=endpoint.pk)
    assert "secret" not in row.new_values and row.user_id == manager_client.user.pk


def test_the_secret_is_not_shown_without_the_permission(client, receiver, endpoint_for):
    from django.contrib.auth.models import Permission

    endpoint = endpoint_for(receiver)
    clerk = staff_in_role(FRONT_DESK)
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="webhooks",
                                                           codename__in=["view_endpoint", "change_endpoint"]))
    login_verified(client, clerk)
    page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200 and endpoint.secret not in page.content.decode()


def test_front_desk_cannot_open_webhooks(client):
    login_verified(client, staff_in_role(FRONT_DESK))
    assert client.get(reverse("admin:webhooks_endpoint_changelist")).status_code == 403
    assert client.get(reverse("admin:webhooks_delivery_changelist")).status_code == 403


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://hooks.example.com/in", "http:// or https:// only"),
    ("file:///etc/passwd", "http:// or https:// only"),
    ("https://user:secret@hooks.example.com/in", "user names and passwords"),
    ("http://127.0.0.1:8000/admin/", "private, loopback or link-local"),
    ("http://10.0.0.5/hook", "private, loopback or link-local"),
    ("http://192.168.1.20/hook", "private, loopback or link-local"),
    ("http://169.254.169.254/latest/meta-data/", "private, loopback or link-local"),
    ("http://[::1]/hook", "private, loopback or link-local"),
    ("http://[::ffff:127.0.0.1]/hook", "private, loopback or link-local"),
    ("http://localhost:6379/", "resolves to a private, loopback or link-local address"),
    ("http://0.0.0.0/", "private, loopback or link-local"),
    # IPv6 forms carrying a loopback or private IPv4 address (NAT64, 6to4, IPv4-compatible, Teredo).
    ("http://[64:ff9b::7f00:1]/hook", "private, loopback or link-local"),
    ("http://[64:ff9b:1::a00:5]/hook", "private, loopback or link-local"),
    ("http://[2002:7f00:1::]/hook", "private, loopback or link-local"),
    ("http://[::127.0.0.1]/hook", "private, loopback or link-local"),
    ("http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook", "private, loopback or link-local"),
    ("not a url", "http:// or https:// only"),
])
def test_unsafe_urls_are_refused_beside_the_field(manager_client, settings, url, reason):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = manager_client.post(ADD, {"name": "Sneaky", "url": url, "events": ["service_created"]})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["url"] and reason in errors["url"][0]
    assert not Endpoint.objects.exists()


def test_plain_http_is_refused_where_https_is_required(manager_client, settings):
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    response = manager_client.post(ADD, {"name": "Plain", "url": "http://127.0.0.1/hook", "events": ["service_created"]})
    assert "Use an https:// URL" in response.context["adminform"].form.errors["url"][0]


def test_an_address_checked_again_at_send_time_is_refused_if_it_became_private(receiver, endpoint_for, settings):
    """What DNS rebinding would do: a URL accepted when registered resolves to a private address when
    it is sent to. The check runs again before the connection; the receiver gets nothing."""
    endpoint = endpoint_for(receiver)
    service_start(service=ServiceFactory())
    delivery = Delivery.objects.get(endpoint=endpoint)
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    assert delivery_deliver(delivery_id=delivery.pk).status == "failed"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.last_error.startswith("not sent:")
    assert receiver.requests == []


def a_failed_delivery(receiver, endpoint_for) -> Delivery:
    receiver.statuses = [410]
    endpoint = endpoint_for(receiver)
    service_start(service=ServiceFactory())
    delivery = Delivery.objects.get(endpoint=endpoint)
    delivery_deliver(delivery_id=delivery.pk)
    return delivery


def test_the_delivery_log_lists_and_filters_without_the_secret(manager_client, receiver, endpoint_for):
    delivery = a_failed_delivery(receiver, endpoint_for)
    url = reverse("admin:webhooks_delivery_changelist")
    for query in ("", f"?endpoint__id__exact={delivery.endpoint_id}", "?state__exact=failed"):
        page = manager_client.get(url + query).content.decode()
        assert "410" in page and "service_status_changed" in page and delivery.endpoint.secret not in page
    assert "0 deliveries" in manager_client.get(url + "?state__exact=delivered").content.decode()
    detail = manager_client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).content.decode()
    assert "Redeliver" in detail and delivery.endpoint.secret not in detail


def test_redeliver_makes_a_new_delivery_of_the_same_event_by_a_post_with_csrf(receiver, endpoint_for):
    delivery = a_failed_delivery(receiver, endpoint_for)
    manager = staff_in_role(MANAGER)
    browser = Client(enforce_csrf_checks=True)
    login_verified(browser, manager)
    url = reverse("admin:webhooks_delivery_redeliver", args=[delivery.pk])

    assert browser.get(url).status_code == 405
    assert browser.post(url).status_code == 403  # no CSRF token
    assert Delivery.objects.count() == 1

    page = browser.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(url, {"csrfmiddlewaretoken": token})
    again = Delivery.objects.exclude(pk=delivery.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:webhooks_delivery_change", args=[again.pk])
    assert again.event_id == delivery.event_id and again.body == delivery.body
    assert again.redelivery_of == delivery and again.created_by == manager and again.state == DeliveryState.PENDING
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED  # the old row is left as it was
    [row] = AuditLog.objects.filter(table_name="webhook_deliveries", record_id=again.pk)
    assert row.user_id == manager.pk

    assert delivery_deliver(delivery_id=again.pk).status == "delivered"
    first, second = receiver.requests
    assert first["headers"]["x-concierge-event-id"] == second["headers"]["x-concierge-event-id"]
    assert first["headers"]["x-concierge-delivery-id"] != second["headers"]["x-concierge-delivery-id"]
    assert second["verified"]


def test_redeliver_needs_the_permission(client, receiver, endpoint_for):
    from django.contrib.auth.models import Permission

    delivery = a_failed_delivery(receiver, endpoint_for)
    clerk = staff_in_role(FRONT_DESK)
    clerk.user_permissions.add(Permission.objects.get(content_type__app_label="webhooks", codename="view_delivery"))
    login_verified(client, clerk)
    assert client.post(reverse("admin:webhooks_delivery_redeliver", args=[delivery.pk])).status_code == 403
    changelist = reverse("admin:webhooks_delivery_changelist")
    client.post(changelist, {"action": "redeliver_selected", "_selected_action": [str(delivery.pk)]})
    assert Delivery.objects.count() == 1


def test_the_redeliver_action_on_the_list(manager_client, receiver, endpoint_for):
    delivery = a_failed_delivery(receiver, endpoint_for)
    response = manager_client.post(reverse("admin:webhooks_delivery_changelist"), {
        "action": "redeliver_selected", "_selected_action": [str(delivery.pk)],
    })
    assert response.status_code == 302
    assert Delivery.objects.filter(redelivery_of=delivery, created_by=manager_client.user).count() == 1


def test_pause_and_resume_actions_and_the_paused_banner(manager_client, receiver, endpoint_for):
    endpoint = endpoint_for(receiver, name="Fleet portal")
    changelist = reverse("admin:webhooks_endpoint_changelist")
    manager_client.post(changelist, {"action": "pause_selected", "_selected_action": [str(endpoint.pk)]})
    assert Endpoint.objects.get(pk=endpoint.pk).state == "paused"
    assert "“Fleet portal” is paused" in manager_client.get(changelist).content.decode()
    manager_client.post(changelist, {"action": "resume_selected", "_selected_action": [str(endpoint.pk)]})
    assert Endpoint.objects.get(pk=endpoint.pk).state == "active"
