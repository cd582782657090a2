"""The front desk's two quick pages, in the admin's frame and behind its staff sign-in (urls.py): the
staff home's search (one box: plate, phone or name, straight to the one match) and the one-page
booking (plate or phone looked up as it is typed, a newcomer's client and car on the same page, saved
once through the same services as the admin)."""


from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format

from clients.models import Client
from fleet.models import Vehicle
from fleet.validators import validate_mileage

from ..models import CLIENT_DETAILS_PERMISSION, Service, ServiceStatus
from . import selectors
from .forms import BookingForm, NewCarForm, NewClientForm
from .services import booking_create

BOOK_PERMISSION = "servicing.add_service"
# A page sent twice books once: its token is remembered this long (a day covers any resend).
ONCE_SECONDS = 24 * 60 * 60


def _term(request: HttpRequest) -> str:
    """What was typed. The search box and the booking page's lookup POST it, so a phone number never
    sits in a URL (browser history, proxies' logs, the Referer header); a GET with ?q= still works for
    a plate linked from elsewhere."""
    return (request.POST if request.method == "POST" else request.GET).get("q", "")


def search(request: HttpRequest) -> HttpResponse:
    """The staff home's search box: the car or client itself when one matches, else a short list."""
    user = request.user
    owner_details = user.has_perm(CLIENT_DETAILS_PERMISSION)
    if not (owner_details or user.has_perm("fleet.view_vehicle")):
        raise PermissionDenied
    result = selectors.desk_search(term=_term(request), owner_details=owner_details)
    single = result.single
    if isinstance(single, Vehicle):
        return redirect("admin:fleet_vehicle_change", single.pk)
    if isinstance(single, Client):
        return redirect("admin:clients_client_change", single.pk)
    context = {
        **admin.site.each_context(request),
        "title": f"Search: {result.term}" if result.term else "Search",
        "result": result,
        "owner_details": owner_details,
        "can_book": user.has_perm(BOOK_PERMISSION) and owner_details,
        "shown": selectors.SEARCH_SHOWN,
    }
    return TemplateResponse(request, "admin/intake/search.html", context)


def _may_book(request: HttpRequest) -> None:
    # Booking shows owners' names and looks phones up: front desk and managers, not technicians.
    if not (request.user.has_perm(BOOK_PERMISSION) and request.user.has_perm(CLIENT_DETAILS_PERMISSION)):
        raise PermissionDenied


def lookup(request: HttpRequest) -> TemplateResponse:
    """The booking page's answer to what was typed in "Plate or phone", as the piece of page it
    replaces (fetched by booking.js; no page load)."""
    _may_book(request)
    found = selectors.booking_lookup(term=_term(request))
    return TemplateResponse(request, "admin/intake/_lookup.html", _lookup_context(request, found, picked=""))


def _lookup_context(request: HttpRequest, found: selectors.BookingLookup, *, picked: str) -> dict[str, object]:
    """The lookup's radios ("pick"): each car found, a new car for each client found, a new client."""
    user = request.user
    may_add_car = user.has_perm("fleet.add_vehicle")
    may_add_client = may_add_car and user.has_perm("clients.add_client")
    choices: list[dict[str, object]] = []

    def car_choice(car: Vehicle, label: str) -> None:
        choices.append({"value": f"car:{car.pk}", "label": label, "mileage": car.mileage})

    if found.vehicle is not None:
        car = found.vehicle
        car_choice(car, f"{car.license_plate} · {car.make} {car.model} · owner {car.client.full_name} · "
                        f"last mileage {car.mileage:,} km")
    for client, cars in found.clients:
        choices.append({"owner": client.full_name})
        for car in cars:
            car_choice(car, f"{car.license_plate or car.vin} · {car.make} {car.model} · "
                            f"last mileage {car.mileage:,} km")
        if may_add_car:
            choices.append({"value": f"client:{client.pk}", "label": f"A new car for {client.full_name}"})
    if found.term and may_add_client and found.vehicle is None:
        label = "Someone else: a new client and car" if found.clients else "A new client and car: fill in their details below"
        choices.append({"value": "new", "label": label})
    offered = [c["value"] for c in choices if "value" in c]
    if not picked and offered and (len(offered) == 1 or found.vehicle is not None):
        picked = str(offered[0])
    if not picked and len(found.clients) == 1 and len(found.clients[0][1]) == 1:
        picked = f"car:{found.clients[0][1][0].pk}"
    for choice in choices:
        choice["checked"] = choice.get("value") == picked
    return {"found": found, "choices": choices, "picked": picked}


def booking(request: HttpRequest) -> HttpResponse:
    _may_book(request)
    if request.method == "POST":
        return _booking_post(request)
    term = request.GET.get("q", "")
    form = BookingForm(initial={"lookup": term})
    found = selectors.booking_lookup(term=term)
    return _booking_page(request, form, NewClientForm(prefix="client"), NewCarForm(prefix="car"), found, picked="")


