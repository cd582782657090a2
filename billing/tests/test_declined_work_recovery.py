"""Declined work brought back: offered again when the car returns, and counted as recovered when a
later job on the same car invoices it."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from billing.models import Decision, DecisionChannel, EstimateLine, LineKind
from billing.selectors import declined_work_due
from billing.services import (
    BillingRefused,
    declined_work_add_to_job,
    declined_work_recover,
    estimate_line_add,
    estimate_line_decide,
)
from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import login_verified, staff_in_role
from servicing.services import service_complete, service_start
from servicing.tests.factories import ServiceFactory

from .factories import PriceListItemFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _line(job, decision, **fields):
    line = estimate_line_add(service=job, **fields)
    estimate_line_decide(line=line, decision=decision, via=DecisionChannel.IN_PERSON, by=None)
    return line


def _typed(description, part_number="", price="1500.00"):
    return {"kind": LineKind.PART, "description": description, "part_number": part_number,
            "quantity": D("1"), "unit_price": D(price)}


def _complete(job):
    service_start(service=job)
    service_complete(service=job)


def test_a_later_job_invoicing_the_declined_work_recovers_it_and_only_it():
    pads = PriceListItemFactory(description="Brake pads, front", part_number="BP-200", unit_price=D("4200.00"))
    first = ServiceFactory()
    _line(first, Decision.APPROVED, **_typed("Oil filter"))
    declined_pads = _line(first, Decision.DECLINED, price_list_item=pads)
    declined_wipers = _line(first, Decision.DECLINED, **_typed("Wiper  blades"))
    declined_tyres = _line(first, Decision.DECLINED, **_typed("Tyres"))
    _complete(first)

    later = ServiceFactory(vehicle=first.vehicle)
    _line(later, Decision.APPROVED, price_list_item=pads)  # the same price-list item
    _line(later, Decision.APPROVED, **_typed("wiper blades"))  # typed again, other case and spacing
    _line(later, Decision.DECLINED, **_typed("Tyres"))  # declined again: not done
    _complete(later)

    recovered = {line.description: line.recovered_in_id for line in EstimateLine.objects.filter(service=first)}
    assert recovered == {"Oil filter": None, "Brake pads, front": later.pk, "Wiper  blades": later.pk, "Tyres": None}
    # Recovered work leaves the call list; the tyres stay on it.
    due = declined_work_due(today=timezone.localdate() + timezone.timedelta(days=365))
    assert set(due.filter(service=first)) == {declined_tyres}
    assert declined_pads.pk not in set(due.values_list("pk", flat=True))
    assert declined_wipers.pk not in set(due.values_list("pk", flat=True))


def test_the_same_work_on_another_car_recovers_nothing():
    first = ServiceFactory()
    declined = _line(first, Decision.DECLINED, **_typed("Wiper blades"))
    other_car = ServiceFactory()
    _line(other_car, Decision.APPROVED, **_typed("Wiper blades"))
    _complete(other_car)
    declined.refresh_from_db()
    assert declined.recovered_in_id is None


def test_a_part_number_match_recovers_a_line_described_differently():
    first = ServiceFactory()
    declined = _line(first, Decision.DECLINED, **_typed("Air filter", part_number="AF-77"))
    later = ServiceFactory(vehicle=first.vehicle)
    _line(later, Decision.APPROVED, **_typed("Engine air filter element", part_number="af-77"))
    _complete(later)
    declined.refresh_from_db()
    assert declined.recovered_in_id == later.pk


def test_work_is_not_recovered_on_the_job_it_was_declined_on_nor_twice():
    first = ServiceFactory()
    declined = _line(first, Decision.DECLINED, **_typed("Wiper blades"))
    with pytest.raises(BillingRefused):
        declined_work_recover(line=declined, service=first)
    later = ServiceFactory(vehicle=first.vehicle)
    declined_work_recover(line=declined, service=later)
    declined_work_recover(line=declined, service=later)  # the same again: no change, no error
    with pytest.raises(BillingRefused, match="already counted"):
        declined_work_recover(line=declined, service=ServiceFactory(vehicle=first.vehicle))


def test_add_to_this_job_copies_the_declined_work_at_todays_price_once():
    pads = PriceListItemFactory(description="Brake pads, front", unit_price=D("4200.00"))
    first = ServiceFactory()
    declined = _line(first, Decision.DECLINED, price_list_item=pads, quantity=D("2"))
    pads.unit_price = D("4500.00")
    pads.save()
    later = ServiceFactory(vehicle=first.vehicle)

    added = declined_work_add_to_job(line=declined, service=later)
    assert added is not None
    assert (added.description, added.quantity, added.unit_price, added.decision) == (
        "Brake pads, front", D("2"), D("4500.00"), Decision.PENDING)
    assert declined_work_add_to_job(line=declined, service=later) is None  # pressed twice
    assert EstimateLine.objects.filter(service=later).count() == 1


def test_declined_work_is_not_added_to_another_cars_job():
    declined = _line(ServiceFactory(), Decision.DECLINED, **_typed("Wiper blades"))
    with pytest.raises(BillingRefused):
        declined_work_add_to_job(line=declined, service=ServiceFactory())


def _page(client, job):
    return client.get(reverse("billing:job_estimate", args=[job.pk])).content.decode()


def test_the_estimate_page_offers_the_cars_declined_work_and_adds_it(client):
    login_verified(client, staff_in_role(FRONT_DESK))
    first = ServiceFactory()
    declined = _line(first, Decision.DECLINED, **_typed("Wiper blades", price="1500.00"))
    later = ServiceFactory(vehicle=first.vehicle)
    page = _page(client, later)
    assert "Declined earlier on this car" in page and "Wiper blades" in page and "1,500.00" in page
    assert "Declined earlier on this car" not in _page(client, ServiceFactory())  # another car

    url = reverse("billing:declined_work_add", args=[later.pk])
    response = client.post(url, {"line": str(declined.pk)})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Wiper blades” added to the estimate, awaiting the owner's answer."]
    response = client.post(url, {"line": str(declined.pk)})
    assert "already on this job's estimate" in str(list(get_messages(response.wsgi_request))[-1])
    assert EstimateLine.objects.filter(service=later).count() == 1


def test_adding_declined_work_refuses_bad_and_foreign_lines_without_a_500(client):
    login_verified(client, staff_in_role(FRONT_DESK))
    later = ServiceFactory()
    other_cars = _line(ServiceFactory(), Decision.DECLINED, **_typed("Wiper blades"))
    url = reverse("billing:declined_work_add", args=[later.pk])
    for value in ("", "not-a-uuid", str(uuid.uuid4()), str(other_cars.pk)):
        response = client.post(url, {"line": value})
        assert response.status_code == 302
    assert not EstimateLine.objects.filter(service=later).exists()


def test_a_technician_cannot_add_declined_work(client):
    login_verified(client, staff_in_role(TECHNICIAN))
    first = ServiceFactory()
    declined = _line(first, Decision.DECLINED, **_typed("Wiper blades"))
    later = ServiceFactory(vehicle=first.vehicle)
    response = client.post(reverse("billing:declined_work_add", args=[later.pk]), {"line": str(declined.pk)})
    assert response.status_code == 403
    assert not EstimateLine.objects.filter(service=later).exists()
