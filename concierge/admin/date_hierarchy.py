"""The changelist's date drill-down (ModelAdmin.date_hierarchy) without reading every row for its dates.

Django lists the years (months, days) holding rows with SELECT DISTINCT DATE_TRUNC(...) over every row
of the list: a scan of the whole table when unfiltered (ten million audit rows at scale 10), or of a
large part of it when filtered (every completed job). Here the candidate years come from MIN and MAX
(two index probes, as Django does first anyway), the candidate months and days from the period drilled
into, and one query looks for the first row of each candidate (dates_with_rows): an index probe per
year, month or day, so the cost follows the number of choices shown, not the number of rows. Same choices, links and HTML as
Django's date_hierarchy (django.contrib.admin.templatetags.admin_list), same two queries at most.
"""

import calendar
import datetime

from django.conf import settings
from django.contrib.admin.utils import get_fields_from_path
from django.db import connections, models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# What this module copies (its choices, links and context keys), as the sha256 (16 hex digits) of its
# source in Django 5.2: concierge/tests/test_django_forks.py fails when the installed Django's differs.
COPIED_FROM_DJANGO = {
    "django.contrib.admin.templatetags.admin_list.date_hierarchy": "89a805f832aa65f8",
}


def dates_with_rows(queryset, field_name, boundaries):
    """Of ascending `boundaries` [b0, b1, ..., bn] (dates or datetimes), each b(i) whose period
    [b(i), b(i+1)) holds a row of `queryset`.

    One statement: the periods as a VALUES list, each joined to the first row (by the field) of the
    list's own query (its filters, search and joins; not its ordering or annotations) inside it. The
    query appears once, whatever the number of periods, and each period is one ordered probe of an
    index on the field. "First row by the field, LIMIT 1" rather than EXISTS: on a partitioned table
    PostgreSQL planned the EXISTS as bitmap scans of whole partitions, or (filtered by user or table)
    as a hash semi join over every partition: 0.6 s at scale 10, against 3-5 ms.
    """
    if len(boundaries) < 2:
        return []
    connection = connections[queryset.db]
    field = get_fields_from_path(queryset.model, field_name)[-1]
    cast = field.db_type(connection)
    rows = queryset.order_by().values_list(field_name)
    sql, params = rows.query.get_compiler(using=queryset.db).as_sql()
    periods, period_params = [], []
    for index, (start, end) in enumerate(zip(boundaries, boundaries[1:])):
        periods.append(f"({index}, CAST(%s AS {cast}), CAST(%s AS {cast}))")
        period_params += [field.get_db_prep_value(start, connection), field.get_db_prep_value(end, connection)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT period.n FROM (VALUES {', '.join(periods)}) AS period(n, starts, ends)"
            f" CROSS JOIN LATERAL (SELECT 1 FROM ({sql}) AS listed(value)"
            " WHERE listed.value >= period.starts AND listed.value < period.ends"
            " ORDER BY listed.value LIMIT 1) AS first_row ORDER BY period.n",
            [*period_params, *params],
        )
        found = {row[0] for row in cursor.fetchall()}
    return [start for index, start in enumerate(boundaries[:-1]) if index in found]


def _aware(is_datetime):
    """How a calendar date becomes a bucket boundary: midnight in the current time zone for a
    DateTimeField (as ChangeList.get_filters bounds the drilled-into period), the date itself otherwise."""
    if not is_datetime:
        return lambda day: day

    def boundary(day):
        moment = datetime.datetime(day.year, day.month, day.day)
        return timezone.make_aware(moment) if settings.USE_TZ else moment

    return boundary


def date_hierarchy(cl):
    """The context of Django's date_hierarchy inclusion tag (same keys, same links), found by probes."""
    if not cl.date_hierarchy:
        return None
    field_name = cl.date_hierarchy
    is_datetime = isinstance(get_fields_from_path(cl.model, field_name)[-1], models.DateTimeField)
    boundary = _aware(is_datetime)
    year_field, month_field, day_field = (f"{field_name}__{part}" for part in ("year", "month", "day"))
    year_lookup, month_lookup, day_lookup = (cl.params.get(f) for f in (year_field, month_field, day_field))

    def link(filters):
        return cl.get_query_string(filters, [f"{field_name}__"])

    def bounds():
        found = cl.queryset.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        if not (found["first"] and found["last"]):
            return None, None
        if is_datetime:
            return tuple(timezone.localtime(v) if timezone.is_aware(v) else v for v in (found["first"], found["last"]))
        return found["first"], found["last"]

    # Nothing drilled into: Django's own first step, which starts one level down when every row falls in
    # one year (or one month). `first`/`last` then also narrow that level's candidates. bounds() gives
    # both or neither; the checks below test both so that type checkers know `last` is set too.
    first = last = None
    if not (year_lookup or month_lookup or day_lookup):
        first, last = bounds()
        if first and first.year == last.year:
            year_lookup = first.year
            if first.month == last.month:
                month_lookup = first.month

    if year_lookup and month_lookup and day_lookup:
        day = datetime.date(int(year_lookup), int(month_lookup), int(day_lookup))
        return {
            "show": True,
            "back": {"link": link({year_field: year_lookup, month_field: month_lookup}),
                     "title": capfirst(date_format(day, "YEAR_MONTH_FORMAT"))},
            "choices": [{"title": capfirst(date_format(day, "MONTH_DAY_FORMAT"))}],
        }
    if year_lookup and month_lookup:
        year, month = int(year_lookup), int(month_lookup)
        days = range(1, calendar.monthrange(year, month)[1] + 1)
        if first and last:  # every row is in this month: only the days between the first and the last
            days = range(first.day, last.day + 1)
        starts = [datetime.date(year, month, d) for d in days]
        ends = starts[-1] + datetime.timedelta(days=1)
        found = dates_with_rows(cl.queryset, field_name, [boundary(d) for d in [*starts, ends]])
        return {
            "show": True,
            "back": {"link": link({year_field: year_lookup}), "title": str(year_lookup)},
            "choices": [
                {"link": link({year_field: year_lookup, month_field: month_lookup, day_field: day.day}),
                 "title": capfirst(date_format(day, "MONTH_DAY_FORMAT"))}
                for day in _as_dates(found)
            ],
        }
    if year_lookup:
        year = int(year_lookup)
        months = range(first.month, last.month + 1) if first and last else range(1, 13)
        starts = [datetime.date(year, m, 1) for m in months]
        ends = datetime.date(year + 1, 1, 1) if starts[-1].month == 12 else datetime.date(year, starts[-1].month + 1, 1)
        found = dates_with_rows(cl.queryset, field_name, [boundary(d) for d in [*starts, ends]])
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {"link": link({year_field: year_lookup, month_field: month.month}),
                 "title": capfirst(date_format(month, "YEAR_MONTH_FORMAT"))}
                for month in _as_dates(found)
            ],
        }
    if first is None and (month_lookup or day_lookup):  # a month or day asked for without its year
        first, last = bounds()
    years = []
    if first and last:
        starts = [datetime.date(y, 1, 1) for y in range(first.year, last.year + 2)]
        years = _as_dates(dates_with_rows(cl.queryset, field_name, [boundary(d) for d in starts]))
    return {
        "show": True,
        "back": None,
        "choices": [{"link": link({year_field: str(year.year)}), "title": str(year.year)} for year in years],
    }


def _as_dates(values):
    return [v.date() if isinstance(v, datetime.datetime) else v for v in values]