def _booking_page(
    request: HttpRequest, form: BookingForm, client_form: NewClientForm, car_form: NewCarForm,
    found: selectors.BookingLookup, *, picked: str, status: int = 200,
) -> TemplateResponse:
    context = {
        **admin.site.each_context(request),
        "title": "New booking",
        "form": form,
        "client_form": client_form,
        "car_form": car_form,
        **_lookup_context(request, found, picked=picked),
        "lookup_url": reverse("intake:booking_lookup"),
        "opts": Service._meta,
    }
    return TemplateResponse(request, "admin/intake/booking.html", context, status=status)


def _booking_post(request: HttpRequest) -> HttpResponse:
    by = request.user if isinstance(request.user, AbstractBaseUser) else None
    form = BookingForm(request.POST)
    found = selectors.booking_lookup(term=request.POST.get("lookup", ""))
    kind, pk = form.picked()
    if not kind and found.vehicle is not None:  # a plate typed and saved before its lookup came back
        kind, pk = "car", found.vehicle.pk
    client_form = NewClientForm(request.POST if kind == "new" else None, prefix="client")
    car_form = NewCarForm(request.POST if kind in ("new", "client") else None, prefix="car")
    picked = f"{kind}:{pk}" if pk else kind
    valid = form.is_valid()
    client: Client | None = None
    vehicle: Vehicle | None = None
    if kind == "car" and pk is not None:
        vehicle = Vehicle.objects.select_related("client").filter(pk=pk).first()
        client = vehicle.client if vehicle else None
    elif kind == "client" and pk is not None:
        client = Client.objects.filter(pk=pk).first()
        if not request.user.has_perm("fleet.add_vehicle"):
            raise PermissionDenied
    elif kind == "new":
        if not (request.user.has_perm("clients.add_client") and request.user.has_perm("fleet.add_vehicle")):
            raise PermissionDenied
    if vehicle is not None and form.cleaned_data.get("mileage") is not None:
        # Said with the other refusals, not after them; booking_create checks again under the row lock.
        try:
            validate_mileage(form.cleaned_data["mileage"], previous=vehicle.mileage)
        except ValidationError as error:
            form.add_error("mileage", error)
            valid = False
    if kind in ("car", "client") and client is None:
        form.add_error("lookup", "That car or client is no longer on the books: look it up again.")
        valid = False
    elif not kind:
        form.add_error("lookup", "Type the car's plate or the client's phone and pick the car, "
                                 "or pick “A new client” to fill in their details.")
        valid = False
    if kind == "new":
        valid = client_form.is_valid() and valid
    if kind in ("new", "client"):
        valid = car_form.is_valid() and valid
    if not valid:
        return _booking_page(request, form, client_form, car_form, found, picked=picked, status=400)

    if kind == "new":
        client = client_form.save(commit=False)
    if kind in ("new", "client"):
        vehicle = car_form.save(commit=False)
    assert client is not None and vehicle is not None
    data = form.cleaned_data
    services = [Service(service_type=name, scheduled_date=data["scheduled_date"], status=ServiceStatus.PENDING,
                        technician=data["technician"] or None) for name in data["service_types"]]
    once_key = f"intake:booking:{data['once']}"
    if not cache.add(once_key, "1", timeout=ONCE_SECONDS):
        messages.warning(request, "That booking was sent twice; it was booked once. Check the job list before booking again.")
        return redirect("intake:booking")
    try:
        with transaction.atomic():
            booking_create(client=client, vehicle=vehicle, services=services, mileage=data["mileage"], by=by)
    except ValidationError as error:
        cache.delete(once_key)
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _booking_page(request, form, client_form, car_form, found, picked=picked, status=400)
    except IntegrityError:
        # Another desk saved the same email, plate or VIN between our check and our save: nothing of
        # this booking was written.
        cache.delete(once_key)
        form.add_error(None, "Not saved: someone saved this client or car a moment ago. Check the details and save again.")
        return _booking_page(request, form, client_form, car_form, found, picked=picked, status=409)
    except BaseException:
        cache.delete(once_key)  # nothing was booked: the same page may be sent again
        raise
    car_url = reverse("admin:fleet_vehicle_change", args=[vehicle.pk])
    messages.success(request, _booked_message(vehicle, client, services, car_url))
    return HttpResponseRedirect(reverse("intake:booking"))


def _booked_message(vehicle: Vehicle, client: Client, services: list[Service], car_url: str) -> str:
    from django.utils.html import format_html

    day = services[0].scheduled_date
    return format_html(
        'Booked <a href="{}">{}</a> ({}, {}): {} on {}.', car_url, vehicle.license_plate or vehicle.vin,
        f"{vehicle.make} {vehicle.model}", client.full_name, ", ".join(s.service_type for s in services),
        date_format(day) if day else "no date",
    )




