"""Expired portal links are purged on a schedule (issue 14.6)."""

import datetime

import pytest
from django.utils import timezone

from clients.portal.models import PortalToken
from clients.portal.services import portal_tokens_purge_expired
from clients.portal.tokens import sign_in_token_issue, status_link_token_issue, token_hash
from clients.tasks import purge_expired_portal_tokens
from clients.tests.factories import ClientFactory
from concierge.celery import app
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _kept():
    return set(PortalToken.objects.values_list("token_hash", flat=True))


def test_nightly_purge_deletes_only_links_that_can_never_open_anything():
    owner = ClientFactory()
    open_job = ServiceFactory(vehicle__client=owner, status=ServiceStatus.IN_PROGRESS)
    closed_job = ServiceFactory(vehicle__client=owner, status=ServiceStatus.COMPLETED)
    sign_in = sign_in_token_issue(client=owner)
    open_link = status_link_token_issue(service=open_job)
    closed_link = status_link_token_issue(service=closed_job)
    revoked = status_link_token_issue(service=open_job)
    PortalToken.objects.filter(token_hash=token_hash(revoked)).update(revoked_at=timezone.now())

    # A day in: the sign-in link expired under a day ago, the closed job's link has 29 days left.
    assert purge_expired_portal_tokens.apply().successful()
    assert len(_kept()) == 4

    assert portal_tokens_purge_expired(now=timezone.now() + 2 * DAY) == 1
    assert token_hash(sign_in) not in _kept()

    assert portal_tokens_purge_expired(now=timezone.now() + 31 * DAY) == 2
    assert _kept() == {token_hash(open_link)}  # an open job's link lives as long as the job is open
    assert token_hash(closed_link) not in _kept()


def test_housekeeping_is_on_beats_schedule_and_its_tasks_exist():
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"clients.tasks.purge_expired_portal_tokens", "concierge.accounts.tasks.clear_expired_sessions"} <= schedule
    app.loader.import_default_modules()
    assert schedule <= set(app.tasks)


def test_readme_lists_every_scheduled_job():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme[readme.index("### Scheduled jobs"):readme.index("## Pages")]
    assert [name for name in app.conf.beat_schedule if f"`{name}`" not in section] == []
