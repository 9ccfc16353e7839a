import pytest
from django.core.exceptions import ValidationError

from cso_registry.normalize import (
    corporate_number_check_digit,
    normalize_corporate_number,
    normalize_furigana,
    normalize_phone,
    normalize_postal_code,
    validate_corporate_number,
    validate_furigana,
    validate_phone,
    validate_postal_code,
)


@pytest.mark.parametrize("number", ["7123456789012", "4011001098993", "8000020130001"])
def test_corporate_numbers_with_a_correct_check_digit_are_accepted(number):
    assert corporate_number_check_digit(number[1:]) == int(number[0])
    validate_corporate_number(number)


def test_corporate_number_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_corporate_number("6123456789012")
    assert error.value.code == "check_digit"
    assert "チェックデジット" in error.value.messages[0]


def test_twelve_digit_number_is_refused_as_a_possible_my_number():
    with pytest.raises(ValidationError) as error:
        validate_corporate_number("123456789012")
    assert error.value.code == "my_number"
    assert "個人番号" in error.value.messages[0]


@pytest.mark.parametrize("value", ["71234567890", "71234567890123", "712345678901a"])
def test_corporate_number_of_the_wrong_shape_is_refused(value):
    with pytest.raises(ValidationError):
        validate_corporate_number(value)


def test_full_width_corporate_number_with_hyphens_is_normalised():
    assert normalize_corporate_number(" ７１２３－４５６７－８９０１２ ") == "7123456789012"


def test_hiragana_furigana_becomes_katakana_and_then_validates():
    furigana = normalize_furigana(" さがの　こどもしょくどう ")
    assert furigana == "サガノ　コドモショクドウ"
    validate_furigana(furigana)


@pytest.mark.parametrize("value", ["佐賀の会", "SAGA", "サガ1"])
def test_furigana_with_kanji_latin_or_digits_is_refused(value):
    with pytest.raises(ValidationError):
        validate_furigana(normalize_furigana(value))


def test_half_width_katakana_becomes_full_width():
    assert normalize_furigana("ｻｶﾞｼ") == "サガシ"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("〒８４０－８５７０", "840-8570"),
        ("8408570", "840-8570"),
        ("840ー8570", "840-8570"),
        ("840−8570", "840-8570"),
    ],
)
def test_postal_codes_end_up_in_one_format(typed, stored):
    assert normalize_postal_code(typed) == stored
    validate_postal_code(stored)


def test_postal_code_with_six_digits_is_refused():
    with pytest.raises(ValidationError):
        validate_postal_code(normalize_postal_code("840857"))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("０９５２－２５－７３７４", "0952-25-7374"),
        ("0952257374", "0952-25-7374"),
        ("0952(25)7374", "0952-25-7374"),
        ("09012345678", "090-1234-5678"),
        ("0120123456", "0120-123-456"),
        ("0312345678", "03-1234-5678"),
        ("0942‐83‐1111", "0942-83-1111"),
    ],
)
def test_phone_numbers_end_up_in_one_format(typed, stored):
    assert normalize_phone(typed) == stored
    validate_phone(stored)


@pytest.mark.parametrize("typed", ["095225737", "090123456789", "952-25-7374", "電話なし"])
def test_phone_numbers_of_the_wrong_length_or_shape_are_refused(typed):
    with pytest.raises(ValidationError):
        validate_phone(normalize_phone(typed))
