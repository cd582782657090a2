"""The pages `make bench` measures, declared: name, URL, who is signed in, and the page's main SQL.

`url` and `main_sql` take a `Sample` (rows picked from the seeded data) and return a URL and a
queryset, an (sql, params) pair, or a function of no arguments (a selector doing the page's reads). A page whose URL does not resolve yet (NoReverseMatch, or a
404) is listed as skipped with the reason: a page still being built is one entry here already.
`kind` picks the target from the issue: admin and portal pages 50 ms, report pages 250 ms (median).
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Callable
from urllib.parse import urlencode

from django.db.models import Count
from django.test import RequestFactory
from django.urls import reverse

from billing.models import Invoice
from clients.models import Client
from clients.portal.selectors import PortalScope
from concierge.audit.models import AuditLog
from fleet.models import Vehicle
from forecasting.models import ServicePrediction
from forecasting.selectors import car_predictions
from notifications.models import Notification
from reports import selectors as reports
from reports.selectors.money import money_figures
from reports.selectors.receivables import receivables_by_client
from reports.periods import DEFAULT_PRESET, months_ending, preset_period, shop_today
from servicing.models import Service, ServiceStatus
from demo.kenya import TECHNICIANS
from servicing.intake.selectors import booking_lookup, desk_search
from servicing.selectors import board_columns, dashboard_counts, workshop_jobs

TARGET_MS = {"admin": 50, "portal": 50, "report": 250}
# Reads no shop data: what it costs is the framework and the machine at that moment. The machine is
# shared, so each page is also given as a multiple of this page measured in the same run.
BASELINE = "baseline: password change form (reads no shop data)"


class Sample:
    """Rows the URLs point at, picked once per database: the long tail is the point, so the busiest."""

    @cached_property
    def busiest_vehicle(self):
        return Vehicle.objects.annotate(n=Count("services")).order_by("-n", "pk").select_related("client").first()

    @cached_property
    def busiest_client(self):
        return Client.objects.annotate(n=Count("vehicles")).order_by("-n", "pk").first()

    @cached_property
    def portal_client(self):
        return self.busiest_vehicle.client

    @cached_property
    def service(self):
        return self.busiest_vehicle.services.order_by("-scheduled_date", "pk").first()

    @cached_property
    def phone(self):
        client = Client.objects.exclude(phone=None).order_by("pk").first()
        return client.phone if client else None

    @cached_property
    def client_name(self):
        return f"{self.busiest_client.first_name} {self.busiest_client.last_name}"

    @cached_property
    def plate(self):
        return self.busiest_vehicle.license_plate

    @cached_property
    def plate_as_typed(self):
        """The plate as staff type it in a hurry: lower case, no space (`kda123a`)."""
        return self.plate.replace(" ", "").lower()

    @cached_property
    def shared_phone_local(self):
        """The phone most clients share (a family's), in its local form (0712 345 678): the booking
        lookup's widest answer."""
        shared = (Client.objects.exclude(phone_hash=None).values("phone_hash").annotate(n=Count("pk"))
                  .order_by("-n", "phone_hash").first())
        client = Client.objects.filter(phone_hash=shared["phone_hash"]).first() if shared else None
        return "0" + client.phone[4:] if client and client.phone and client.phone.startswith("+254") else self.phone


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Sample], str]
    main_sql: Callable[[Sample], object] | None
    role: str = "front_desk"
    kind: str = "admin"
    # What the page answers: the staff search answers a single match with a redirect to it.
    statuses: tuple[int, ...] = (200,)


def _changelist_rows(model, params, user):
    """The first page of rows the admin changelist itself would fetch (its own ChangeList query)."""
    from django.contrib import admin

    request = RequestFactory().get("/", params)
    request.user = user
    changelist = admin.site._registry[model].get_changelist_instance(request)
    return changelist.queryset[: changelist.list_per_page]


def changelist(name, model, params=lambda s: {}, role="front_desk"):
    opts = model._meta
    return Page(
        name=name,
        url=lambda s: reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        + (f"?{urlencode(params(s))}" if params(s) else ""),
        main_sql=lambda s: _changelist_rows(model, params(s), _user(role)),
        role=role,
    )


def _user(role):
    from . import roles

    return roles.user_for(role)


def _admin_change(model, obj):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])


def _scope(sample):
    return PortalScope(client=sample.portal_client)


def _period():
    return preset_period(DEFAULT_PRESET)


