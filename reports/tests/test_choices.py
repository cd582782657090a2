import pytest

from reports.selectors.choices import service_field_values
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_filter_choices_are_each_technician_once_in_order_without_blanks():
    for name in ("Peter Kamau", "Mary Atieno", "Peter Kamau", "", None, "John Otieno"):
        ServiceFactory(technician=name)
    assert service_field_values(field="technician") == ["John Otieno", "Mary Atieno", "Peter Kamau"]


def test_filter_choices_of_an_empty_shop_are_empty():
    assert service_field_values(field="service_type") == []
