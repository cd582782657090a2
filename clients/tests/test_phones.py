import pytest
from django.core.exceptions import ValidationError

from clients.phones import format_phone_for_display, normalise_phone


@pytest.mark.parametrize(
    "typed",
    ["0712 345 678", "0712345678", "+254712345678", "+254 712 345 678", "254712345678", "712345678",
     "0712-345-678", "(0712) 345 678"],
)
def test_every_usual_way_of_typing_a_kenyan_mobile_gives_one_e164(typed):
    assert normalise_phone(typed) == "+254712345678"


def test_airtel_and_new_011_numbers_are_kenyan_too():
    assert normalise_phone("0733 123 456") == "+254733123456"
    assert normalise_phone("0110 123 456") == "+254110123456"


def test_a_foreign_number_keeps_its_own_country():
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("typed", ["12345", "0712 345", "Wanjiru", "0999 999 999", "+254 712 345 678 999"])
def test_impossible_numbers_are_refused_with_a_message(typed):
    with pytest.raises(ValidationError) as error:
        normalise_phone(typed)
    assert "valid phone number" in error.value.messages[0]


def test_display_form_is_international():
    assert format_phone_for_display("+254712345678") == "+254 712 345678"
