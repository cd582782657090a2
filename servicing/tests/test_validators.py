from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from servicing.validators import validate_cost


def test_cost_zero_and_cents_are_fine():
    validate_cost(Decimal("0"))
    validate_cost(Decimal("4500.50"))


@pytest.mark.parametrize("cost", [Decimal("-0.01"), Decimal("10.555")])
def test_negative_cost_or_more_than_two_decimals_is_refused(cost):
    with pytest.raises(ValidationError):
        validate_cost(cost)
