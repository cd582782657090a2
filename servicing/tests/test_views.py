"""The job board is servicing's own view (servicing/views.py), not a page of the services admin, at the
address it always had and still behind the admin's staff sign-in and the services permissions."""

import pytest
from django.contrib import admin
from django.urls import resolve, reverse
from django.utils import timezone

from concierge.accounts.tests.factories import UserFactory
from servicing import views
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_board_and_its_moves_are_servicing_views_at_their_old_addresses():
    job = ServiceFactory()
    board, advance = reverse("servicing:board"), reverse("servicing:board_advance", args=[job.pk])

    assert (board, advance) == ("/admin/servicing/service/board/", f"/admin/servicing/service/{job.pk}/advance/")
    assert resolve(board).func.__wrapped__ is views.board
    assert resolve(advance).func.__wrapped__ is views.board_advance
    assert not {"board_view", "advance_view"} & set(dir(admin.site._registry[Service]))


def test_signed_out_the_board_and_its_moves_lead_to_the_staff_sign_in(client):
    job = ServiceFactory(scheduled_date=timezone.localdate())
    login = reverse("admin:login")

    for response in (client.get(reverse("servicing:board")),
                     client.post(reverse("servicing:board_advance", args=[job.pk]), {"from_status": "pending"})):
        assert response.status_code == 302 and response["Location"].startswith(f"{login}?next=")
    job.refresh_from_db()
    assert job.status == ServiceStatus.PENDING


def test_someone_who_is_not_staff_is_sent_to_the_staff_sign_in(client):
    client.force_login(UserFactory(is_staff=False))

    response = client.get(reverse("servicing:board"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_services_permissions_may_neither_see_nor_move_the_board(client):
    job = ServiceFactory(scheduled_date=timezone.localdate())
    client.force_login(UserFactory())

    assert client.get(reverse("servicing:board")).status_code == 403
    assert client.post(reverse("servicing:board_advance", args=[job.pk]), {"from_status": "pending"}).status_code == 403
    job.refresh_from_db()
    assert job.status == ServiceStatus.PENDING
