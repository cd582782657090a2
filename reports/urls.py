from django.urls import path

from . import views

app_name = "reports"

_PAGES = [
    ("", "overview", views.OverviewPage),
    ("revenue/", "revenue", views.RevenuePage),
    ("technicians/", "technicians", views.TechniciansPage),
    ("clients/", "clients", views.ClientsPage),
    ("notifications/", "notifications", views.NotificationsPage),
    ("money/", "money", views.MoneyPage),
    ("receivables/", "receivables", views.ReceivablesPage),
]

urlpatterns = []
for prefix, name, view in _PAGES:
    urlpatterns += [
        path(prefix, view.as_view(), name=name),
        path(f"{prefix}<slug:table>.csv", view.as_view(), name=f"{name}-csv"),
    ]
