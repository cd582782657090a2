from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.models import EstimateLine, LineKind, TaxCategory

from .factories import EstimateLineFactory

pytestmark = pytest.mark.django_db


def test_line_amounts_are_computed_by_the_database_rounded_half_up_per_line():
    # Worked by hand (prices include VAT): 0.25 h x 1,234.50 = 308.625 -> 308.63; its VAT at 16 % is
    # 308.63 x 16 / 116 = 42.5696... -> 42.57; net 308.63 - 42.57 = 266.06.
    line = EstimateLineFactory(kind=LineKind.LABOUR, quantity=Decimal("0.25"), unit_price=Decimal("1234.50"))
    line.refresh_from_db()
    assert (line.net_amount, line.tax_amount, line.total_amount) == (Decimal("266.06"), Decimal("42.57"), Decimal("308.63"))


def test_a_discount_larger_than_the_line_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        EstimateLineFactory(quantity=Decimal("1"), unit_price=Decimal("100.00"), discount=Decimal("100.01"))


def test_an_exempt_line_cannot_carry_a_rate():
    with pytest.raises(IntegrityError), transaction.atomic():
        EstimateLineFactory(tax_category=TaxCategory.EXEMPT, tax_rate=Decimal("16.00"))
    assert not EstimateLine.objects.exists()
