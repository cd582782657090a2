from django.urls import path

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
    # Django's own set_language (POST with CSRF, the language cookie), and the signed-in client's language.
    path("language/", views.language_switch, name="set_language"),
]