PAGES = [
    Page(BASELINE, lambda s: reverse("admin:password_change"), None, kind="baseline"),
    Page("admin: staff home", lambda s: reverse("admin:index"), lambda s: dashboard_counts),
    changelist("admin: clients", Client),
    changelist("admin: clients, search by phone", Client, lambda s: {"q": s.phone}),
    changelist("admin: clients, search by name", Client, lambda s: {"q": s.client_name}),
    changelist("admin: vehicles", Vehicle),
    changelist("admin: vehicles, search by plate", Vehicle, lambda s: {"q": s.plate}),
    changelist("admin: services", Service),
    changelist("admin: services, status in progress", Service, lambda s: {"status__exact": ServiceStatus.IN_PROGRESS}),
    changelist("admin: services, status completed", Service, lambda s: {"status__exact": ServiceStatus.COMPLETED}),
    changelist("admin: services, search by plate", Service, lambda s: {"q": s.plate}),
    changelist("admin: services, search by client name", Service, lambda s: {"q": s.busiest_client.last_name}),
    changelist("admin: notifications", Notification, role="manager"),
    # Invoices (issue 16): every completed job invoiced by seed_scale.
    changelist("admin: invoices", Invoice, role="manager"),
    changelist("admin: audit log", AuditLog, role="manager"),
    Page("admin: client page (most cars)", lambda s: _admin_change(Client, s.busiest_client),
         lambda s: Vehicle.objects.filter(client=s.busiest_client)),
    Page("admin: vehicle page (most jobs)", lambda s: _admin_change(Vehicle, s.busiest_vehicle),
         lambda s: Service.objects.filter(vehicle=s.busiest_vehicle)),
    # The car page's predicted services (issue 19): the same page, measured by its predictions' query.
    Page("admin: vehicle page, predicted services", lambda s: _admin_change(Vehicle, s.busiest_vehicle),
         lambda s: car_predictions(vehicle=s.busiest_vehicle)),
    changelist("admin: expected services, next 30 days", ServicePrediction),
    Page("admin: service page", lambda s: _admin_change(Service, s.service),
         lambda s: Service.objects.filter(pk=s.service.pk).select_related("vehicle__client")),
    Page("admin: job board", lambda s: reverse("servicing:board"), lambda s: board_columns),
    # The front desk's search and booking (servicing/intake; issue 21): each an index probe.
    Page("admin: staff search, plate typed any way", lambda s: f"{reverse('intake:search')}?q={s.plate_as_typed}",
         lambda s: lambda: desk_search(term=s.plate_as_typed), statuses=(302,)),
    Page("admin: staff search, phone in its local form",
         lambda s: f"{reverse('intake:search')}?{urlencode({'q': s.shared_phone_local})}",
         lambda s: lambda: desk_search(term=s.shared_phone_local), statuses=(200, 302)),
    Page("admin: staff search, client name", lambda s: f"{reverse('intake:search')}?{urlencode({'q': s.client_name})}",
         lambda s: lambda: desk_search(term=s.client_name), statuses=(200, 302)),
    Page("admin: booking page", lambda s: reverse("intake:booking"), None),
    Page("admin: booking lookup, plate", lambda s: f"{reverse('intake:booking_lookup')}?q={s.plate_as_typed}",
         lambda s: lambda: booking_lookup(term=s.plate_as_typed)),
    Page("admin: booking lookup, shared phone",
         lambda s: f"{reverse('intake:booking_lookup')}?{urlencode({'q': s.shared_phone_local})}",
         lambda s: lambda: booking_lookup(term=s.shared_phone_local)),
    Page("admin: technician's jobs (phone view)", lambda s: reverse("servicing:workshop"),
         lambda s: lambda: workshop_jobs(technician=TECHNICIANS[0])),
    # Reports: the main SQL is the page's leading selector, for the page's default period.
    Page("report: overview", lambda s: reverse("reports:overview"),
         lambda s: lambda: reports.overview(period=_period()), role="manager", kind="report"),
    Page("report: revenue", lambda s: reverse("reports:revenue"),
         lambda s: lambda: reports.revenue_by_month(start=months_ending(_period().end)[0],
                                                    end=months_ending(_period().end)[1]),
         role="manager", kind="report"),
    Page("report: invoices and estimates", lambda s: reverse("reports:money"),
         lambda s: lambda: money_figures(period=_period()), role="manager", kind="report"),
    # Its heaviest table: every invoice's balance (payments' query) summed by client, the first page.
    Page("report: receivables", lambda s: reverse("reports:receivables"),
         lambda s: lambda: receivables_by_client(today=shop_today(), limit=51), role="manager", kind="report"),
    Page("report: technicians", lambda s: reverse("reports:technicians"),
         lambda s: lambda: reports.technician_performance(period=_period()), role="manager", kind="report"),
    Page("report: clients", lambda s: reverse("reports:clients"),
         lambda s: lambda: list(reports.lapsed_clients()[:100]), role="manager", kind="report"),
    Page("report: notifications", lambda s: reverse("reports:notifications"),
         lambda s: lambda: reports.notifications_by_channel(period=_period()), role="manager", kind="report"),
    Page("portal: vehicles", lambda s: reverse("portal:vehicles"),
         lambda s: _scope(s).vehicle_list(), role="portal_client", kind="portal"),
    Page("portal: vehicle (most jobs)", lambda s: reverse("portal:vehicle", args=[s.busiest_vehicle.pk]),
         lambda s: _scope(s).vehicle_history(s.busiest_vehicle), role="portal_client", kind="portal"),
    Page("portal: service", lambda s: reverse("portal:service", args=[s.service.pk]),
         lambda s: _scope(s).service_messages(s.service), role="portal_client", kind="portal"),
    Page("portal: inbox", lambda s: reverse("portal:inbox"),
         lambda s: _scope(s).inbox(), role="portal_client", kind="portal"),
]
