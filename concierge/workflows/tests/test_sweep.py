import datetime

import pytest
from django.utils import timezone

from concierge.workflows.engine import workflows_run_for_event
from concierge.workflows.models import Event
from concierge.workflows.services import events_requeue_unprocessed
from notifications.tests.conftest import redis_server  # noqa: F401
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_unprocessed_events_older_than_the_sweep_age_are_queued_again_once(redis_server):  # noqa: F811
    from concierge.workflows.tasks import run_event_workflows
    from concierge.processes import queued_args

    ServiceFactory()  # client_created, vehicle_added, service_created: all fresh
    old = Event.objects.first()
    Event.objects.update(processed_at=None)  # as if workflows listened to them
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert events_requeue_unprocessed() == 1
    assert events_requeue_unprocessed() == 0
    workflows_run_for_event(event_id=old.pk)
    Event.objects.filter(pk=old.pk).update(requeued_at=None)
    assert events_requeue_unprocessed() == 0  # processed: nothing to do
    assert queued_args(redis_server, run_event_workflows) == [[str(old.pk)]]  # in the real queue, once
