from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    # The secret is a path segment: Africa's Talking's callback settings take a URL, no headers.
    path("africastalking/delivery-reports/<str:secret>/", views.africastalking_delivery_report,
         name="africastalking-delivery-report"),
    path("africastalking/inbound/<str:secret>/", views.africastalking_inbound_message,
         name="africastalking-inbound"),
]
