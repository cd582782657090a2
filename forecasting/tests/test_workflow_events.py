"""service_predicted_due: fired N days before a predicted date, once per car, type and cycle; the
default workflow reminds the owner by SMS only with their consent."""

import datetime

import pytest
from django.utils import timezone

from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.engine import workflows_run_for_event
from concierge.workflows.models import Event
from forecasting.models import ServicePrediction
from forecasting.services import predictions_refresh
from forecasting.workflow_events import SERVICE_PREDICTED_DUE, predicted_due_events_fire
from notifications.models import Notification, NotificationStatus
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from .factories import car_with_history

pytestmark = pytest.mark.django_db
D = datetime.date


def car_due_in(days: int, *, consent: bool = True, today: D):
    """A car whose oil change (5 000 km) falls due `days` after `today`, at 100 km/day."""
    last = today - datetime.timedelta(days=50 - days)
    readings = [(last - datetime.timedelta(days=30 * k), 100_000 - 3_000 * k) for k in range(4, -1, -1)]
    car = car_with_history(readings=readings, services=[("Oil Change", last)])
    car.client.consent_gdpr = consent
    car.client.save(update_fields=["consent_gdpr"])
    return car


def test_the_event_fires_once_per_car_type_and_cycle(settings):
    settings.PREDICTION_REMINDER_DAYS = 7
    today = timezone.localdate()
    due_soon, later = car_due_in(5, today=today), car_due_in(20, today=today)
    predictions_refresh(today=today)
    assert ServicePrediction.objects.get(vehicle=due_soon).due_date == today + datetime.timedelta(days=5)

    assert predicted_due_events_fire(today=today) == 1
    assert predicted_due_events_fire(today=today) == 0  # the next night, or a refresh after a reading
    assert list(Event.objects.filter(name=SERVICE_PREDICTED_DUE).values_list("vehicle", flat=True)) == [due_soon.pk]
    assert not Event.objects.filter(name=SERVICE_PREDICTED_DUE, vehicle=later).exists()

    # Serviced again: a new cycle, reminded again when it comes due.
    ServiceFactory(vehicle=due_soon, service_type="Oil Change", status=ServiceStatus.COMPLETED,
                   scheduled_date=today, completed_date=today)
    predictions_refresh(today=today)
    ServicePrediction.objects.filter(vehicle=due_soon).update(due_date=today + datetime.timedelta(days=3))
    assert predicted_due_events_fire(today=today) == 1
    assert Event.objects.filter(name=SERVICE_PREDICTED_DUE, vehicle=due_soon).count() == 2


def test_the_default_reminder_goes_only_to_owners_who_consented():
    install_default_workflows()
    today = timezone.localdate()
    agreed, refused = car_due_in(3, consent=True, today=today), car_due_in(3, consent=False, today=today)
    predictions_refresh(today=today)
    predicted_due_events_fire(today=today)
    for event in Event.objects.filter(name=SERVICE_PREDICTED_DUE):
        workflows_run_for_event(event_id=event.pk)

    sent = Notification.objects.get(client=agreed.client)
    assert sent.status == NotificationStatus.PENDING and sent.marketing
    assert "Oil Change" in sent.message and agreed.license_plate in sent.message
    assert f"{(today + datetime.timedelta(days=3)):%-d %b %Y}" in sent.message
    held = Notification.objects.get(client=refused.client)
    assert held.status == NotificationStatus.FAILED and "consent" in held.error
