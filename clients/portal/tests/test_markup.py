"""Markup the Nu HTML checker refused on portal pages: ARIA references to nothing, invalid <time> values."""

import datetime
import re

import pytest
from django.urls import reverse

from clients.portal.templatetags.portal import html_datetime
from concierge.audit.models import AuditLog
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# HTML's "valid global date and time string" with seconds at most (no fraction), and an offset.
HTML_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)$")


def _ids_referenced_but_missing(html):
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    referenced = {ref for refs in re.findall(r'aria-(?:describedby|labelledby)="([^"]+)"', html) for ref in refs.split()}
    return referenced - ids


def test_every_aria_describedby_on_the_sign_in_page_points_at_an_element(client):
    blank = client.get(reverse("portal:sign_in")).content.decode()
    refused = client.post(reverse("portal:sign_in"), {"contact": "not a contact"}).content.decode()

    assert "aria-describedby" in blank and "aria-describedby" in refused
    assert _ids_referenced_but_missing(blank) == set()
    assert _ids_referenced_but_missing(refused) == set()


def test_time_datetime_values_are_valid_html_without_microseconds(client, signed_in):
    job = ServiceFactory()
    AuditLog.objects.create(table_name="services", record_id=job.pk, action="INSERT", new_values={"status": "pending"},
                            timestamp=datetime.datetime(2026, 11, 20, 9, 15, 42, 123456, tzinfo=datetime.timezone.utc))
    signed_in(job.vehicle.client)

    page = client.get(reverse("portal:service", args=[job.pk])).content.decode()

    values = re.findall(r'<time datetime="([^"]*)"', page)
    assert values == ["2026-11-20T12:15:42+03:00"]
    assert all(HTML_DATETIME.match(value) for value in values)


def test_html_datetime_of_nothing_is_empty():
    assert html_datetime(None) == ""
