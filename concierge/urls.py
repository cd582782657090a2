from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from concierge import errors

admin.site.site_header = "Ndegwa Auto Concierge"
admin.site.site_title = "Ndegwa Auto Concierge"
admin.site.index_title = "Shop"

urlpatterns = [
    # Portal links' admin pages were under the clients app until the portal became its own app (label
    # "portal"): bookmarks of the old addresses still land (the new page asks for the staff sign-in).
    re_path(r"^admin/clients/portaltoken/(?P<rest>.*)$",
            RedirectView.as_view(url="/admin/portal/portaltoken/%(rest)s", query_string=True)),
    # Before the admin's own: the job board (servicing/views.py) keeps the address it had in the admin.
    path("admin/servicing/service/", include("servicing.urls")),
    # The front desk's search and one-page booking (servicing/intake/).
    path("admin/desk/", include("servicing.intake.urls")),
    # Billing's staff pages (printed invoice, PDF, send estimate): before the admin's own, like the board.
    path("admin/billing/", include("billing.urls")),
    path("admin/", admin.site.urls),
    path("portal/", include("clients.portal.urls")),
    # Billing's read-only portal pages (the invoice and its PDF), in the portal's look and languages.
    path("portal/", include("billing.portal_urls")),
    # A job's status link as sent by SMS: short, so the message fits one part (docs/notifications.md).
    path("s/", include("clients.portal.short_urls")),
    path("reports/", include("reports.urls")),
    # The SMS provider's callbacks (docs/notifications.md, "Delivery reports").
    path("callbacks/", include("notifications.urls")),
    # Safaricom Daraja's M-Pesa callbacks (docs/payments.md).
    path("callbacks/mpesa/", include("payments.urls")),
    # The JSON API for the shop's other tools (docs/api.md): /api/v1/, keys made by managers.
    path("api/", include("api.urls")),
]

# Styled error pages, staff or portal by the URL (concierge/errors.py).
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
