"""The request log and the Idempotency-Key records are kept for their settings' days, then purged by
the nightly beat task; rows younger than that stay."""

import datetime
import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from api.models import ApiRequest, IdempotentCreate
from api.services import api_records_purge, api_request_log
from api.tasks import purge_api_records
from api.tests.factories import key_with

pytestmark = pytest.mark.django_db


def _aged(queryset, field, days):
    queryset.update(**{field: timezone.now() - datetime.timedelta(days=days)})


def test_old_request_lines_and_idempotency_records_are_purged_and_recent_ones_kept(settings):
    settings.API_REQUEST_LOG_DAYS, settings.API_IDEMPOTENCY_DAYS = 90, 7
    key, _ = key_with("clients:read")
    old, recent = (api_request_log(key=key, method="GET", path="/api/v1/clients", status=200, duration_ms=3)
                   for _ in range(2))
    _aged(ApiRequest.objects.filter(pk=old.pk), "at", 91)
    _aged(ApiRequest.objects.filter(pk=recent.pk), "at", 89)
    stale, fresh = (IdempotentCreate.objects.create(key=key, idempotency_key=str(uuid.uuid4()), resource="clients",
                                                    body_hash="0" * 64, object_id=uuid.uuid4()) for _ in range(2))
    _aged(IdempotentCreate.objects.filter(pk=stale.pk), "created_at", 8)
    _aged(IdempotentCreate.objects.filter(pk=fresh.pk), "created_at", 6)

    assert api_records_purge(batch=1) == (1, 1)
    assert list(ApiRequest.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(IdempotentCreate.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert purge_api_records() == (0, 0)


def test_the_purge_runs_nightly():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-api-records"]
    assert entry["task"] == purge_api_records.name
