from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Ndegwa Auto Concierge"
admin.site.site_title = "Ndegwa Auto Concierge"
admin.site.index_title = "Shop"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("portal/", include("clients.portal.urls")),
    path("reports/", include("reports.urls")),
]
