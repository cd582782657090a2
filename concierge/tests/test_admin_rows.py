"""The staff lists' rows made once per column (concierge/admin/changelists.py): Django's HTML, row for row."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_list
from django.test import RequestFactory
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory, login_verified
from concierge.admin.changelists import quick_result_list
from concierge.audit.context import acting_as
from concierge.audit.models import AuditLog
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from servicing.models import Service
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_rows(superuser):
    """Rows with what formatting has to get right: markup in text, empty and missing values, yes/no,
    dates and times, decimals, choices, a staff recipient instead of a client."""
    awkward = ClientFactory(first_name='<b>Amani & "Sons"</b>', last_name="O'Brien", phone=None, consent_gdpr=False)
    car = VehicleFactory(client=awkward, license_plate=None, vin="JTDBT9230000000A1", year=None, mileage=0)
    with acting_as(superuser):
        job = ServiceFactory(vehicle=car, service_type="Brake <Repair>", technician=None, cost=Decimal("12500.50"),
                             scheduled_date=datetime.date(2025, 1, 31))
        service_start(service=job)
        ServiceFactory(status="completed", completed_date=datetime.date.today(), technician="")
        ServiceFactory(scheduled_date=None)
    NotificationFactory(error="Provider said <no>", status="failed", sent_at=None)
    NotificationFactory(service=None, vehicle=None, client=None, user=UserFactory(first_name="Faith"))


@pytest.mark.parametrize(("model", "params"), [
    (Service, {}),
    (Service, {"status__exact": "in_progress", "q": "Brake"}),  # preserved filters in every row's link
    (Service, {"o": "-5"}),
    (Notification, {}),
    (Notification, {"status__exact": "failed"}),
])
def test_rows_are_djangos_html(varied_rows, superuser, model, params):
    request = RequestFactory().get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
                                   params)
    request.user = superuser
    model_admin = admin.site._registry[model]
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None
    djangos, ours = result_list(cl), quick_result_list(cl)
    assert len(ours["results"]) == len(cl.result_list) > 0
    assert ["".join(row) for row in ours["results"]] == ["".join(row) for row in djangos["results"]]
    assert {k: v for k, v in ours.items() if k != "results"} == {k: v for k, v in djangos.items() if k != "results"}


def test_only_the_lists_where_it_pays_render_through_the_quick_rows(varied_rows, client, superuser, monkeypatch):
    """Services, notifications, clients and vehicles (Django's rows put them over 50 ms, or measurably
    slower than before, at scale 10); the audit log keeps Django's own rows (its time is its SQL):
    docs/admin-at-scale.md, "Forks of Django"."""
    from concierge.admin import changelists

    made = []
    quick = changelists.quick_results
    monkeypatch.setattr(changelists, "quick_results", lambda cl: made.append(cl.model) or quick(cl))
    login_verified(client, superuser)
    for model in (Service, Client, Vehicle, Notification, AuditLog):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(url)
        assert page.status_code == 200 and len(page.context["cl"].result_list) > 0
    assert made == [Service, Client, Vehicle, Notification]
    assert "Job board" in client.get(reverse("admin:servicing_service_changelist")).content.decode()


def test_lists_naming_the_client_do_not_read_its_encrypted_contacts(varied_rows, client, superuser):
    """Each row's client is shown by name: its email and phone (a decryption each) are left unread."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_verified(client, superuser)
    for model in (Service, Vehicle, Notification):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        assert page.status_code == 200 and len(page.context["cl"].result_list) > 0
        rows = [q["sql"] for q in ctx.captured_queries if '"clients"."first_name"' in q["sql"]]
        assert rows and not any('"clients"."email"' in sql or '"clients"."phone"' in sql for sql in rows)


@pytest.mark.parametrize("widget", [
    "TextInput", "NumberInput", "EmailInput", "URLInput", "PasswordInput", "HiddenInput", "CheckboxInput",
    "DateInput", "DateTimeInput", "TimeInput",
])
@pytest.mark.parametrize("value", [None, "", 0, 85000, "O'Brien & <Sons>", True, False])
def test_quick_inputs_are_djangos_html(widget, value):
    from django import forms
    from django.forms.renderers import DjangoTemplates
    from django.utils.safestring import mark_safe

    from concierge.admin.renderers import QUICK_INPUT_RENDERER

    attrs = {"class": "vTextField", "maxlength": 17, "required": True, "disabled": False, "data-x": mark_safe("a&b"),
             "title": 'say "hi"'}
    made = getattr(forms, widget)(attrs=attrs)
    assert made.render("vehicles-0-vin", value, renderer=QUICK_INPUT_RENDERER) == made.render(
        "vehicles-0-vin", value, renderer=DjangoTemplates())


def test_quick_renderer_leaves_errors_and_other_widgets_to_django():
    from django import forms
    from django.forms.renderers import DjangoTemplates
    from django.forms.utils import ErrorList

    from concierge.admin.renderers import QUICK_INPUT_RENDERER

    for errors in (ErrorList(), ErrorList(["Enter a whole number."])):
        assert errors.render(errors.template_name_ul, renderer=QUICK_INPUT_RENDERER) == errors.render(
            errors.template_name_ul, renderer=DjangoTemplates())
    select = forms.Select(choices=[("", "—"), ("petrol", "Petrol")])
    assert select.render("fuel", "petrol", renderer=QUICK_INPUT_RENDERER) == select.render(
        "fuel", "petrol", renderer=DjangoTemplates())


@pytest.mark.parametrize("page", ["client", "car"])
def test_client_and_car_page_rows_render_as_with_djangos_renderer(page, client, superuser, monkeypatch):
    from django.forms.renderers import DjangoTemplates

    from concierge.admin import inlines

    owner = ClientFactory()
    cars = VehicleFactory.create_batch(3, client=owner, metadata={"colour": 'grey "metallic"'})
    ServiceFactory.create_batch(3, vehicle=cars[0])
    login_verified(client, superuser)
    url = (reverse("admin:clients_client_change", args=[owner.pk]) if page == "client"
           else reverse("admin:fleet_vehicle_change", args=[cars[0].pk]))
    quick = client.get(url).content.decode()
    monkeypatch.setattr(inlines, "QUICK_INPUT_RENDERER", DjangoTemplates())
    djangos = client.get(url).content.decode()
    # The CSRF token differs per request; nothing else may.
    import re

    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", quick) == token.sub("", djangos)
    # The car page's job rows are read-only: what the quick renderer writes there are their hidden ids.
    assert ('value="grey &quot;metallic&quot;"' if page == "client" else 'name="services-2-id"') in quick
