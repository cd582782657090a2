import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.tests.factories import login_verified
from concierge.admin.concurrency import row_version
from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:servicing_service_changelist"


@pytest.fixture
def admin_browser(client, superuser):
    login_verified(client, superuser)
    return client


def service_post(service, **overrides):
    data = {
        "vehicle": str(service.vehicle_id), "service_type": service.service_type, "description": "",
        "scheduled_date": service.scheduled_date.isoformat() if service.scheduled_date else "",
        "technician": service.technician or "", "cost": str(service.cost), "status": service.status,
        "completed_date": service.completed_date.isoformat() if service.completed_date else "", "notes": "",
        # The version the page was opened at (concierge.admin.concurrency): the job as stored now.
        "row_version": row_version(Service.objects.get(pk=service.pk)),
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def run_action(browser, action, services):
    return browser.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [str(s.pk) for s in services]}, follow=True
    )


def test_bulk_start_moves_every_selected_pending_job(admin_browser):
    jobs = ServiceFactory.create_batch(3)
    response = run_action(admin_browser, "start_selected", jobs)
    assert "3 job(s) started." in messages_of(response)
    assert set(Service.objects.values_list("status", flat=True)) == {ServiceStatus.IN_PROGRESS}


def test_bulk_complete_is_all_or_nothing_and_names_each_refused_row(admin_browser):
    ok = ServiceFactory(status=ServiceStatus.IN_PROGRESS, vehicle=VehicleFactory(license_plate="KDA 100A"))
    pending = ServiceFactory(vehicle=VehicleFactory(license_plate="KDB 200B"))
    cancelled = ServiceFactory(status=ServiceStatus.CANCELLED, vehicle=VehicleFactory(license_plate="KDC 300C"))
    response = run_action(admin_browser, "complete_selected", [ok, pending, cancelled])
    [message] = messages_of(response)
    assert "Nothing changed: 2 of the 3 selected jobs cannot be completed" in message
    assert "KDB 200B" in message and "KDC 300C" in message and "KDA 100A" not in message
    ok.refresh_from_db()
    assert ok.status == ServiceStatus.IN_PROGRESS and ok.completed_date is None


def test_bulk_cancel_refuses_completed_jobs(admin_browser):
    done = ServiceFactory(status=ServiceStatus.COMPLETED, completed_date=datetime.date.today())
    response = run_action(admin_browser, "cancel_selected", [done])
    assert "final" in messages_of(response)[0]
    done.refresh_from_db()
    assert done.status == ServiceStatus.COMPLETED


def test_completing_in_the_form_sets_todays_date_through_the_lifecycle(admin_browser):
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=datetime.date.today())
    response = admin_browser.post(
        reverse("admin:servicing_service_change", args=[job.pk]), service_post(job, status="completed", notes="Pads replaced")
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.completed_date, job.notes) == (ServiceStatus.COMPLETED, timezone.localdate(), "Pads replaced")


def test_invalid_status_change_in_the_form_is_refused_beside_the_field(admin_browser):
    job = ServiceFactory()
    response = admin_browser.post(
        reverse("admin:servicing_service_change", args=[job.pk]), service_post(job, status="completed", notes="x")
    )
    assert response.status_code == 200
    assert "cannot become completed" in str(response.context["adminform"].form.errors["status"])
    job.refresh_from_db()
    assert job.status == ServiceStatus.PENDING and not job.notes


def test_completed_job_cannot_be_reopened_in_the_form(admin_browser):
    job = ServiceFactory(status=ServiceStatus.COMPLETED, completed_date=datetime.date.today())
    response = admin_browser.post(
        reverse("admin:servicing_service_change", args=[job.pk]), service_post(job, status="in_progress")
    )
    assert "final" in str(response.context["adminform"].form.errors["status"])


def test_a_new_job_starts_pending(admin_browser):
    vehicle = VehicleFactory()
    data = {"vehicle": str(vehicle.pk), "service_type": "Oil Change", "scheduled_date": "2026-12-01",
            "cost": "4500", "status": "completed", "completed_date": "", "technician": "", "notes": "", "description": ""}
    response = admin_browser.post(reverse("admin:servicing_service_add"), data)
    assert "starts as pending" in str(response.context["adminform"].form.errors["status"])
    response = admin_browser.post(reverse("admin:servicing_service_add"), {**data, "status": "pending"})
    assert response.status_code == 302
    assert Service.objects.get().status == ServiceStatus.PENDING


@pytest.mark.parametrize(("cost", "message"), [("-1", "negative"), ("10.555", "")])
def test_cost_must_be_positive_with_two_decimals(admin_browser, cost, message):
    job = ServiceFactory()
    response = admin_browser.post(reverse("admin:servicing_service_change", args=[job.pk]), service_post(job, cost=cost))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["cost"])
    job.refresh_from_db()
    assert job.cost == Decimal("4500.00")


def test_negative_cost_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        ServiceFactory(cost=Decimal("-1.00"))


def test_completion_date_before_schedule_is_a_field_error(admin_browser):
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=datetime.date(2026, 3, 10))
    response = admin_browser.post(
        reverse("admin:servicing_service_change", args=[job.pk]),
        service_post(job, status="completed", completed_date="2026-03-09"),
    )
    assert "before the scheduled date" in str(response.context["adminform"].form.errors["completed_date"])


@pytest.mark.parametrize("term", ["kda123a", "KDA 123A"])
def test_service_search_by_plate_any_way(admin_browser, term):
    wanted = ServiceFactory(vehicle=VehicleFactory(license_plate="KDA 123A"))
    ServiceFactory()
    response = admin_browser.get(reverse(CHANGELIST), {"q": term})
    assert list(response.context["cl"].result_list) == [wanted]


def test_service_search_by_client_name_and_type(admin_browser):
    wanted = ServiceFactory(service_type="AC Service")
    ServiceFactory(service_type="Oil Change")
    response = admin_browser.get(reverse(CHANGELIST), {"q": "ac service"})
    assert list(response.context["cl"].result_list) == [wanted]
    response = admin_browser.get(reverse(CHANGELIST), {"q": wanted.vehicle.client.last_name})
    assert wanted in response.context["cl"].result_list


def test_due_filter_finds_overdue_jobs(admin_browser):
    today = timezone.localdate()
    late = ServiceFactory(scheduled_date=today - datetime.timedelta(days=2))
    ServiceFactory(scheduled_date=today - datetime.timedelta(days=2), status=ServiceStatus.CANCELLED)
    ServiceFactory(scheduled_date=today)
    response = admin_browser.get(reverse(CHANGELIST), {"due": "overdue"})
    assert list(response.context["cl"].result_list) == [late]


def test_service_search_by_client_phone(admin_browser):
    from clients.tests.factories import ClientFactory

    wanted = ServiceFactory(vehicle=VehicleFactory(client=ClientFactory(phone="+254733123456")))
    ServiceFactory()
    response = admin_browser.get(reverse(CHANGELIST), {"q": "0733 123 456"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_service_page_links_to_the_clients_status_link(admin_browser):
    service = ServiceFactory()
    page = admin_browser.get(reverse("admin:servicing_service_change", args=[service.pk]))
    assert reverse("admin:portal_portaltoken_status_link", args=[service.pk]) in page.content.decode()
