import datetime

import pytest
from django.core.exceptions import ValidationError

from fleet.validators import (
    normalise_plate, normalise_vin, validate_mileage, validate_year, vin_check_digit_matches,
)


def test_vin_is_stored_upper_case_without_spaces():
    assert normalise_vin(" jtdbt923 501234567 ") == "JTDBT923501234567"


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_vin_with_i_o_or_q_is_refused(letter):
    with pytest.raises(ValidationError) as error:
        normalise_vin("JTDBT9235012345" + letter + "7")
    assert letter in error.value.messages[0]


@pytest.mark.parametrize("vin", ["JTDBT92350123456", "JTDBT9235012345678"])
def test_vin_must_have_17_characters(vin):
    with pytest.raises(ValidationError):
        normalise_vin(vin)


def test_north_american_check_digit():
    assert vin_check_digit_matches("1M8GDM9AXKP042788")  # the textbook example: check digit X
    assert not vin_check_digit_matches("1M8GDM9A1KP042788")


@pytest.mark.parametrize("typed", ["kda123a", "KDA123A", "kda 123a", " KDA  123A ", "kda-123a"])
def test_plates_are_normalised_to_one_form(typed):
    assert normalise_plate(typed) == "KDA 123A"


def test_motorcycle_plate_keeps_its_four_letter_prefix():
    assert normalise_plate("kmea456b") == "KMEA 456B"


def test_empty_plate_is_none_and_spaces_alone_are_refused():
    assert normalise_plate("") is None
    with pytest.raises(ValidationError):
        normalise_plate("  ")


def test_year_runs_from_1900_to_next_year():
    next_year = datetime.date.today().year + 1
    validate_year(1900)
    validate_year(next_year)
    for bad in (1899, next_year + 1):
        with pytest.raises(ValidationError):
            validate_year(bad)


def test_mileage_never_negative():
    with pytest.raises(ValidationError):
        validate_mileage(-1)


def test_mileage_lower_than_last_needs_a_correction():
    with pytest.raises(ValidationError) as error:
        validate_mileage(90_000, previous=95_000)
    assert "95,000" in error.value.messages[0]
    validate_mileage(90_000, previous=95_000, correction=True)
    validate_mileage(95_001, previous=95_000)
