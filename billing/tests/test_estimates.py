import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing import signals
from billing.models import Decision, DecisionChannel, LineKind, TaxCategory
from billing.services import (
    DECLINED_FOLLOW_UP_DAYS,
    BillingRefused,
    StaleDecision,
    estimate_line_add,
    estimate_line_decide,
    estimate_line_remove,
    estimate_line_update,
)
from billing.selectors import estimate_summary
from concierge.accounts.tests.factories import UserFactory
from servicing.lifecycle import InvalidTransition
from servicing.models import Service, ServiceStatus
from servicing.services import service_cancel, service_change_status_bulk, service_start
from servicing.tests.factories import ServiceFactory

from .factories import PriceListItemFactory

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_line_from_the_price_list_copies_hours_rate_part_and_category():
    job = ServiceFactory()
    labour = PriceListItemFactory(
        kind=LineKind.LABOUR, description="Brake pads, fit", part_number="", unit_price=None, unit_cost=None,
        standard_hours=D("1.25"), hourly_rate=D("2000.00"),
    )
    part = PriceListItemFactory(unit_price=D("3450.00"), unit_cost=D("2100.00"), tax_category=TaxCategory.ZERO_RATED)
    fitted = estimate_line_add(service=job, price_list_item=labour)
    pads = estimate_line_add(service=job, price_list_item=part, quantity=D("2"))
    assert (fitted.kind, fitted.quantity, fitted.unit_price, fitted.tax_rate) == ("labour", D("1.25"), D("2000.00"), D("16.00"))
    assert (pads.part_number, pads.quantity, pads.unit_price, pads.unit_cost, pads.tax_rate) == (
        "OF-1001", D("2"), D("3450.00"), D("2100.00"), D("0.00"))
    assert [fitted.position, pads.position] == [1, 2]
    # 1.25 x 2,000.00 = 2,500.00, of which VAT 2,500.00 x 16 / 116 = 344.8275 -> 344.83; 2 x 3,450.00 =
    # 6,900.00 zero-rated. All: 9,400.00, VAT 344.83, net 9,055.17.
    summary = estimate_summary(service=job)
    assert (summary.all.net, summary.all.tax, summary.all.total) == (D("9055.17"), D("344.83"), D("9400.00"))
    assert summary.pending.total == D("9400.00") and summary.approved.total == D("0.00")


def test_a_typed_line_with_bad_values_is_refused_by_field():
    job = ServiceFactory()
    with pytest.raises(ValidationError) as error:
        estimate_line_add(service=job, kind=LineKind.PART, description="", quantity=D("0"), unit_price=D("10.00"))
    assert {"description", "quantity"} <= set(error.value.message_dict)


def test_work_cannot_start_on_a_job_whose_estimate_has_no_approved_line():
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind=LineKind.PART, description="Battery", quantity=D("1"), unit_price=D("9500"))
    estimate_line_decide(line=line, decision=Decision.DECLINED, via=DecisionChannel.PHONE, by=None)
    with pytest.raises(InvalidTransition, match="approved"):
        service_start(service=job)
    assert Service.objects.get(pk=job.pk).status == ServiceStatus.PENDING
    estimate_line_add(service=job, kind=LineKind.PART, description="Terminal clamp", quantity=D("1"), unit_price=D("300"))
    with pytest.raises(InvalidTransition):  # an unanswered line is not an approved one
        service_start(service=job)


def test_work_starts_once_one_line_is_approved():
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind=LineKind.PART, description="Battery", quantity=D("1"), unit_price=D("9500"))
    estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.IN_PERSON, by=None)
    assert service_start(service=job) is True


def test_a_job_without_estimate_lines_starts_as_before():
    job = ServiceFactory()
    assert service_start(service=job) is True


