"""Staff see a client's messaging consent and message history on the client page, and record an
opt-out or opt-in the owner gave in person (audited, with their name)."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import login_verified, staff_in_role
from concierge.audit.models import AuditLog
from notifications.consent import consent_set
from notifications.models import (
    ConsentChange, ConsentMethod, MessageCategory, NotificationStatus, NotificationType, PhoneConsent,
)
from notifications.services import notification_create

pytestmark = pytest.mark.django_db
PHONE = "+254712345678"


@pytest.fixture
def owner():
    return ClientFactory(phone=PHONE, first_name="Wanjiru", last_name="Kamau")


@pytest.fixture
def desk(client):
    user = staff_in_role(FRONT_DESK, first_name="Faith", last_name="Mutiso")
    login_verified(client, user)
    return user


def consent_url(owner):
    return reverse("admin:clients_client_messaging_consent", args=[owner.pk])


def page(client, owner):
    response = client.get(reverse("admin:clients_client_change", args=[owner.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_client_page_shows_the_consent_its_history_and_the_messages(client, desk, owner):
    consent_set(phone_hash=owner.phone_hash, phone_masked="+2547******78", opted_out=True,
                method=ConsentMethod.REPLY, keyword="ONDOKA")
    notification_create(channel=NotificationType.SMS, client=owner, message="Due tomorrow",
                        category=MessageCategory.REMINDER)
    html = page(client, owner)
    assert "Opted out of reminder and marketing texts" in html and "SMS reply “ONDOKA”" in html
    assert '<table class="consent-history">' in html
    assert '<table class="message-history">' in html and "Reminder" in html
    assert "skipped, the phone number opted out of reminder texts" in html


def test_a_number_that_never_opted_out_is_shown_as_getting_every_text(client, desk, owner):
    assert "Gets every text</strong> (this number never opted out)" in page(client, owner)


def test_front_desk_records_an_opt_out_given_in_person_with_their_name(client, desk, owner):
    response = client.post(consent_url(owner), {"opted_out": "out", "note": "at the front desk", "shown": "in"})
    assert response.status_code == 302
    consent = PhoneConsent.objects.get()
    assert (consent.opted_out, consent.method, consent.changed_by) == (True, ConsentMethod.STAFF, desk)
    change = ConsentChange.objects.get()
    assert (change.method, change.changed_by, change.note) == (ConsentMethod.STAFF, desk, "at the front desk")
    audited = AuditLog.objects.filter(table_name="notification_consent_changes").get()
    assert audited.user_id == desk.pk
    reminder = notification_create(channel=NotificationType.SMS, client=owner, message="Due tomorrow",
                                   category=MessageCategory.REMINDER)
    assert reminder.status == NotificationStatus.FAILED
    assert "Recorded by staff (in person)" in page(client, owner)


def test_an_opt_in_recorded_by_staff_lets_reminders_go_again(client, desk, owner):
    consent_set(phone_hash=owner.phone_hash, phone_masked="x", opted_out=True, method=ConsentMethod.REPLY)
    assert client.post(consent_url(owner), {"opted_out": "in", "note": "asked again", "shown": "out"}).status_code == 302
    assert not PhoneConsent.objects.get().opted_out
    reminder = notification_create(channel=NotificationType.SMS, client=owner, message="Due tomorrow",
                                   category=MessageCategory.REMINDER)
    assert reminder.status == NotificationStatus.PENDING


def test_a_reply_that_came_while_the_page_was_open_is_not_overwritten(client, desk, owner):
    # The page showed "gets every text"; the owner then replied STOP; staff press "opt in".
    consent_set(phone_hash=owner.phone_hash, phone_masked="x", opted_out=True, method=ConsentMethod.REPLY)
    response = client.post(consent_url(owner), {"opted_out": "in", "note": "x", "shown": "in"})
    assert response.status_code == 200
    assert "The consent changed while this page was open" in response.content.decode()
    assert PhoneConsent.objects.get().opted_out


def test_the_form_needs_a_choice_and_a_note(client, desk, owner):
    response = client.post(consent_url(owner), {"shown": "in"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"opted_out", "note"}
    assert not PhoneConsent.objects.exists()


def test_a_client_without_a_phone_has_no_consent_to_record(client, desk):
    nobody = ClientFactory(phone=None)
    response = client.post(consent_url(nobody), {"opted_out": "out", "note": "x", "shown": "in"})
    assert response.status_code == 200
    assert "no phone number on file" in response.content.decode()
    assert not PhoneConsent.objects.exists()


def test_a_technician_cannot_record_consent(client, owner):
    login_verified(client, staff_in_role(TECHNICIAN))
    response = client.post(consent_url(owner), {"opted_out": "out", "note": "x", "shown": "in"})
    assert response.status_code == 403
    assert not PhoneConsent.objects.exists()
