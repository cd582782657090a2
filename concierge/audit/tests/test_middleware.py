"""Web requests tell the audit triggers who the signed-in user is."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from concierge.accounts.tests.factories import UserFactory
from concierge.audit.middleware import ActingUserMiddleware
from concierge.audit.models import AuditLog
from servicing.models import Service
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def request_as(user, view):
    request = RequestFactory().post("/")
    request.user = user
    return ActingUserMiddleware(view)(request)


def test_writes_of_a_signed_in_users_request_carry_their_id():
    user = UserFactory()
    service = ServiceFactory(technician="Peter Kamau")

    def view(request):
        Service.objects.filter(pk=service.pk).update(technician="Ann Wanjiku")
        return HttpResponse("ok")

    request_as(user, view)
    row = AuditLog.objects.get(table_name="services", record_id=service.pk, action="UPDATE")
    assert row.user_id == user.pk


def test_the_setting_does_not_outlive_the_request():
    user = UserFactory()
    request_as(user, lambda request: HttpResponse("ok"))
    service = ServiceFactory()  # a later write on the same connection, outside any request
    assert AuditLog.objects.get(table_name="services", record_id=service.pk, action="INSERT").user_id is None


def test_anonymous_requests_write_without_a_user():
    service = ServiceFactory()

    def view(request):
        Service.objects.filter(pk=service.pk).update(technician="Ann Wanjiku")
        return HttpResponse("ok")

    request_as(AnonymousUser(), view)
    assert AuditLog.objects.get(table_name="services", record_id=service.pk, action="UPDATE").user_id is None


def test_a_server_error_rolls_the_request_back():
    service = ServiceFactory(technician="Peter Kamau")

    def view(request):
        Service.objects.filter(pk=service.pk).update(technician="Ann Wanjiku")
        return HttpResponse("boom", status=500)

    request_as(UserFactory(), view)
    service.refresh_from_db()
    assert service.technician == "Peter Kamau"
    assert not AuditLog.objects.filter(table_name="services", record_id=service.pk, action="UPDATE").exists()
