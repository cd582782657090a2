"""The short address of a status link, at the site's root (`/s/<token>`): it goes in an SMS, where
`/portal/s/<token>/` cost 8 characters more. The longer address keeps working for links already sent."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>", views.StatusLinkView.as_view(), name="status_link_short"),
]
