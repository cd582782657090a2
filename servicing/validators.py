"""Checks on what staff type about a job; the lifecycle itself lives in lifecycle.py."""

from decimal import Decimal

from django.core.exceptions import ValidationError


def validate_cost(cost):
    if cost is None:
        return
    if cost < 0:
        raise ValidationError("A cost cannot be negative.", code="cost_negative")
    if cost != cost.quantize(Decimal("0.01")):
        raise ValidationError("A cost has at most two decimals (cents).", code="cost_decimals")
