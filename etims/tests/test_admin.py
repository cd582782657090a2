"""Managers see what awaits KRA and decide on uncertain ones; nobody edits a transmission by hand."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from concierge.accounts.roles import FRONT_DESK, MANAGER, TECHNICIAN
from concierge.accounts.tests.factories import login_verified, staff_in_role
from etims.models import Transmission, TransmissionState
from etims.services import queue_transmission

from .factories import invoice

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:etims_transmission_changelist"


@pytest.fixture
def manager(client):
    login_verified(client, staff_in_role(MANAGER))
    return client


@pytest.fixture
def rows(etims_settings):
    made = {state: queue_transmission(invoice(n)) for n, state in enumerate(TransmissionState.values, start=1)}
    for state, row in made.items():
        Transmission.objects.filter(pk=row.pk).update(state=state, last_error=f"because {state}")
    return made


def action(client, name, rows, **extra):
    return client.post(reverse(CHANGELIST), {"action": name, "_selected_action": [str(r.pk) for r in rows], **extra})


def test_awaiting_kra_lists_queued_sending_uncertain_and_refused(manager, rows):
    page = manager.get(reverse(CHANGELIST), {"kra": "awaiting"})
    assert page.status_code == 200
    listed = {row.number for row in page.context["cl"].result_list}
    assert listed == {rows[s].number for s in ("queued", "sending", "uncertain", "rejected")}
    assert b"because rejected" in page.content  # the reason is on the list
    found = manager.get(reverse(CHANGELIST), {"q": str(rows["accepted"].number)})
    assert [r.pk for r in found.context["cl"].result_list] == [rows["accepted"].pk]
    assert manager.get(reverse(CHANGELIST), {"q": "INV-1 'x"}).status_code == 200  # not a number: no 500


@pytest.mark.parametrize("role", [FRONT_DESK, TECHNICIAN])
def test_only_managers_see_transmissions(client, role, rows):
    login_verified(client, staff_in_role(role))
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_a_transmission_cannot_be_edited_added_or_deleted(manager, rows):
    row = rows["uncertain"]
    change = reverse("admin:etims_transmission_change", args=[row.pk])
    assert b'name="cur_rcpt_no"' not in manager.get(change).content  # shown, not an input
    manager.post(change, {"cur_rcpt_no": "99", "state": "accepted"})
    assert Transmission.objects.get(pk=row.pk).state == TransmissionState.UNCERTAIN
    assert manager.get(reverse("admin:etims_transmission_add")).status_code == 403
    assert manager.post(reverse("admin:etims_transmission_delete", args=[row.pk]), {"post": "yes"}).status_code == 403


def test_a_manager_records_the_receipt_of_an_uncertain_one(manager, rows):
    row = rows["uncertain"]
    form = action(manager, "record_receipt", [row])
    assert form.status_code == 200 and b"because uncertain" in form.content
    empty = action(manager, "record_receipt", [row], receipt_number="  ")
    assert empty.status_code == 200 and b"This field is required" in empty.content

    done = action(manager, "record_receipt", [row], receipt_number="4711", rcpt_sign="ABCDEFGH12345678")
    assert done.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.cur_rcpt_no) == ("accepted", "4711")
    assert row.qr_url.endswith("P051234567X00ABCDEFGH12345678") and row.resolved_by is not None
    # A refused one has no receipt to record.
    action(manager, "record_receipt", [rows["rejected"]], receipt_number="1")
    assert Transmission.objects.get(pk=rows["rejected"].pk).state == TransmissionState.REJECTED


def test_sending_again_asks_first_then_queues_each_once(manager, rows, django_capture_on_commit_callbacks):
    chosen = [rows["uncertain"], rows["rejected"], rows["accepted"]]
    confirm = action(manager, "send_again", chosen)
    assert confirm.status_code == 200 and b"may already be at KRA" in confirm.content
    assert Transmission.objects.get(pk=rows["uncertain"].pk).state == TransmissionState.UNCERTAIN

    with django_capture_on_commit_callbacks() as queued:
        done = action(manager, "send_again", chosen, post="yes")
    assert done.status_code == 302 and len(queued) == 2
    assert "2 transmission(s) queued" in [str(m) for m in get_messages(done.wsgi_request)][0]
    states = dict(Transmission.objects.filter(pk__in=[r.pk for r in chosen]).values_list("number", "state"))
    assert sorted(states.values()) == ["accepted", "queued", "queued"]
    with django_capture_on_commit_callbacks() as again:
        action(manager, "send_again", chosen, post="yes")  # the same page submitted twice
    assert again == []
