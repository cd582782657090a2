"""REPORTS_DATABASE_URL: report queries read from the `reports` alias when it is set, else `default`."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection, connections
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from concierge.accounts.tests.factories import UserFactory, login_verified
from reports.routers import ReportsRouter, reading_reports, reports_db_alias
from reports.selectors import overview

from .builders import MARCH, completed, day


def _settings_with(env):
    """Import the settings in a fresh interpreter with `env`, and return its database aliases."""
    code = "import django; django.setup(); from django.conf import settings; print(sorted(settings.DATABASES))"
    run = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "DJANGO_SETTINGS_MODULE": "concierge.settings.test", **env},
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
    )
    return run


def test_without_reports_database_url_there_is_one_database():
    run = _settings_with({"REPORTS_DATABASE_URL": ""})
    assert run.stdout.strip() == "['default']", run.stderr


def test_reports_database_url_adds_the_reports_alias():
    run = _settings_with({"REPORTS_DATABASE_URL": "postgres://reader:secret@replica.internal:5432/concierge"})
    assert run.stdout.strip() == "['default', 'reports']", run.stderr


def test_a_malformed_reports_database_url_names_the_variable():
    run = _settings_with({"REPORTS_DATABASE_URL": "mysql://reader@replica/concierge"})
    assert run.returncode != 0
    assert "REPORTS_DATABASE_URL must be a postgres:// URL" in run.stderr


@pytest.mark.django_db
def test_unset_report_queries_read_from_default():
    completed(cost=1000, on=day(3, 2))
    assert reports_db_alias() == "default"
    with reading_reports():
        assert ReportsRouter().db_for_read(Client) is None
    with CaptureQueriesContext(connection) as queries:
        assert overview(period=MARCH, today=day(3, 20))["revenue"].current == Decimal("1000")
    assert len(queries) == 3


class ReportsDatabaseSetTests(TransactionTestCase):
    """With a `reports` alias: a real second connection to the same test database, which is what
    REPORTS_DATABASE_URL gives under the test runner (the alias is a test MIRROR of default). It is
    added for this class only, so every other test runs with the setting unset."""

    databases = {"default", "reports"}

    @classmethod
    def setUpClass(cls):
        connections.settings["reports"] = {**connection.settings_dict, "TEST": {"MIRROR": "default"}}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        connections["reports"].close()
        del connections["reports"]
        del connections.settings["reports"]

    def test_report_queries_read_from_the_reports_connection(self):
        completed(cost=1000, on=day(3, 2))
        completed(cost=2000, on=day(3, 3))

        with CaptureQueriesContext(connections["reports"]) as on_replica, CaptureQueriesContext(connection) as on_default:
            figures = overview(period=MARCH, today=day(3, 20))

        assert figures["revenue"].current == Decimal("3000")
        assert len(on_replica) == 3
        assert len(on_default) == 0

    def test_only_report_queries_leave_default(self):
        assert reports_db_alias() == "reports"
        assert ReportsRouter().db_for_read(Client) is None  # outside a report: default, as always
        with reading_reports():
            assert ReportsRouter().db_for_read(Client) == "reports"
            assert ReportsRouter().db_for_write(Client) is None  # writes never go to the replica
        assert ReportsRouter().allow_migrate("reports", "clients") is False

    def test_a_report_page_reads_its_figures_from_the_replica(self):
        completed(cost=1000, on=day(3, 2))
        manager = UserFactory()
        manager.user_permissions.add(Permission.objects.get(codename="view_reports"))
        login_verified(self.client, manager)

        with CaptureQueriesContext(connections["reports"]) as on_replica, CaptureQueriesContext(connection) as on_default:
            response = self.client.get(
                reverse("reports:overview"), {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}
            )

        assert response.status_code == 200
        assert "KES 1,000" in response.text
        replica_sql = " ".join(q["sql"] for q in on_replica)
        default_sql = " ".join(q["sql"] for q in on_default)
        assert '"services"' in replica_sql and '"services"' not in default_sql
        assert "django_session" in default_sql  # signing in is not a report query
