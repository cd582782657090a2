"""Expired sessions are cleared on a schedule (issue 14.6)."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from concierge.accounts.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def test_nightly_task_clears_expired_sessions_and_keeps_live_ones():
    now = timezone.now()
    Session.objects.create(session_key="expired" + "x" * 25, session_data="", expire_date=now - datetime.timedelta(seconds=1))
    Session.objects.create(session_key="live" + "y" * 28, session_data="", expire_date=now + datetime.timedelta(days=1))

    assert clear_expired_sessions.apply().successful()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live" + "y" * 28]
