"""Registry codes of both countries, with their check digits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnership.organisations import registry


@pytest.mark.parametrize("code", [
    "14360570",   # PrivatBank
    "00032129",   # Oschadbank
    "00012925",   # a ministry code of the 000xxxxx range
    "21560045",   # Ukrposhta
    "31316718",   # Nova Poshta: the 30,000,000-60,000,000 range with the other weights
])
def test_known_valid_edrpou(code):
    assert registry.is_valid_edrpou(code)
    assert registry.is_valid("UA", code)


@pytest.mark.parametrize("code", ["14360571", "1436057", "143605700", "1436057a", "",
                                  "31316719", "00000001"])
def test_invalid_edrpou(code):
    assert not registry.is_valid_edrpou(code)


@pytest.mark.parametrize("code", ["971240001315", "940140000385"])  # Kaspi Bank, Halyk Bank
def test_known_valid_bin(code):
    assert registry.is_valid_bin(code)
    assert registry.is_valid("KZ", code)


@pytest.mark.parametrize("code", [
    "971240001314",   # wrong check digit
    "971340001315",   # month 13
    "971210001315",   # type digit 1: a person's IIN, not an organisation
    "97124000131",    # 11 digits
    "9712400013155",  # 13 digits
    "97124000131x",
])
def test_invalid_bin(code):
    assert not registry.is_valid_bin(code)


def test_a_code_of_one_country_is_not_valid_for_the_other():
    assert not registry.is_valid("KZ", "14360570")
    assert not registry.is_valid("UA", "971240001315")


def test_people_type_spaces_and_dashes():
    assert registry.normalise(" 971 240 001-315 ") == "971240001315"


@given(st.integers(min_value=0, max_value=9_999_999))
def test_every_edrpou_prefix_has_exactly_one_check_digit(prefix):
    first = f"{prefix:07d}"
    valid = [d for d in range(10) if registry.is_valid_edrpou(first + str(d))]
    assert valid == [registry.edrpou_check_digit(first)]


@given(st.integers(0, 99), st.integers(1, 12), st.sampled_from("456"),
       st.integers(0, 999_999))
def test_every_bin_prefix_has_at_most_one_check_digit(year, month, kind, serial):
    first = f"{year:02d}{month:02d}{kind}{serial:06d}"
    valid = [d for d in range(10) if registry.is_valid_bin(first + str(d))]
    expected = registry.bin_check_digit(first)
    assert valid == ([] if expected is None else [expected])
