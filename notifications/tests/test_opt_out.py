"""Opting out by reply, over real HTTP: the fake Africa's Talking posts the owners' texts to the app's
incoming-messages callback (a live server), as the provider does; then the app's own rules decide
which messages that number still gets."""

import importlib
import logging
import secrets

import pytest
from django.apps import apps
from django.test import Client as HttpClient
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.audit.models import AuditLog
from concierge.workflows.defaults import default_workflows, install_default_workflows
from concierge.workflows.engine import workflows_run_for_event
from concierge.workflows.events import event_emit
from concierge.workflows.models import Event, Workflow
from notifications.backends import sms
from notifications.consent import CONFIRMATIONS, keyword_of
from notifications.models import (
    ConsentChange, ConsentMethod, InboundMessage, InboundOutcome, MessageCategory, Notification, NotificationStatus,
    NotificationType, PhoneConsent,
)
from notifications.services import notification_create, notification_deliver
from notifications.tests.fake_provider import FakeAfricasTalking
from servicing import workflow_events as job_events
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+254712345678"
SHOP = "Ndegwa Auto Concierge"


@pytest.fixture(autouse=True)
def empty_outbox(settings):
    settings.SHOP_NAME = SHOP
    sms.outbox.clear()


@pytest.fixture
def secret(settings):
    settings.AFRICASTALKING_CALLBACK_SECRET = "Inb" + secrets.token_urlsafe(32)
    return settings.AFRICASTALKING_CALLBACK_SECRET


@pytest.fixture
def inbound_url(live_server, secret):
    return live_server.url + reverse("notifications:africastalking-inbound", kwargs={"secret": secret})


@pytest.fixture
def provider(inbound_url):
    with FakeAfricasTalking(inbound_url=inbound_url) as fake:
        yield fake


@pytest.fixture
def owner():
    return ClientFactory(phone=PHONE, first_name="Wanjiru")


def send(client, category, message="Your car is due for a service"):
    return notification_create(channel=NotificationType.SMS, client=client, message=message, category=category)


def confirmations():
    return list(Notification.objects.filter(category=MessageCategory.CONFIRMATION).order_by("created_at"))


@pytest.mark.parametrize("text, language", [
    ("STOP", "en"), ("stop", "en"), ("  Stop  ", "en"), ("stop please", "en"), ("STOP.", "en"),
    ("Ondoka", "sw"), ("ONDOKA tafadhali", "sw"), ("ondoka", "sw"), ("TOKA", "sw"), ("toka sasa!", "sw"),
])
def test_a_stop_keyword_in_any_spelling_opts_the_number_out_and_confirms_in_its_language(provider, owner, text,
                                                                                         language):
    assert provider.post_inbound(text=text, phone=PHONE) == 200

    consent = PhoneConsent.objects.get()
    assert consent.opted_out and consent.method == ConsentMethod.REPLY
    assert consent.phone_hash == owner.phone_hash  # per number, by the clients' own keyed hash
    change = ConsentChange.objects.get()
    assert (change.opted_out, change.method, change.keyword) == (True, ConsentMethod.REPLY, keyword_of(text))
    (confirmation,) = confirmations()
    assert confirmation.client == owner and confirmation.channel == NotificationType.SMS
    assert confirmation.message == CONFIRMATIONS[(True, language)].format(shop=SHOP)
    assert ("hutapokea" in confirmation.message) == (language == "sw")
    assert confirmation.language == language  # the portal shows it marked with the language it went in
    assert notification_deliver(notification_id=confirmation.pk).status == "sent"
    assert sms.outbox == [(PHONE, confirmation.message)]
    message = InboundMessage.objects.get()
    assert (message.outcome, message.confirmation_id) == (InboundOutcome.OPTED_OUT, confirmation.pk)


@pytest.mark.parametrize("text, language", [("START", "en"), ("start", "en"), ("Start again", "en"),
                                            ("ANZA", "sw"), (" anza tena", "sw")])
def test_start_or_anza_subscribes_the_number_again(provider, owner, text, language):
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    assert send(owner, MessageCategory.REMINDER).status == NotificationStatus.FAILED

    assert provider.post_inbound(text=text, phone=PHONE) == 200
    assert not PhoneConsent.objects.get().opted_out
    assert [c.opted_out for c in ConsentChange.objects.order_by("at")] == [True, False]
    assert confirmations()[-1].message == CONFIRMATIONS[(False, language)].format(shop=SHOP)
    assert send(owner, MessageCategory.REMINDER).status == NotificationStatus.PENDING


@pytest.mark.parametrize("text", ["Stopping by tomorrow", "Asante sana", "Is my car ready?", "", "   "])
def test_a_text_without_a_keyword_changes_nothing_and_its_words_are_not_kept(provider, owner, text):
    assert provider.post_inbound(text=text, phone=PHONE) == 200
    message = InboundMessage.objects.get()
    assert (message.keyword, message.outcome) == ("", InboundOutcome.NO_KEYWORD)
    assert not PhoneConsent.objects.exists() and not confirmations()
    stored = " ".join(str(value) for value in InboundMessage.objects.values().get().values())
    assert not any(word in stored for word in ("tomorrow", "Asante", "ready"))


