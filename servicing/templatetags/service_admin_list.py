"""The services list's date drill-down without reading every job for its years."""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Max, Min

register = template.Library()


def years_date_hierarchy(cl):
    """Django's date_hierarchy, except the unfiltered top level: there Django lists the years through
    SELECT DISTINCT DATE_TRUNC('year', ...) over every job (a million at scale 10); the shop has jobs in
    every year between its first and its last, so the years come from MIN and MAX (two index probes)."""
    field = cl.date_hierarchy
    drilling = any(key.startswith(f"{field}__") for key in cl.params)
    if drilling or cl.queryset.query.where:
        return date_hierarchy(cl)
    bounds = cl.queryset.aggregate(first=Min(field), last=Max(field))
    if not bounds["first"]:
        return date_hierarchy(cl)
    first, last = bounds["first"], bounds["last"]
    if first.year == last.year:
        # Django would start at that year's months (or that month's days); say so rather than let it
        # run MIN and MAX again.
        pinned = {f"{field}__year": str(first.year)}
        if first.month == last.month:
            pinned[f"{field}__month"] = str(first.month)
        return date_hierarchy(_PinnedChangeList(cl, pinned))
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": cl.get_query_string({f"{field}__year": str(year)}, [f"{field}__"]), "title": str(year)}
            for year in range(first.year, last.year + 1)
        ],
    }


class _PinnedChangeList:
    """The changelist as if the user had picked the given year (and month) in the drill-down."""

    def __init__(self, cl, pinned):
        self._cl, self.params = cl, {**cl.params, **pinned}

    def __getattr__(self, name):
        return getattr(self._cl, name)


@register.tag(name="years_date_hierarchy")
def years_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(parser, token, func=years_date_hierarchy, template_name="date_hierarchy.html",
                              takes_context=False)
