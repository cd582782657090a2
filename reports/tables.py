"""Report tables declared once, shown as HTML and downloaded as CSV from the same rows."""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.http import HttpResponse

MISSING = "–"  # an empty period's ratio: nothing to divide, so nothing to show
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, money, percent, signed_percent, days, month, week, date, row
    link: str | None = None  # a row key holding a URL for this cell


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list
    note: str = ""
    extra: dict = field(default_factory=dict)

    def html_rows(self):
        for row in self.rows:
            yield [
                (format_value(row.get(col.key), _kind(col, row)), row.get(col.link) if col.link else None)
                for col in self.columns
            ]

    def csv_response(self, *, filename):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow([csv_label(col) for col in self.columns])
        for row in self.rows:
            writer.writerow([csv_value(row.get(col.key), _kind(col, row)) for col in self.columns])
        return response


def _kind(column, row):
    # kind="row": a table of mixed figures (the overview) names each row's kind in row["kind"].
    return row["kind"] if column.kind == "row" else column.kind


def _round(value, places="0.1"):
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def format_value(value, kind):
    """How a figure reads on the page: thousands separated, "–" for an empty period's ratio."""
    if value is None:
        return MISSING
    if kind == "money":
        return f"{settings.CURRENCY} {_round(value, '1'):,}"
    if kind == "percent":
        return f"{_round(Decimal(value) * 100)} %"
    if kind == "signed_percent":
        return f"{_round(Decimal(value) * 100):+} %"
    if kind == "days":
        return f"{_round(value)} d"
    if kind == "int":
        return f"{value:,}"
    if kind == "month":
        return value.strftime("%b %Y")
    if kind == "week":
        return f"week of {value:%d %b %Y}"
    if kind == "date":
        return value.strftime("%d %b %Y")
    return str(value)


def csv_label(column):
    units = {"money": f" ({settings.CURRENCY})", "percent": " (%)", "signed_percent": " (%)", "days": " (days)"}
    return column.label + units.get(column.kind, "")


def csv_value(value, kind):
    """Plain numbers a spreadsheet can add up; an empty cell where the page shows "–"."""
    if value is None:
        return ""
    if kind == "money":
        return f"{_round(value, '0.01')}"
    if kind in ("percent", "signed_percent"):
        return f"{_round(Decimal(value) * 100)}"
    if kind == "days":
        return f"{_round(value)}"
    if kind == "month":
        return value.strftime("%Y-%m")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # A name typed as "=HYPERLINK(...)" must stay text when a manager opens the file.
        return "'" + value
    return value