def test_the_number_is_kept_hashed_and_masked_never_in_clear_nor_in_the_logs(provider, owner, caplog):
    with caplog.at_level(logging.DEBUG):
        assert provider.post_inbound(text="stop please", phone="0712 345 678") == 200
    message = InboundMessage.objects.get()
    assert (message.phone_hash, message.phone_masked) == (owner.phone_hash, "+2547******78")
    for row in (InboundMessage.objects.values().get(), PhoneConsent.objects.values().get(),
                ConsentChange.objects.values().get()):
        assert "712345678" not in str(row) and "please" not in str(row)
    assert "712345678" not in caplog.text and "712 345 678" not in caplog.text


def test_a_duplicate_of_the_same_incoming_message_changes_and_confirms_nothing_twice(provider, owner):
    assert provider.post_inbound(text="STOP", phone=PHONE, message_id="ATXin_1") == 200
    assert provider.post_inbound(text="STOP", phone=PHONE, message_id="ATXin_1") == 200  # the provider's retry
    assert InboundMessage.objects.count() == 1
    assert ConsentChange.objects.count() == 1
    assert len(confirmations()) == 1


def test_a_second_stop_is_confirmed_again_without_a_second_change(provider, owner):
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    assert provider.post_inbound(text="Ondoka", phone=PHONE) == 200
    assert ConsentChange.objects.count() == 1
    assert [m.outcome for m in InboundMessage.objects.order_by("received_at")] == [
        InboundOutcome.OPTED_OUT, InboundOutcome.UNCHANGED]
    assert len(confirmations()) == 2


def test_a_number_shared_by_a_family_opts_out_for_everyone_on_it(provider):
    mother, son = ClientFactory(phone=PHONE), ClientFactory(phone="0712345678")
    assert provider.post_inbound(text="TOKA", phone="254712345678") == 200
    assert len(confirmations()) == 1  # one text back to the one phone
    for client in (mother, son):
        assert send(client, MessageCategory.REMINDER).status == NotificationStatus.FAILED
        assert send(client, MessageCategory.SERVICE).status == NotificationStatus.PENDING


def test_an_opted_out_number_gets_no_reminder_or_marketing_but_service_messages_still_go(provider, owner):
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    reminder = send(owner, MessageCategory.REMINDER)
    offer = send(owner, MessageCategory.MARKETING, "10% off wheel alignment this week")
    ready = send(owner, MessageCategory.SERVICE, "Your car is ready for collection")

    assert (reminder.status, reminder.error) == (
        NotificationStatus.FAILED, "not sent: skipped, the phone number opted out of reminder texts")
    assert (offer.status, offer.error) == (
        NotificationStatus.FAILED, "not sent: skipped, the phone number opted out of marketing texts")
    assert notification_deliver(notification_id=ready.pk).status == "sent"
    assert sms.outbox == [(PHONE, "Your car is ready for collection")]


def test_an_opt_out_after_a_reminder_was_written_stops_it_at_sending(provider, owner):
    reminder = send(owner, MessageCategory.REMINDER)
    assert reminder.status == NotificationStatus.PENDING
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    assert notification_deliver(notification_id=reminder.pk).status == "failed"
    reminder.refresh_from_db()
    assert reminder.error == "not sent: skipped, the phone number opted out of reminder texts"
    assert sms.outbox == []


def test_an_opt_out_stops_texts_not_emails(provider, owner):
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    email = notification_create(channel=NotificationType.EMAIL, client=owner, message="Due soon",
                                category=MessageCategory.REMINDER)
    assert email.status == NotificationStatus.PENDING


def test_a_shop_policy_can_make_an_opt_out_cover_service_messages_but_not_the_confirmation(provider, owner,
                                                                                        settings):
    settings.OPT_OUT_COVERS_SERVICE_MESSAGES = True
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    (confirmation,) = confirmations()
    assert notification_deliver(notification_id=confirmation.pk).status == "sent"
    ready = send(owner, MessageCategory.SERVICE, "Your car is ready for collection")
    assert (ready.status, ready.error) == (
        NotificationStatus.FAILED, "not sent: skipped, the phone number opted out of service texts")


def test_a_stop_from_a_number_nobody_has_is_recorded_and_not_answered(provider):
    assert provider.post_inbound(text="STOP", phone="+254799000111") == 200
    assert PhoneConsent.objects.get().opted_out
    assert not confirmations()
    assert InboundMessage.objects.get().detail == "no client with this number: no confirmation sent"
    # A client added later with that number is already opted out.
    assert send(ClientFactory(phone="0799 000 111"), MessageCategory.REMINDER).status == NotificationStatus.FAILED


def test_the_consent_tables_are_audited(provider, owner):
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    tables = set(AuditLog.objects.values_list("table_name", flat=True))
    assert {"notification_phone_consents", "notification_consent_changes"} <= tables


