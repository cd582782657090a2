"""Only holders of reports.view_reports see the report pages, CSVs included."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from concierge.accounts.tests.factories import UserFactory, login_verified

pytestmark = pytest.mark.django_db

REPORT_URLS = [
    reverse("reports:overview"),
    reverse("reports:overview-csv", kwargs={"table": "figures"}),
    reverse("reports:overview-csv", kwargs={"table": "revenue_by_month"}),
    reverse("reports:revenue"),
    reverse("reports:revenue-csv", kwargs={"table": "by_month"}),
    reverse("reports:revenue-csv", kwargs={"table": "by_service_type"}),
    reverse("reports:revenue-csv", kwargs={"table": "makes_and_models"}),
    reverse("reports:technicians"),
    reverse("reports:technicians-csv", kwargs={"table": "technicians"}),
    reverse("reports:clients"),
    reverse("reports:clients-csv", kwargs={"table": "new_clients"}),
    reverse("reports:clients-csv", kwargs={"table": "returning"}),
    reverse("reports:clients-csv", kwargs={"table": "call_list"}),
    reverse("reports:notifications"),
    reverse("reports:notifications-csv", kwargs={"table": "by_channel"}),
    reverse("reports:notifications-csv", kwargs={"table": "by_week"}),
    reverse("reports:notifications-csv", kwargs={"table": "failure_reasons"}),
]


@pytest.mark.parametrize("url", REPORT_URLS)
def test_staff_without_the_permission_get_403(client, front_desk, url):
    login_verified(client, front_desk)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", REPORT_URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", REPORT_URLS)
def test_managers_open_every_report_url(client, manager, url):
    login_verified(client, manager)
    response = client.get(url)
    assert response.status_code == 200
    # Nothing of a report is kept by the browser or a proxy, as for the admin's pages.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("url", REPORT_URLS)
def test_a_session_whose_user_lost_staff_status_is_sent_to_the_login_page(client, manager, url):
    login_verified(client, manager)
    manager.is_staff = False
    manager.save()

    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_a_deactivated_user_session_gets_no_report(client, manager):
    login_verified(client, manager)
    manager.is_active = False
    manager.save()

    assert client.get(reverse("reports:overview")).status_code == 302


def test_the_manager_group_grants_the_pages(client):
    group = Group.objects.get(name="Manager")  # created by the staff roles (accounts), granted after migrate
    assert group.permissions.filter(codename="view_reports", content_type__app_label="reports").exists()
    user = UserFactory()
    user.groups.add(group)
    login_verified(client, user)
    assert client.get(reverse("reports:overview")).status_code == 200


def test_superusers_see_the_pages(client, superuser):
    login_verified(client, superuser)
    assert client.get(reverse("reports:revenue")).status_code == 200


def test_an_unknown_table_is_404(client, manager):
    login_verified(client, manager)
    assert client.get(reverse("reports:revenue-csv", kwargs={"table": "salaries"})).status_code == 404


def test_the_admin_index_links_the_reports_for_managers_only(client, manager, front_desk):
    login_verified(client, manager)
    assert reverse("admin:reports_reportaccess_changelist") in client.get(reverse("admin:index")).text
    assert client.get(reverse("admin:reports_reportaccess_changelist")).url == reverse("reports:overview")

    login_verified(client, front_desk)
    assert reverse("admin:reports_reportaccess_changelist") not in client.get(reverse("admin:index")).text
    assert client.get(reverse("admin:reports_reportaccess_changelist")).status_code == 403
