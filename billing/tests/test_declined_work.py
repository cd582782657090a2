import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Decision, DecisionChannel, LineKind
from billing.services import declined_work_recover, estimate_line_add, estimate_line_decide
from billing.workflow_events import DECLINED_WORK_DUE, declined_work_due_fire
from concierge.workflows.models import Event
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _decline(job, description, follow_up):
    line = estimate_line_add(service=job, kind=LineKind.PART, description=description, quantity=Decimal("1"),
                             unit_price=Decimal("1500.00"))
    estimate_line_decide(line=line, decision=Decision.DECLINED, via=DecisionChannel.PHONE, by=None, follow_up_date=follow_up)
    return line


def test_declined_work_due_fires_once_per_job_and_follow_up_date():
    today = timezone.localdate()
    job = ServiceFactory()
    wipers = _decline(job, "Wiper blades", today)
    bulbs = _decline(job, "Brake light bulbs", today)
    _decline(ServiceFactory(), "Tyres", today + datetime.timedelta(days=1))  # not due yet

    assert declined_work_due_fire(today=today) == 1
    assert declined_work_due_fire(today=today) == 0  # the next beat tick
    assert declined_work_due_fire(today=today + datetime.timedelta(days=5)) == 1  # only the tyres, now due
    events = Event.objects.filter(name=DECLINED_WORK_DUE, service=job)
    assert events.count() == 1
    assert sorted(events.get().payload["estimate_lines"]) == sorted([str(wipers.pk), str(bulbs.pk)])


def test_recovered_declined_work_is_not_reminded():
    today = timezone.localdate()
    job = ServiceFactory()
    line = _decline(job, "Wiper blades", today)
    declined_work_recover(line=line, service=ServiceFactory(vehicle=job.vehicle))
    assert declined_work_due_fire(today=today) == 0
