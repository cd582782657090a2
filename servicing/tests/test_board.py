import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.db.models import Q
from django.utils.html import escape
from django.utils import timezone

from concierge.accounts.tests.factories import login_verified
from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationStatus
from notifications.tests.factories import NotificationFactory
from servicing.models import Service, ServiceStatus
from servicing.selectors import board_columns, dashboard_counts
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

BOARD = "servicing:board"


@pytest.fixture
def admin_browser(client, superuser):
    login_verified(client, superuser)
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


def test_board_shows_the_longest_waiting_cards_of_each_column_and_counts_the_rest(admin_browser, monkeypatch):
    from servicing import selectors

    monkeypatch.setattr(selectors, "BOARD_CARDS_PER_COLUMN", 3)
    today = timezone.localdate()
    waiting = [ServiceFactory(scheduled_date=today - datetime.timedelta(days=d)) for d in (5, 4, 3, 2, 1)]
    ServiceFactory(scheduled_date=today)
    started = ServiceFactory(scheduled_date=today, status=ServiceStatus.IN_PROGRESS)
    columns = {c.status: c for c in board_columns(today=today)}
    assert [card.service for card in columns[ServiceStatus.PENDING].cards] == waiting[:3]
    assert (columns[ServiceStatus.PENDING].total, columns[ServiceStatus.PENDING].not_shown) == (6, 3)
    assert [card.service for card in columns[ServiceStatus.IN_PROGRESS].cards] == [started]
    assert columns[ServiceStatus.IN_PROGRESS].not_shown == 0
    page = admin_browser.get(reverse(BOARD)).content.decode()
    link = reverse("admin:servicing_service_changelist") + "?due=board&amp;status__exact=pending"
    assert f'<a href="{link}">and 3 more: all 6 in the services list</a>' in page
    listed = admin_browser.get(reverse("admin:servicing_service_changelist"), {"due": "board", "status__exact": "pending"})
    assert listed.context["cl"].result_count == 6


@pytest.mark.owner_role  # ANALYZE is the owner's (the application role's is skipped with a warning)
def test_each_kind_of_board_job_is_found_through_an_index():
    """The board's first query ORs three conditions; each must be an index scan (a BitmapOr), not a
    reading of every job: the overdue one through (status, scheduled_date)."""
    from django.db import connection

    from servicing.selectors import board_q

    # As in a shop's books: years of closed jobs, a few open ones.
    car = VehicleFactory()
    Service.objects.bulk_create(
        Service(vehicle=car, service_type="Oil Change", status=ServiceStatus.COMPLETED,
                scheduled_date=timezone.localdate() - datetime.timedelta(days=d),
                completed_date=timezone.localdate() - datetime.timedelta(days=d))
        for d in range(1, 400)
    )
    ServiceFactory.create_batch(3, vehicle=car, scheduled_date=timezone.localdate() - datetime.timedelta(days=2))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE services")
        # Only bitmap scans left: an OR is then a BitmapOr of its arms if, and only if, each arm has an index.
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        sql, params = Service.objects.filter(board_q(today=timezone.localdate())).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan and "BitmapOr" in plan
    # Completed today: either partial index of completed jobs by completed_date serves it (the
    # revenue-by-month one, services_revenue_day_idx, is the narrower).
    assert "services_status_sched_idx" in plan
    assert "services_completed_rpt_idx" in plan or "services_revenue_day_idx" in plan


def test_board_page_shows_cards_with_plate_car_client_service_technician_and_wait(admin_browser):
    vehicle = VehicleFactory(license_plate="KDA 123A", make="Toyota", model="Fielder")
    job = ServiceFactory(vehicle=vehicle, service_type="Brake Repair", technician="Ann Wanjiku",
                         scheduled_date=timezone.localdate() - datetime.timedelta(days=2))
    page = admin_browser.get(reverse(BOARD)).content.decode()
    for text in ("KDA 123A", "Toyota Fielder", vehicle.client.full_name, "Brake Repair", "Ann Wanjiku", "Overdue since"):
        assert text in page
    assert f'<a href="{reverse("admin:servicing_service_change", args=[job.pk])}">KDA 123A</a>' in page
    assert f'action="{reverse("servicing:board_advance", args=[job.pk])}"' in page