def test_the_bulk_start_refuses_the_job_waiting_for_approval_and_names_it():
    waiting, ready = ServiceFactory(), ServiceFactory()
    estimate_line_add(service=waiting, kind=LineKind.PART, description="Battery", quantity=D("1"), unit_price=D("9500"))
    from servicing.services import BulkTransitionRefused

    with pytest.raises(BulkTransitionRefused) as error:
        service_change_status_bulk(services=[waiting, ready], status=ServiceStatus.IN_PROGRESS)
    assert [service.pk for service, _ in error.value.refused] == [waiting.pk]
    assert Service.objects.get(pk=ready.pk).status == ServiceStatus.PENDING  # all or nothing


def test_the_answer_records_who_when_and_how_and_says_so_once():
    job = ServiceFactory()
    by = UserFactory()
    line = estimate_line_add(service=job, kind=LineKind.PART, description="Battery", quantity=D("1"), unit_price=D("9500"))
    heard = []
    receiver = lambda sender, **kwargs: heard.append((kwargs["old_decision"], kwargs["new_decision"], kwargs["by"]))  # noqa: E731
    signals.estimate_line_decided.connect(receiver, weak=False)
    try:
        assert estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.REPLY, by=by) is True
        assert estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.REPLY, by=by) is False
    finally:
        signals.estimate_line_decided.disconnect(receiver)
    line.refresh_from_db()
    assert (line.decision, line.decided_via, line.decided_by) == (Decision.APPROVED, DecisionChannel.REPLY, by)
    assert line.decided_at is not None and line.follow_up_date is None
    assert heard == [(Decision.PENDING, Decision.APPROVED, by)]


def test_declined_work_is_kept_with_a_follow_up_date():
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind=LineKind.PART, description="Wipers", quantity=D("2"), unit_price=D("1200"))
    estimate_line_decide(line=line, decision=Decision.DECLINED, via=DecisionChannel.PHONE, by=None)
    line.refresh_from_db()
    assert line.follow_up_date == timezone.localdate() + datetime.timedelta(days=DECLINED_FOLLOW_UP_DAYS)
    with pytest.raises(ValidationError):
        estimate_line_decide(line=line, decision=Decision.DECLINED, via=DecisionChannel.PHONE, by=None,
                             follow_up_date=timezone.localdate() - datetime.timedelta(days=1))


def test_an_answer_recorded_on_a_stale_page_is_refused():
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind=LineKind.PART, description="Wipers", quantity=D("2"), unit_price=D("1200"))
    estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.PHONE, by=None)
    with pytest.raises(StaleDecision):
        estimate_line_decide(line=line, decision=Decision.DECLINED, via=DecisionChannel.PHONE, by=None,
                             expected=Decision.PENDING)
    line.refresh_from_db()
    assert line.decision == Decision.APPROVED


def test_an_answered_line_is_neither_repriced_nor_removed():
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind=LineKind.PART, description="Wipers", quantity=D("2"), unit_price=D("1200"))
    estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.PHONE, by=None)
    line.unit_price = D("1.00")
    with pytest.raises(BillingRefused):
        estimate_line_update(line=line, fields=["unit_price"])
    with pytest.raises(BillingRefused):
        estimate_line_remove(line=line)
    line.refresh_from_db()
    assert line.unit_price == D("1200.00")


def test_an_unanswered_line_is_repriced_with_its_rate_following_the_category():
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind=LineKind.PART, description="Wipers", quantity=D("2"), unit_price=D("1200"))
    line.tax_category = TaxCategory.EXEMPT
    estimate_line_update(line=line, fields=["tax_category"])
    line.refresh_from_db()
    assert (line.tax_rate, line.tax_amount, line.total_amount) == (D("0.00"), D("0.00"), D("2400.00"))


def test_a_closed_jobs_estimate_takes_no_new_line():
    job = ServiceFactory()
    service_cancel(service=job)
    with pytest.raises(BillingRefused):
        estimate_line_add(service=job, kind=LineKind.PART, description="Wipers", quantity=D("1"), unit_price=D("1"))


def test_a_line_worth_more_than_a_job_can_cost_is_refused_beside_the_quantity():
    job = ServiceFactory()
    with pytest.raises(ValidationError) as error:
        estimate_line_add(service=job, kind=LineKind.PART, description="Typo", quantity=D("100000"), unit_price=D("1000.00"))
    assert "quantity" in error.value.message_dict
