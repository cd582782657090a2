"""The staff home page's tiles, rendered inside the admin index without replacing the AdminSite."""

from django import template
from django.urls import reverse

from servicing import selectors
from servicing.selectors import dashboard_counts

register = template.Library()


@register.inclusion_tag("admin/servicing/dashboard.html", takes_context=True)
def staff_dashboard(context):
    user = context["request"].user
    if not user.has_perm("servicing.view_service"):
        return {"tiles": []}
    counts = dashboard_counts()
    shown = {name: f"{selectors.DASHBOARD_COUNT_UP_TO}+" if n > selectors.DASHBOARD_COUNT_UP_TO else n
             for name, n in counts.items()}
    services = reverse("admin:servicing_service_changelist")
    tiles = [
        ("Scheduled today", shown["today"], f"{services}?due=today", False),
        ("In progress", shown["in_progress"], f"{services}?status__exact=in_progress", False),
        ("Overdue", shown["overdue"], f"{services}?due=overdue", counts["overdue"] > 0),
    ]
    if user.has_perm("notifications.view_notification"):
        tiles.append((
            "Failed notifications", shown["failed_notifications"],
            reverse("admin:notifications_notification_changelist") + "?delivery_uncertain__exact=0&status__exact=failed",
            counts["failed_notifications"] > 0,
        ))
        tiles.append((
            "Delivery uncertain", shown["uncertain_notifications"],
            reverse("admin:notifications_notification_changelist") + "?delivery_uncertain__exact=1&status__exact=failed",
            counts["uncertain_notifications"] > 0,
        ))
    # Those who move jobs get their phone view too (servicing.views.workshop).
    workshop_url = reverse("servicing:workshop") if user.has_perm("servicing.change_service") else ""
    return {"tiles": tiles, "board_url": reverse("servicing:board"), "workshop_url": workshop_url}


@register.inclusion_tag("admin/intake/_search_box.html", takes_context=True)
def desk_search_box(context, term=""):
    """The staff home's one search box (servicing/intake), with "New booking" beside it for those who book."""
    user = context["request"].user
    owner_details = user.has_perm("clients.view_client")
    if not (owner_details or user.has_perm("fleet.view_vehicle")):
        return {"search_url": ""}
    may_book = owner_details and user.has_perm("servicing.add_service")
    return {
        "search_url": reverse("intake:search"),
        "booking_url": reverse("intake:booking") if may_book else "",
        "owner_details": owner_details,
        "term": term,
        # The box posts (a phone typed in it stays out of URLs), so it carries the page's CSRF token.
        "csrf_token": context.get("csrf_token"),
    }