def test_a_wrong_or_missing_secret_is_a_bare_404_and_nothing_is_stored(provider, live_server, owner):
    wrong = live_server.url + reverse("notifications:africastalking-inbound",
                                      kwargs={"secret": "Inb" + secrets.token_urlsafe(32)})
    assert provider.post_inbound(text="STOP", phone=PHONE, url=wrong) == 404
    assert provider.post_inbound(text="STOP", phone=PHONE,
                                 url=live_server.url + "/callbacks/africastalking/inbound/") == 404
    assert not InboundMessage.objects.exists() and not PhoneConsent.objects.exists()


def test_no_secret_configured_turns_the_endpoint_off(provider, settings, owner):
    settings.AFRICASTALKING_CALLBACK_SECRET = ""
    assert provider.post_inbound(text="STOP", phone=PHONE) == 404
    assert not InboundMessage.objects.exists()


def test_only_post_is_answered_and_no_csrf_token_is_needed(inbound_url, live_server, owner):
    path = inbound_url.removeprefix(live_server.url)
    assert HttpClient().get(path).status_code == 405
    strict = HttpClient(enforce_csrf_checks=True)
    assert strict.post(path, {"from": PHONE, "to": "20880", "text": "STOP", "id": "x1", "date": "",
                              "linkId": ""}).status_code == 200


@pytest.mark.parametrize("form, problem", [
    ({"from": PHONE, "text": "STOP"}, "no message id"),
    ({"id": "ATXin_9", "text": "STOP"}, "no sender number"),
    ({"id": "x" * 101, "from": PHONE, "text": "STOP"}, "message id too long"),
])
def test_a_message_missing_its_id_or_sender_is_kept_refused_and_not_applied(inbound_url, live_server, form,
                                                                            problem):
    response = HttpClient().post(inbound_url.removeprefix(live_server.url), form)
    assert response.status_code == 400
    message = InboundMessage.objects.get()
    assert (message.outcome, message.detail) == (InboundOutcome.INVALID, problem)
    assert not PhoneConsent.objects.exists()


def test_a_stored_message_whose_processing_failed_is_processed_by_the_sweeper(owner):
    from notifications.consent import inbound_message_store
    from notifications.tasks import sweep_notifications

    inbound_message_store(fields={"id": "ATXin_5", "from": PHONE, "to": "20880", "text": "Ondoka"})
    assert not PhoneConsent.objects.exists()  # stored, not yet processed (as when processing failed)
    sweep_notifications()
    assert PhoneConsent.objects.get().opted_out and len(confirmations()) == 1
    sweep_notifications()
    assert len(confirmations()) == 1


# --- Categories on the workflows' messages ---

def test_the_default_workflows_give_each_client_sms_its_category():
    categories = {
        (spec["name"], action["channel"]): action["category"]
        for spec in default_workflows() for action in spec["actions"] if action["type"] == "send_notification"
    }
    assert categories[("SMS when work starts", "SMS")] == "service"
    assert categories[("SMS and in-app message when a job is completed", "SMS")] == "service"
    assert categories[("Reminder the day before", "SMS")] == "reminder"


def test_a_workflow_reminder_to_an_opted_out_number_is_recorded_as_skipped(provider, owner):
    install_default_workflows()
    service = ServiceFactory(vehicle__client=owner)
    assert provider.post_inbound(text="STOP", phone=PHONE) == 200
    event_emit(name=job_events.SERVICE_DUE_TOMORROW, service=service)
    workflows_run_for_event(event_id=Event.objects.get(name=job_events.SERVICE_DUE_TOMORROW).pk)
    reminder = Notification.objects.get(service=service, channel=NotificationType.SMS)
    assert reminder.category == MessageCategory.REMINDER
    assert (reminder.status, reminder.error) == (
        NotificationStatus.FAILED, "not sent: skipped, the phone number opted out of reminder texts")


def test_the_data_migration_gives_existing_workflows_their_categories():
    migration = importlib.import_module("notifications.migrations.0016_workflow_message_categories")
    Workflow.objects.bulk_create([
        Workflow(name="Reminder", trigger_event="service_due_tomorrow",
                 actions=[{"type": "send_notification", "channel": "SMS", "template": "Tomorrow"}]),
        Workflow(name="Started", trigger_event="service_in_progress",
                 actions=[{"type": "send_notification", "channel": "SMS", "template": "Started"}]),
        Workflow(name="Offer", trigger_event="service_completed",
                 actions=[{"type": "send_notification", "channel": "SMS", "template": "10% off", "marketing": True}]),
        Workflow(name="Chosen", trigger_event="service_due_tomorrow",
                 actions=[{"type": "send_notification", "channel": "SMS", "template": "x", "category": "service"}]),
    ])
    migration.add_categories(apps, None)
    categories = {w.name: w.actions[0]["category"] for w in Workflow.objects.all()}
    assert categories == {"Reminder": "reminder", "Started": "service", "Offer": "marketing", "Chosen": "service"}