def test_board_refreshes_by_a_script_file_that_can_be_stopped_not_by_meta_refresh(admin_browser):
    # <meta http-equiv="refresh"> is a critical axe finding (WCAG 2.2.1): nobody can stop it.
    page = admin_browser.get(reverse(BOARD)).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert 'src="/static/servicing/board.js"' in page and 'data-refresh-seconds="60"' in page
    assert 'href="?autorefresh=off"' in page

    stopped = admin_browser.get(reverse(BOARD) + "?autorefresh=off").content.decode()
    assert "data-refresh-seconds" not in stopped and "refresh now" in stopped


def test_board_advances_a_card_one_step_through_the_lifecycle(admin_browser):
    job = ServiceFactory(scheduled_date=timezone.localdate())
    url = reverse("servicing:board_advance", args=[job.pk])
    admin_browser.post(url, {"from_status": "pending"})
    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS
    admin_browser.post(url, {"from_status": "in_progress"})
    job.refresh_from_db()
    assert (job.status, job.completed_date) == (ServiceStatus.COMPLETED, timezone.localdate())


def test_a_stale_board_cannot_push_a_job_two_steps(admin_browser):
    job = ServiceFactory(scheduled_date=timezone.localdate(), status=ServiceStatus.IN_PROGRESS)
    response = admin_browser.post(reverse("servicing:board_advance", args=[job.pk]), {"from_status": "pending"})
    assert response.status_code == 302
    assert any("already in progress" in str(m) for m in get_messages(response.wsgi_request))
    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS


def test_board_moves_need_post_and_csrf(superuser):
    from django.test import Client as Browser

    browser = Browser(enforce_csrf_checks=True)
    login_verified(browser, superuser)
    job = ServiceFactory(scheduled_date=timezone.localdate())
    url = reverse("servicing:board_advance", args=[job.pk])
    assert browser.get(url).status_code == 405
    assert browser.post(url, {"from_status": "pending"}).status_code == 403
    job.refresh_from_db()
    assert job.status == ServiceStatus.PENDING


def test_dashboard_counts_today_in_progress_overdue_and_failed_notifications():
    today = timezone.localdate()
    NotificationFactory(status=NotificationStatus.FAILED, service=None, vehicle=None, client=None)
    NotificationFactory(status=NotificationStatus.SENT, service=None, vehicle=None, client=None)
    NotificationFactory.create_batch(2, status=NotificationStatus.FAILED, delivery_uncertain=True,
                                     service=None, vehicle=None, client=None)
    ServiceFactory(scheduled_date=today)
    ServiceFactory(scheduled_date=today, status=ServiceStatus.IN_PROGRESS)
    ServiceFactory(scheduled_date=today - datetime.timedelta(days=1))
    ServiceFactory(scheduled_date=today - datetime.timedelta(days=1), status=ServiceStatus.COMPLETED,
                   completed_date=today)
    assert dashboard_counts() == {"today": 2, "in_progress": 1, "overdue": 1, "failed_notifications": 1,
                                  "uncertain_notifications": 2}


def test_home_page_figures_are_counted_up_to_a_bound(admin_browser, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicing import selectors

    monkeypatch.setattr(selectors, "DASHBOARD_COUNT_UP_TO", 2)
    NotificationFactory.create_batch(3, status=NotificationStatus.FAILED, service=None, vehicle=None, client=None)
    ServiceFactory.create_batch(2, scheduled_date=timezone.localdate())
    assert dashboard_counts()["failed_notifications"] == 3  # "more than 2", not all of them
    with CaptureQueriesContext(connection) as ctx:
        page = " ".join(admin_browser.get(reverse("admin:index")).content.decode().split())
    assert '<span class="figure">2+</span> Failed notifications' in page
    assert '<span class="figure">2</span> Scheduled today' in page
    counting = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counting) == 1 and counting[0].count("LIMIT 3") == 5


