"""Styled error pages (403, 404, 410, 500) in the look, and for the portal the language, of the part of
the site the request was for.

The part is the URL's first segment: `/portal/...` renders `portal/errors/<status>.html`, anything
else the staff pages in `errors/<status>.html` (admin look). So the platform names no domain app: a
part of the site gets its own pages by adding templates under `<segment>/errors/`.

The 500 pages are rendered without the request's context processors: the error may be the database
being down, and the auth context processor would query it again.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist, loader

logger = logging.getLogger(__name__)


def _template(request: HttpRequest, status: int):
    """(template, is_staff_page): the URL's part's own page if it has one, else the staff page."""
    segment = request.path.strip("/").split("/", 1)[0]
    if segment.isidentifier():
        try:
            return loader.get_template(f"{segment}/errors/{status}.html"), False
        except TemplateDoesNotExist:
            pass
    return loader.get_template(f"errors/{status}.html"), True


def error_page(request: HttpRequest, status: int, *, context: dict | None = None) -> HttpResponse:
    """The styled page for `status` (403, 404 or 410), rendered with the request's context; a staff
    page also gets the admin's (site header, the user's links)."""
    template, staff_page = _template(request, status)
    page_context = {"status": status, **(context or {})}
    if staff_page:
        from django.contrib import admin

        page_context = {**admin.site.each_context(request), **page_context}
    return HttpResponse(template.render(page_context, request), status=status)


def gone(request: HttpRequest, *, context: dict | None = None) -> HttpResponse:
    """410: what was here has been removed for good (an expired or revoked link, say)."""
    return error_page(request, 410, context=context)


def permission_denied(request, exception=None):
    """handler403: a signed-in user whose role does not include the page."""
    return error_page(request, 403)


def page_not_found(request, exception=None):
    """handler404."""
    return error_page(request, 404)


def server_error(request):
    """handler500. Plain context only (see the module's docstring); a failure to render the styled
    page falls back to a line of text rather than a second error."""
    try:
        template, _ = _template(request, 500)
        return HttpResponse(template.render({"status": 500}), status=500)
    except Exception:  # the error page must not fail in turn
        logger.exception("the styled 500 page could not be rendered")
        return HttpResponse("Server error (500). Please try again in a minute.", status=500,
                            content_type="text/plain; charset=utf-8")
