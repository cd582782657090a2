from decimal import Decimal

import factory

from billing.models import TAX_RATES, EstimateLine, LineKind, PriceListItem, TaxCategory
from servicing.models import ServiceType
from servicing.tests.factories import ServiceFactory


class PriceListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListItem

    service_type = factory.LazyFunction(lambda: ServiceType.objects.get_or_create(name="Oil Change")[0])
    kind = LineKind.PART
    description = "Oil filter"
    part_number = "OF-1001"
    unit_price = Decimal("850.00")
    unit_cost = Decimal("520.00")
    tax_category = TaxCategory.VAT16


class EstimateLineFactory(factory.django.DjangoModelFactory):
    """A line as typed by staff; tests of the services add lines through billing.services instead."""

    class Meta:
        model = EstimateLine

    service = factory.SubFactory(ServiceFactory)
    kind = LineKind.PART
    description = "Engine oil 5W-30, litre"
    quantity = Decimal("4")
    unit_price = Decimal("1100.00")
    tax_category = TaxCategory.VAT16
    tax_rate = factory.LazyAttribute(lambda line: TAX_RATES[TaxCategory(line.tax_category)])
