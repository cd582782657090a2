"""invoice_overdue (payments/overdue.py): fired once per invoice and overdue step for invoices still owed,
never for one paid or credited, never in a burst for old ones; the default reminder texts the owner
the invoice number, what is owed and the Paybill, in their language, as a reminder (opt-out applies)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Decision, DecisionChannel, DocumentKind, Invoice, LineKind, TaxCategory
from billing.services import credit_note_issue, estimate_line_add, estimate_line_decide
from clients.models import Language
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory
from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.engine import workflows_run_for_event
from concierge.workflows.models import Event
from fleet.tests.factories import VehicleFactory
from notifications.consent import consent_set_for_client
from notifications.models import MessageCategory, Notification, NotificationStatus
from payments.models import Method
from payments.overdue import INVOICE_OVERDUE, invoice_overdue_fire, overdue_step
from payments.services import payment_record
from payments.tasks import fire_invoice_overdue
from servicing.services import service_complete, service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
D = Decimal


def issued(days_ago: int, *, price: str = "2500.00", client=None, plate: str | None = None) -> Invoice:
    """The invoice of a job completed `days_ago` days ago (Nairobi): one approved line at `price`."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    car = VehicleFactory(client=client or ClientFactory(), **({"license_plate": plate} if plate else {}))
    job = ServiceFactory(vehicle=car, scheduled_date=day, cost=D("0.00"))
    line = estimate_line_add(service=job, kind=LineKind.LABOUR, description="Brake pads fitted", quantity=D("1"),
                             unit_price=D(price), tax_category=TaxCategory.VAT16)
    estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.IN_PERSON, by=None)
    service_start(service=job)
    service_complete(service=job, completed_date=day)
    return Invoice.objects.get(service=job, kind=DocumentKind.INVOICE)


def overdue_events():
    return list(Event.objects.filter(name=INVOICE_OVERDUE).order_by("created_at").values_list("dedupe_key", flat=True))


@pytest.fixture(autouse=True)
def fourteen_days(settings):
    settings.INVOICE_OVERDUE_DAYS = 14


@pytest.mark.parametrize(("age", "step"), [(0, None), (13, None), (14, 1), (27, 1), (28, 2), (41, 2), (42, 3),
                                           (55, 3), (56, None), (400, None)])
def test_the_overdue_steps_are_14_28_and_42_days_after_issue(age, step):
    today = datetime.date(2026, 12, 4)
    assert overdue_step(issue_date=today - datetime.timedelta(days=age), today=today, days=14) == step


def test_it_fires_once_per_invoice_and_step_however_often_the_beat_runs():
    invoice = issued(14)
    today = timezone.localdate()
    assert invoice_overdue_fire(today=today) == 1
    assert invoice_overdue_fire(today=today) == 0  # the next beat tick
    assert invoice_overdue_fire(today=today + datetime.timedelta(days=13)) == 0  # still step 1
    assert invoice_overdue_fire(today=today + datetime.timedelta(days=14)) == 1  # 28 days: step 2
    assert invoice_overdue_fire(today=today + datetime.timedelta(days=28)) == 1  # 42 days: step 3
    assert invoice_overdue_fire(today=today + datetime.timedelta(days=42)) == 0  # no fourth reminder
    assert overdue_events() == [f"invoice_overdue:{invoice.pk}:{step}" for step in (1, 2, 3)]
    event = Event.objects.filter(name=INVOICE_OVERDUE).order_by("created_at").first()
    assert event.service_id == invoice.service_id and event.client_id == invoice.client_id
    assert event.payload == {"invoice": invoice.display_number, "step": 1, "days_since_issue": 14}


def test_a_paid_or_credited_invoice_is_not_reminded_and_a_part_paid_one_is():
    paid, credited, part_paid, not_yet = issued(20), issued(20), issued(20), issued(10)
    payment_record(invoice=paid, amount=D("2500.00"), method=Method.CASH)
    credit_note_issue(invoice=credited, reason="Work redone free", quantities={str(credited.lines.get().pk): D("1")})
    payment_record(invoice=part_paid, amount=D("1000.00"), method=Method.CARD)
    assert invoice_overdue_fire() == 1
    assert overdue_events() == [f"invoice_overdue:{part_paid.pk}:1"]
    assert not_yet.pk  # ten days old: not overdue yet


def test_invoices_past_the_last_step_are_not_reminded_in_a_burst():
    """Old invoices (the beat was stopped, or they predate the ledger) go on the report, not to the owner."""
    issued(56)
    issued(365)
    assert invoice_overdue_fire() == 0


def test_the_setting_moves_the_steps(settings):
    settings.INVOICE_OVERDUE_DAYS = 30
    issued(20)
    assert invoice_overdue_fire() == 0
    issued(30)
    assert invoice_overdue_fire() == 1


def test_the_beat_task_fires_it():
    issued(15)
    assert fire_invoice_overdue() == 1
    assert fire_invoice_overdue() == 0


def run_events():
    for pk in Event.objects.filter(name=INVOICE_OVERDUE, processed_at__isnull=True).values_list("pk", flat=True):
        workflows_run_for_event(event_id=pk)


def test_the_default_reminder_texts_the_invoice_number_balance_and_paybill_in_the_owners_language(settings):
    settings.MPESA_SHORTCODE = "174379"
    install_default_workflows()
    english = ClientFactory(first_name="Wanjiku", phone="+254722111222")
    swahili = ClientFactory(first_name="Kamau", phone="+254733111222", preferred_language=Language.SWAHILI)
    owed = issued(15, price="4640.00", client=english, plate="KDC 321X")
    payment_record(invoice=owed, amount=D("1000.00"), method=Method.MPESA, reference="SKL3ABCD9X")
    other = issued(16, price="1200.00", client=swahili, plate="KCA 777B")
    invoice_overdue_fire()
    run_events()

    sent = Notification.objects.get(client=english)
    assert sent.category == MessageCategory.REMINDER and sent.language == "en"
    assert sent.message == (
        f"Hi Wanjiku, a gentle reminder: invoice {owed.display_number} for KDC 321X has KES 3,640.00 outstanding. "
        f"Pay by M-Pesa Paybill 174379, account {owed.display_number}. Thank you. {settings.SHOP_NAME}"
    )
    sw = Notification.objects.get(client=swahili)
    assert sw.language == "sw" and sw.message.startswith(
        f"Habari Kamau, tunakukumbusha kwa heshima kuwa ankara {other.display_number} ya gari KCA 777B ina salio la "
        "KES 1,200.00. Lipa kwa M-Pesa Paybill 174379")


def test_an_owner_who_opted_out_gets_no_overdue_reminder():
    install_default_workflows()
    owner = ClientFactory(phone="+254711000999")
    consent_set_for_client(client=owner, opted_out=True, by=UserFactory(), note="Asked at the desk")
    issued(20, client=owner)
    invoice_overdue_fire()
    run_events()
    held = Notification.objects.get(client=owner)
    assert (held.status, held.error) == (
        NotificationStatus.FAILED, "not sent: skipped, the phone number opted out of reminder texts")
