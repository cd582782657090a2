"""The staff admin site: Django's, with a sign-in that asks for a second factor and a gate that
keeps managers and superusers out until their session is verified by one (concierge.accounts.two_factor)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from concierge.admin.bad_input import BadInputAdminMixin


# The staff home lists the apps by daily use, not alphabetically (where the audit trail came first and the
# jobs in the middle): the day's work, then the managers' pages, then staff and the audit trail. App
# labels only (the platform imports no domain app); an app not named here goes before "staff" by name.
APP_ORDER = ("servicing", "clients", "fleet", "billing", "reports", "workflows", "notifications")
APP_ORDER_LAST = ("accounts", "auth", "audit")
# Within an app, its everyday list first (the jobs before the service-type catalogue).
MODEL_ORDER_FIRST = ("Service", "Client", "Vehicle", "Notification")


def _app_rank(app: dict) -> tuple[int, str]:
    label = app["app_label"]
    if label in APP_ORDER:
        return APP_ORDER.index(label), ""
    if label in APP_ORDER_LAST:
        return 1000 + APP_ORDER_LAST.index(label), ""
    return len(APP_ORDER), str(app["name"])


class StaffAdminSite(admin.AdminSite):
    login_template = "accounts/login.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every app's pages: a value a field cannot hold (prefilled, posted, a selected row's id) is not
        # a 500 (concierge.admin.bad_input).
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BadInputAdminMixin):
            admin_class = type(admin_class.__name__, (BadInputAdminMixin, admin_class),
                               {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__})
        return super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        apps = sorted(self._build_app_dict(request, app_label).values(), key=_app_rank)
        for app in apps:
            app["models"].sort(key=lambda model: (model["object_name"] not in MODEL_ORDER_FIRST, str(model["name"])))
        return apps

    # A property where AdminSite has a class attribute: the form's module imports models, which do not
    # exist yet when this site is made. The stubs type the attribute as writable; nothing writes it.
    @property
    def login_form(self):  # type: ignore[override]  # a property for the attribute: see above
        from .forms import StaffLoginForm  # imports models: not at module level (see AdminSite.login)

        return StaffLoginForm

    def has_permission(self, request):
        from .two_factor import two_factor_satisfied

        return super().has_permission(request) and two_factor_satisfied(request.user)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        from .two_factor import enrolment_needed

        # Signed in by password and required to enrol: the only page open to them is the enrolment.
        if request.method == "GET" and enrolment_needed(request.user):
            url = reverse("admin:two_factor", current_app=self.name)
            next_url = request.GET.get(REDIRECT_FIELD_NAME)
            return HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url)
        return super().login(request, extra_context)

    def get_urls(self):
        from .views import two_factor_view

        return [
            path("two-factor/", self.staff_signed_in(two_factor_view), name="two_factor"),
            *super().get_urls(),
        ]

    def staff_signed_in(self, view):
        """Like admin_view, but open before the second factor: an active staff user signed in by
        password may set one up. Everyone else goes to the sign-in page."""

        def inner(request, *args, **kwargs):
            user = request.user
            if not (user.is_active and user.is_staff):
                return HttpResponseRedirect(
                    f"{reverse('admin:login', current_app=self.name)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
                )
            request.current_app = self.name
            return view(request, *args, site=self, **kwargs)

        return never_cache(inner)
