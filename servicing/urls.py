"""The job board's addresses: under /admin/servicing/service/ (concierge/urls.py), where they were when
the board was part of the services admin, so wall screens' bookmarks keep working; each behind the
admin's staff sign-in (admin.site.admin_view: signed in, staff, a second factor where the role needs
one, never cached)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "servicing"

urlpatterns = [
    path("board/", admin.site.admin_view(views.board), name="board"),
    path("<uuid:service_id>/advance/", admin.site.admin_view(views.board_advance), name="board_advance"),
    # The technician's phone view (servicing/views.py workshop).
    path("mine/", admin.site.admin_view(views.workshop), name="workshop"),
    path("<uuid:service_id>/mine/advance/", admin.site.admin_view(views.workshop_advance), name="workshop_advance"),
]
