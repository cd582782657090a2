"""The front desk's pages, under /admin/desk/ (concierge/urls.py), each behind the admin's staff sign-in."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("search/", admin.site.admin_view(views.search), name="search"),
    path("book/", admin.site.admin_view(views.booking), name="booking"),
    path("book/lookup/", admin.site.admin_view(views.lookup), name="booking_lookup"),
]
