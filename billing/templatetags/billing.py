"""Template filters for printed and portal documents (`{% load billing %}`)."""

from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..documents import day_first, qr_svg

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """12,500.00: two decimals and thousands separated, as a tax invoice writes KES amounts."""
    if amount is None:
        return ""
    return f"{Decimal(amount):,.2f}"


@register.filter
def dmy(value: object) -> str:
    return day_first(value) if value else ""


@register.filter
def qr(content: str) -> SafeString:
    # segno escapes nothing of ours into the SVG: it draws modules only, no text.
    return mark_safe(qr_svg(content)) if content else mark_safe("")
