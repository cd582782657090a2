"""The client portal: read-only pages for car owners, reached by a link, made for a phone."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django.views.i18n import set_language

from concierge.client_ip import client_network

from .auth import portal_client, portal_sign_in, portal_sign_out
from .forms import SignInRequestForm
from .panels import service_panels
from .ratelimit import sign_in_request_allowed
from .selectors import PortalScope, service_closed_at, service_timeline
from .services import client_language_choose, inbox_mark_read, sign_in_request_queue
from .tokens import (
    InvalidToken, OwnerNotChosen, sign_in_token_check, sign_in_token_redeem, status_link_service,
)


# Mixed into the portal's TemplateViews and calling on to theirs: type checkers see a TemplateView, as
# concierge/audit/admin_mixins.py does for ModelAdmins; at run time a plain mixin.
if TYPE_CHECKING:
    _PageBase = TemplateView
else:
    _PageBase = object


@method_decorator(never_cache, name="dispatch")
class PortalPageMixin(_PageBase):
    """Every signed-in page: no client, no page; `self.scope` is the only way to read data."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        client = portal_client(request)
        if client is None:
            return redirect("portal:sign_in")
        self.scope = PortalScope(client=client)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            portal_client=self.scope.client, unread_count=self.scope.unread_count(), **kwargs
        )


def _page(request, queryset):
    """One page (PORTAL_PAGE_SIZE rows) of a scope's queryset, by `?page=`: a fleet's vehicles or a
    busy car's years of jobs come a page at a time, so a page's work does not grow with the history.
    A page number that is not one gives the first page, one past the end the last (no error page)."""
    return Paginator(queryset, settings.PORTAL_PAGE_SIZE).get_page(request.GET.get("page"))


class VehicleListView(PortalPageMixin, TemplateView):
    template_name = "portal/vehicles.html"

    def get_context_data(self, **kwargs):
        page = _page(self.request, self.scope.vehicles_by_plate())
        vehicles = list(self.scope.vehicle_list(page=page.object_list))
        return super().get_context_data(vehicles=vehicles, page=page, **kwargs)


class VehicleDetailView(PortalPageMixin, TemplateView):
    template_name = "portal/vehicle.html"

    def get_context_data(self, **kwargs):
        vehicle = self.scope.vehicle(self.kwargs["pk"])
        page = _page(self.request, self.scope.vehicle_history(vehicle))
        return super().get_context_data(vehicle=vehicle, services=page.object_list, page=page,
                                        predictions=self.scope.vehicle_predictions(vehicle), **kwargs)


def _service_context(scope, service):
    return {
        "service": service,
        "vehicle": service.vehicle,
        "timeline": service_timeline(service),
        "messages_sent": scope.service_messages(service),
        # Other apps' sections (billing's estimate and invoice): clients/portal/panels.py.
        "panels": service_panels(scope, service),
    }


class ServiceDetailView(PortalPageMixin, TemplateView):
    template_name = "portal/service.html"

    def get_context_data(self, **kwargs):
        service = self.scope.service_detail(self.kwargs["pk"])
        return super().get_context_data(**_service_context(self.scope, service), **kwargs)


class InboxView(PortalPageMixin, TemplateView):
    template_name = "portal/inbox.html"

    def get_context_data(self, **kwargs):
        # Rendered as they were before this visit (unread ones marked), then the page's ones marked read:
        # a message on a page not opened yet stays unread.
        page = _page(self.request, self.scope.inbox())
        notifications = list(page.object_list)
        inbox_mark_read(notifications=[n for n in notifications if not n.is_read])
        return super().get_context_data(notifications=notifications, page=page, **kwargs)


@method_decorator(never_cache, name="dispatch")
class SignInView(FormView):
    template_name = "portal/sign_in.html"
    form_class = SignInRequestForm

    def get(self, request, *args, **kwargs):
        if portal_client(request) is not None:
            return redirect("portal:vehicles")
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        if not sign_in_request_allowed(address=form.normalised_contact, ip=client_network(request)):
            form.add_error(None, _(
                "Too many sign-in requests. Please wait 15 minutes before asking for another link."
            ))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # The same work and the same answer whether or not a client has the contact: who has it is
        # looked up by a worker (services.sign_in_request_queue).
        sign_in_request_queue(kind=form.contact_kind, contact_hash=form.contact_hash)
        return redirect("portal:sign_in_sent")


class SignInSentView(TemplateView):
    template_name = "portal/sign_in_sent.html"


def _link_invalid(request):
    return TemplateResponse(request, "portal/link_invalid.html", status=410)


@method_decorator(never_cache, name="dispatch")
class SignInConfirmView(View):
    """GET shows a button, POST uses the link: link previewers that GET a URL do not burn it.

    A link sent to a phone several clients share shows one button per client: the person holding the
    phone chooses who signs in, and that session sees only that client's cars."""

    template_name = "portal/sign_in_confirm.html"

    def _page(self, request, owners, status=200):
        return TemplateResponse(request, self.template_name, {"owners": owners}, status=status)

    def get(self, request, token):
        try:
            owners = sign_in_token_check(token)
        except InvalidToken:
            return _link_invalid(request)
        return self._page(request, owners)

    def post(self, request, token):
        try:
            client = sign_in_token_redeem(token, client_id=request.POST.get("client") or None)
        except InvalidToken:
            return _link_invalid(request)
        except OwnerNotChosen as refused:
            return self._page(request, refused.owners, status=400)
        portal_sign_in(request, client)
        response = redirect("portal:vehicles")
        # A phone with no language chosen opens the portal in the one the client chose before (on another
        # phone, or at the desk): the same cookie the language buttons set. A choice made on this phone stays.
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            _language_cookie_set(response, client.preferred_language)
        return response


class SignOutView(View):
    def post(self, request):
        portal_sign_out(request)
        return HttpResponseRedirect(reverse("portal:sign_in") + "?signed_out=1")


@method_decorator(never_cache, name="dispatch")
class StatusLinkView(View):
    """One service, read-only, for whoever holds its link; no session is created."""

    def get(self, request, token):
        try:
            service, client = status_link_service(token, closed_at_for=service_closed_at)
        except InvalidToken:
            return _link_invalid(request)
        # The client the link was issued to (the job's own, at the job's time), never the car's client
        # now: read through their scope, a link to a job that is not theirs opens nothing.
        scope = PortalScope(client=client, service=service)
        try:
            context = _service_context(scope, scope.service_detail(service.pk))
        except Http404:
            return _link_invalid(request)
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and client.preferred_language in dict(settings.LANGUAGES):
            # A link opened without a choice on this phone shows in the client's language, as the text
            # that carried it was written (a cookie set on this phone wins). For this response only
            # (LocaleMiddleware activates afresh per request) and no cookie: the link may be forwarded.
            translation.activate(client.preferred_language)
            request.LANGUAGE_CODE = client.preferred_language
        return TemplateResponse(request, "portal/service.html", {**context, "status_link": True, "link_client": client})


def _language_cookie_set(response: HttpResponseBase, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_switch(request: HttpRequest) -> HttpResponseBase:
    """The portal's language buttons: Django's set_language (the cookie, CSRF-checked by the
    middleware, `next` kept to this site), and for a signed-in client their preferred language, so
    the shop's messages reach them in it too. Whoever is not signed in changes only their cookie."""
    response = set_language(request)
    language = request.POST.get("language", "")
    client = portal_client(request)
    if request.method == "POST" and client is not None and language in dict(settings.LANGUAGES):
        client_language_choose(client=client, language=language)
    return response