def test_home_page_links_each_figure_to_its_filtered_list(admin_browser):
    page = admin_browser.get(reverse("admin:index")).content.decode()
    services = reverse("admin:servicing_service_changelist")
    notifications = reverse("admin:notifications_notification_changelist")
    failed = f"{notifications}?delivery_uncertain__exact=0&status__exact=failed"
    uncertain = f"{notifications}?delivery_uncertain__exact=1&status__exact=failed"
    for link in (f"{services}?due=today", f"{services}?status__exact=in_progress", f"{services}?due=overdue",
                 failed, uncertain, reverse(BOARD)):
        assert f'href="{escape(link)}"' in page
    for link in (f"{services}?due=today", f"{services}?status__exact=in_progress", f"{services}?due=overdue",
                 failed, uncertain):
        assert admin_browser.get(link).status_code == 200


def test_a_job_started_early_is_on_the_board_and_its_history_shows_the_booking_moved(admin_browser):
    today = timezone.localdate()
    booked = today + datetime.timedelta(days=2)
    job = ServiceFactory(scheduled_date=booked, vehicle=VehicleFactory(license_plate="KDE 512E"))
    admin_browser.post(reverse("servicing:board_advance", args=[job.pk]), {"from_status": "pending"})
    assert job in cards_by_status()[ServiceStatus.IN_PROGRESS]
    admin_browser.post(reverse("servicing:board_advance", args=[job.pk]), {"from_status": "in_progress"})
    job.refresh_from_db()
    assert (job.status, job.scheduled_date, job.completed_date) == (ServiceStatus.COMPLETED, today, today)
    history = admin_browser.get(reverse("admin:servicing_service_history", args=[job.pk])).content.decode()
    assert f"scheduled_date: {booked.isoformat()} → {today.isoformat()}" in history


def test_every_job_in_progress_is_on_the_board_whatever_its_booked_day():
    today = timezone.localdate()
    # Started before starting early moved the booking (or imported so): still a car on the ramp.
    ahead = ServiceFactory(scheduled_date=today + datetime.timedelta(days=2), status=ServiceStatus.IN_PROGRESS)
    undated = ServiceFactory(scheduled_date=None, status=ServiceStatus.IN_PROGRESS)
    assert set(cards_by_status()[ServiceStatus.IN_PROGRESS]) == {ahead, undated}


def test_board_and_home_page_figures_agree(admin_browser):
    """Every status on every kind of day: the board's In progress total is the home page's figure, and
    every job the home page counts (today, in progress, overdue) is on the board."""
    today = timezone.localdate()
    for days in (-3, -1, 0, 1, 3):
        for status in ServiceStatus:
            ServiceFactory(scheduled_date=today + datetime.timedelta(days=days), status=status,
                           completed_date=today if status == ServiceStatus.COMPLETED and days <= 0 else None)
    ServiceFactory(scheduled_date=None, status=ServiceStatus.IN_PROGRESS)
    counts = dashboard_counts()
    columns = {c.status: c for c in board_columns()}
    assert columns[ServiceStatus.IN_PROGRESS].total == counts["in_progress"] == 6
    from servicing.selectors import board_q, overdue_q

    on_board = set(Service.objects.filter(board_q(today=today)).values_list("pk", flat=True))
    for home in (Q(scheduled_date=today), Q(status=ServiceStatus.IN_PROGRESS), overdue_q(today=today)):
        assert set(Service.objects.filter(home).values_list("pk", flat=True)) <= on_board
    assert sum(c.total for c in columns.values()) == len(on_board)
    page = " ".join(admin_browser.get(reverse("admin:index")).content.decode().split())
    board = " ".join(admin_browser.get(reverse(BOARD)).content.decode().split())
    assert f'<span class="figure">{counts["in_progress"]}</span> In progress' in page
    assert f'In progress <span class="count">{counts["in_progress"]}</span>' in board
