from django.urls import path

from . import views

app_name = "payments"

# The secret is a path segment: Daraja's callback settings take a URL, no headers. The STK callback
# also names our request, so a push whose answer was lost is still settled by its callback.
urlpatterns = [
    path("stk/<str:secret>/<uuid:request_id>/", views.stk_callback, name="stk_callback"),
    path("c2b/confirmation/<str:secret>/", views.c2b_confirmation, name="c2b_confirmation"),
    path("c2b/validation/<str:secret>/", views.c2b_validation, name="c2b_validation"),
]
