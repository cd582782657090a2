"""The site's URLs plus views that fail on purpose, for the error-page tests (concierge/errors.py)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from concierge import errors
from concierge.urls import handler403, handler404, handler500, urlpatterns as site  # noqa: F401


def fails(request):
    raise RuntimeError("a bug, on purpose")


def refuses(request):
    raise PermissionDenied


def gone(request):
    return errors.gone(request)


urlpatterns = [
    path("portal/test-fails/", fails),
    path("portal/test-refuses/", refuses),
    path("portal/test-gone/", gone),
    path("staff-test/fails/", fails),
    path("staff-test/gone/", gone),
    *site,
]
