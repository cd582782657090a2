"""Template tags of the shared admin pieces, registered as the `concierge_admin` library in settings
(TEMPLATES OPTIONS "libraries"): concierge.admin is not an app of its own."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from .changelists import quick_result_list
from .date_hierarchy import date_hierarchy

register = template.Library()


@register.tag(name="indexed_date_hierarchy")
def indexed_date_hierarchy_tag(parser, token):
    """`{% indexed_date_hierarchy cl %}`: Django's date drill-down, found by index probes (date_hierarchy.py)."""
    # django-stubs 6.1 declares a leading `name` parameter that Django 5.2's InclusionAdminNode does not take.
    return InclusionAdminNode(parser, token, func=date_hierarchy, template_name="date_hierarchy.html",  # type: ignore[call-arg]
                              takes_context=False)


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    """`{% quick_result_list cl %}`: Django's result_list with the rows made once per column (changelists.py)."""
    # As above: Django 5.2's signature, not the stubs' (no `name`).
    return InclusionAdminNode(parser, token, func=quick_result_list, template_name="change_list_results.html",  # type: ignore[call-arg]
                              takes_context=False)
