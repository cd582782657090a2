from django.contrib import admin
from django.urls import include, path

from concierge import errors

admin.site.site_header = "Ndegwa Auto Concierge"
admin.site.site_title = "Ndegwa Auto Concierge"
admin.site.index_title = "Shop"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("portal/", include("clients.portal.urls")),
    path("reports/", include("reports.urls")),
    # The SMS provider's callbacks (docs/notifications.md, "Delivery reports").
    path("callbacks/", include("notifications.urls")),
]

# Styled error pages, staff or portal by the URL (concierge/errors.py).
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
