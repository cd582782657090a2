import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationStatus
from notifications.tests.factories import NotificationFactory
from servicing.models import ServiceStatus
from servicing.selectors import board_columns, dashboard_counts
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

BOARD = "admin:servicing_service_board"


@pytest.fixture
def admin_browser(client, superuser):
    client.force_login(superuser)
    return client


def cards_by_status():
    return {c.status: [card.service for card in c.cards] for c in board_columns()}


def test_board_holds_todays_and_overdue_jobs_by_status_only():
    today = timezone.localdate()
    todays = ServiceFactory(scheduled_date=today)
    overdue = ServiceFactory(scheduled_date=today - datetime.timedelta(days=3), status=ServiceStatus.IN_PROGRESS)
    done_today = ServiceFactory(scheduled_date=today - datetime.timedelta(days=1), status=ServiceStatus.COMPLETED,
                                completed_date=today)
    ServiceFactory(scheduled_date=today + datetime.timedelta(days=1))  # tomorrow
    ServiceFactory(scheduled_date=today - datetime.timedelta(days=3), status=ServiceStatus.CANCELLED)  # old, closed
    board = cards_by_status()
    assert board[ServiceStatus.PENDING] == [todays]
    assert board[ServiceStatus.IN_PROGRESS] == [overdue]
    assert board[ServiceStatus.COMPLETED] == [done_today]
    assert board[ServiceStatus.CANCELLED] == []


def test_board_page_shows_cards_with_plate_car_client_service_technician_and_wait(admin_browser):
    vehicle = VehicleFactory(license_plate="KDA 123A", make="Toyota", model="Fielder")
    ServiceFactory(vehicle=vehicle, service_type="Brake Repair", technician="Ann Wanjiku",
                   scheduled_date=timezone.localdate() - datetime.timedelta(days=2))
    page = admin_browser.get(reverse(BOARD)).content.decode()
    for text in ("KDA 123A", "Toyota Fielder", vehicle.client.full_name, "Brake Repair", "Ann Wanjiku", "Overdue since"):
        assert text in page
    assert '<meta http-equiv="refresh"' in page


def test_board_advances_a_card_one_step_through_the_lifecycle(admin_browser):
    job = ServiceFactory(scheduled_date=timezone.localdate())
    url = reverse("admin:servicing_service_advance", args=[job.pk])
    admin_browser.post(url, {"from_status": "pending"})
    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS
    admin_browser.post(url, {"from_status": "in_progress"})
    job.refresh_from_db()
    assert (job.status, job.completed_date) == (ServiceStatus.COMPLETED, timezone.localdate())


def test_a_stale_board_cannot_push_a_job_two_steps(admin_browser):
    job = ServiceFactory(scheduled_date=timezone.localdate(), status=ServiceStatus.IN_PROGRESS)
    response = admin_browser.post(reverse("admin:servicing_service_advance", args=[job.pk]), {"from_status": "pending"})
    assert response.status_code == 302
    assert any("already in progress" in str(m) for m in get_messages(response.wsgi_request))
    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS


def test_board_moves_need_post_and_csrf(superuser):
    from django.test import Client as Browser

    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(superuser)
    job = ServiceFactory(scheduled_date=timezone.localdate())
    url = reverse("admin:servicing_service_advance", args=[job.pk])
    assert browser.get(url).status_code == 405
    assert browser.post(url, {"from_status": "pending"}).status_code == 403
    job.refresh_from_db()
    assert job.status == ServiceStatus.PENDING


def test_dashboard_counts_today_in_progress_overdue_and_failed_notifications():
    today = timezone.localdate()
    NotificationFactory(status=NotificationStatus.FAILED, service=None, vehicle=None, client=None)
    NotificationFactory(status=NotificationStatus.SENT, service=None, vehicle=None, client=None)
    ServiceFactory(scheduled_date=today)
    ServiceFactory(scheduled_date=today, status=ServiceStatus.IN_PROGRESS)
    ServiceFactory(scheduled_date=today - datetime.timedelta(days=1))
    ServiceFactory(scheduled_date=today - datetime.timedelta(days=1), status=ServiceStatus.COMPLETED,
                   completed_date=today)
    assert dashboard_counts() == {"today": 2, "in_progress": 1, "overdue": 1, "failed_notifications": 1}


def test_home_page_links_each_figure_to_its_filtered_list(admin_browser):
    page = admin_browser.get(reverse("admin:index")).content.decode()
    services = reverse("admin:servicing_service_changelist")
    for link in (f"{services}?due=today", f"{services}?status__exact=in_progress", f"{services}?due=overdue",
                 reverse("admin:notifications_notification_changelist") + "?status__exact=failed",
                 reverse(BOARD)):
        assert f'href="{link}"' in page
    for link in (f"{services}?due=today", f"{services}?status__exact=in_progress", f"{services}?due=overdue",
                 reverse("admin:notifications_notification_changelist") + "?status__exact=failed"):
        assert admin_browser.get(link).status_code == 200
