from django.urls import path
from django.views.i18n import set_language

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.VehicleListView.as_view(), name="vehicles"),
    path("vehicles/<uuid:pk>/", views.VehicleDetailView.as_view(), name="vehicle"),
    path("services/<uuid:pk>/", views.ServiceDetailView.as_view(), name="service"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-in/sent/", views.SignInSentView.as_view(), name="sign_in_sent"),
    path("sign-in/<str:token>/", views.SignInConfirmView.as_view(), name="sign_in_confirm"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("s/<str:token>/", views.StatusLinkView.as_view(), name="status_link"),
    # Django's own view: POST with CSRF, stores the choice in the language cookie.
    path("language/", set_language, name="set_language"),
]
