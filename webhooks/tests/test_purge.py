"""The delivery log keeps delivered and failed deliveries WEBHOOKS_DELIVERY_LOG_DAYS, then the nightly
beat task purges them; deliveries still pending, held, sending or uncertain stay whatever their age."""

import datetime
import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from webhooks.models import Delivery, DeliveryState
from webhooks.services import deliveries_purge, endpoint_create
from webhooks.tasks import purge_webhook_deliveries

pytestmark = pytest.mark.django_db


def test_finished_deliveries_past_their_days_are_purged_and_the_rest_stay(settings):
    settings.WEBHOOKS_DELIVERY_LOG_DAYS = 90
    endpoint = endpoint_create(name="Accounting", url="https://hooks.example.com/in", events=["invoice_issued"])
    long_ago = timezone.now() - datetime.timedelta(days=91)
    recently = timezone.now() - datetime.timedelta(days=89)

    def delivery(state, created_at):
        row = Delivery.objects.create(endpoint=endpoint, event_id=uuid.uuid4(), event_type="invoice_issued",
                                      body="{}", state=state)
        Delivery.objects.filter(pk=row.pk).update(created_at=created_at)
        return row.pk

    purged = {delivery(DeliveryState.DELIVERED, long_ago), delivery(DeliveryState.FAILED, long_ago)}
    kept = {delivery(state, long_ago) for state in (DeliveryState.PENDING, DeliveryState.HELD,
                                                     DeliveryState.SENDING, DeliveryState.UNCERTAIN)}
    kept.add(delivery(DeliveryState.DELIVERED, recently))

    assert deliveries_purge(batch=1) == len(purged)
    assert set(Delivery.objects.values_list("pk", flat=True)) == kept
    assert purge_webhook_deliveries() == 0


def test_the_purge_runs_nightly():
    assert django_settings.CELERY_BEAT_SCHEDULE["purge-webhook-deliveries"]["task"] == purge_webhook_deliveries.name
