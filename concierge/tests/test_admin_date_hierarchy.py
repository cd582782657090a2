"""The date drill-down by index probes (concierge/admin/date_hierarchy.py): Django's choices, without
reading every row of the list for its dates."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy as djangos_date_hierarchy
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.tests.factories import login_verified
from concierge.admin.date_hierarchy import date_hierarchy
from concierge.audit.models import AuditLog
from servicing.models import Service
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _changelist(model, params, user):
    request = RequestFactory().get("/", params)
    request.user = user
    return admin.site._registry[model].get_changelist_instance(request)


@pytest.fixture
def jobs():
    # Three years with a gap (2023 has no job), several months and days, two statuses.
    for day, status in [
        (datetime.date(2022, 3, 4), "completed"), (datetime.date(2022, 3, 9), "completed"),
        (datetime.date(2022, 11, 30), "cancelled"), (datetime.date(2024, 1, 1), "completed"),
        (datetime.date(2024, 12, 31), "pending"), (datetime.date(2025, 6, 15), "completed"),
    ]:
        ServiceFactory(scheduled_date=day, status=status, completed_date=day if status == "completed" else None)
    ServiceFactory(scheduled_date=None)  # no date: in no year


@pytest.mark.parametrize("params", [
    {},
    {"scheduled_date__year": "2022"},
    {"scheduled_date__year": "2022", "scheduled_date__month": "3"},
    {"scheduled_date__year": "2022", "scheduled_date__month": "3", "scheduled_date__day": "9"},
    {"scheduled_date__year": "2023"},
    {"scheduled_date__month": "3"},  # a month without its year: Django lists the years
    {"status__exact": "completed"},
    {"status__exact": "completed", "scheduled_date__year": "2024"},
    {"status__exact": "cancelled"},  # one row: Django starts at its year's month, then its days
    {"status__exact": "pending", "q": "Oil"},
    {"status__exact": "in_progress"},  # no row at all
])
def test_service_drill_down_offers_djangos_choices(jobs, superuser, params):
    assert date_hierarchy(_changelist(Service, params, superuser)) == djangos_date_hierarchy(
        _changelist(Service, params, superuser))


def test_audit_drill_down_offers_djangos_choices_in_nairobi_time(superuser):
    # 22:30 UTC on 31 December is already 1 January in Nairobi (UTC+3): the year and day follow Nairobi.
    for moment in [datetime.datetime(2024, 12, 31, 22, 30), datetime.datetime(2024, 12, 31, 20, 0),
                   datetime.datetime(2025, 2, 1, 8, 0)]:
        AuditLog.objects.create(table_name="services", record_id="00000000-0000-0000-0000-000000000001",
                                action="INSERT", timestamp=timezone.make_aware(moment, datetime.timezone.utc))
    for params in [{}, {"timestamp__year": "2025"}, {"timestamp__year": "2025", "timestamp__month": "1"},
                   {"timestamp__year": "2024", "timestamp__month": "12"}]:
        ours = date_hierarchy(_changelist(AuditLog, params, superuser))
        assert ours == djangos_date_hierarchy(_changelist(AuditLog, params, superuser))
    assert [c["title"] for c in date_hierarchy(_changelist(AuditLog, {}, superuser))["choices"]] == ["2024", "2025"]


def test_drill_down_never_reads_the_rows_for_their_dates(jobs, superuser):
    """The rule: no SELECT DISTINCT DATE_TRUNC over the list, whatever the level or filter."""
    for params in [{}, {"status__exact": "completed"}, {"scheduled_date__year": "2022"},
                   {"scheduled_date__year": "2022", "scheduled_date__month": "3"}]:
        cl = _changelist(Service, params, superuser)
        with CaptureQueriesContext(connection) as ctx:
            date_hierarchy(cl)
        sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
        assert len(ctx.captured_queries) <= 2
        assert "DATE_TRUNC" not in sql and "DISTINCT" not in sql


def test_services_and_audit_lists_show_the_probed_drill_down(jobs, client, superuser):
    login_verified(client, superuser)
    for url in (reverse("admin:servicing_service_changelist"), reverse("admin:audit_auditlog_changelist")):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        assert page.status_code == 200
        assert not any("DATE_TRUNC" in q["sql"].upper() for q in ctx.captured_queries)
    body = client.get(reverse("admin:servicing_service_changelist")).content.decode()
    assert "?scheduled_date__year=2024" in body and "?scheduled_date__year=2023" not in body


@pytest.mark.parametrize("params", [
    {"scheduled_date__year": "abc"},
    {"scheduled_date__year": "2024", "scheduled_date__month": "13"},
    {"scheduled_date__year": "2024", "scheduled_date__month": "2", "scheduled_date__day": "30"},
    {"scheduled_date__month": "5"},
])
def test_a_nonsense_drill_down_is_refused_like_any_bad_filter_never_a_500(client, jobs, params):
    from concierge.accounts.tests.factories import UserFactory

    login_verified(client, UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:servicing_service_changelist"), params)
    # Django's changelist answers a lookup it cannot use by redirecting to the list with ?e=1.
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert response.url.endswith("?e=1")
