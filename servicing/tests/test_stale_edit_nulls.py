"""A staff form keeps an empty nullable text field NULL: emptied, it is stored as NULL (not ''), and a
NULL the user did not touch is not written back as ''."""

import pytest
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from concierge.audit.models import AuditLog
from concierge.tests.admin_forms import posted_as_opened
from servicing.models import Service
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace(client, superuser):
    login_verified(client, superuser)
    return client


def test_an_emptied_notes_field_is_stored_as_null(grace):
    job = ServiceFactory(notes="Customer waits", description="Full service")
    url = reverse("admin:servicing_service_change", args=[job.pk])

    response = grace.post(url, posted_as_opened(grace.get(url), notes="", description=""))

    assert response.status_code == 302
    assert Service.objects.values_list("notes", "description").get(pk=job.pk) == (None, None)


def test_a_null_field_left_alone_is_not_written_as_an_empty_string(grace):
    job = ServiceFactory(notes=None, description=None)
    url = reverse("admin:servicing_service_change", args=[job.pk])
    before = AuditLog.objects.filter(table_name="services", record_id=job.pk).count()

    response = grace.post(url, posted_as_opened(grace.get(url)))

    assert response.status_code == 302
    assert Service.objects.values_list("notes", "description").get(pk=job.pk) == (None, None)
    assert AuditLog.objects.filter(table_name="services", record_id=job.pk).count() == before
