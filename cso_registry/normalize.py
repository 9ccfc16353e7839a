"""Input normalisation and validation for CSO data, shared by forms, the admin and the import.

Normalise first (NFKC, trim, one format), validate second: ``\\d`` would accept full-width
digits, so the checks below match ``[0-9]`` only, after NFKC.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# NFKC leaves these as they are; in phone numbers and postal codes they mean a hyphen.
DASHES = "ー−‐‑‒–—―〜～ｰ﹣－"
DASH_TABLE = str.maketrans(dict.fromkeys(DASHES, "-"))
HIRAGANA_TO_KATAKANA = str.maketrans(
    {chr(code): chr(code + 0x60) for code in range(ord("ぁ"), ord("ゖ") + 1)}
    | {"ゝ": "ヽ", "ゞ": "ヾ"}
)
FURIGANA_RE = re.compile(r"[ァ-ヶー・ヽヾ　 ]+")
DIGITS_RE = re.compile(r"[0-9]+")

# Saga's area codes and a few well-known two-digit ones, for writing an unhyphenated number.
FOUR_DIGIT_AREA_CODES = ("0942", "0944", "0952", "0954", "0955", "0956")
TWO_DIGIT_AREA_CODES = ("03", "06")


def nfkc(value):
    """NFKC and trimmed; ``None`` becomes an empty string."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalize_furigana(value):
    """NFKC, hiragana to katakana, runs of spaces to one full-width space."""
    text = nfkc(value).translate(HIRAGANA_TO_KATAKANA)
    return re.sub(r"[ 　]+", "　", text)


def validate_furigana(value):
    if value and not FURIGANA_RE.fullmatch(value):
        raise ValidationError(
            _("ふりがなはカタカナで入力してください（ひらがなは自動でカタカナになります）。"),
            code="furigana",
        )


def corporate_number_check_digit(base):
    """The check digit of a 12-digit base number (国税庁の法人番号の計算式)."""
    total = sum(
        int(digit) * (1 if position % 2 else 2)
        for position, digit in enumerate(reversed(base), start=1)
    )
    return 9 - total % 9


def normalize_corporate_number(value):
    return re.sub(r"[\s-]", "", nfkc(value).translate(DASH_TABLE))


def validate_corporate_number(value):
    if not value:
        return
    if not DIGITS_RE.fullmatch(value):
        raise ValidationError(_("法人番号は数字13桁で入力してください。"), code="digits")
    if len(value) == 12:
        raise ValidationError(
            _(
                "12桁の番号は個人番号（マイナンバー）のおそれがあるため受け付けられません。"
                "法人番号は13桁です。"
            ),
            code="my_number",
        )
    if len(value) != 13:
        raise ValidationError(
            _("法人番号は13桁です（入力は%(length)d桁です）。"),
            code="length",
            params={"length": len(value)},
        )
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(
            _("法人番号の先頭の数字（チェックデジット）が合いません。番号を確かめてください。"),
            code="check_digit",
        )


def normalize_postal_code(value):
    """``〒８４０－８５７０`` → ``840-8570``; anything not seven digits is left for the validator."""
    text = nfkc(value).translate(DASH_TABLE).replace("〒", "")
    text = re.sub(r"[\s-]", "", text)
    if re.fullmatch(r"[0-9]{7}", text):
        return f"{text[:3]}-{text[3:]}"
    return text


def validate_postal_code(value):
    if value and not re.fullmatch(r"[0-9]{3}-[0-9]{4}", value):
        raise ValidationError(
            _("郵便番号は7桁の数字で入力してください（例: 840-8570）。"), code="postal_code"
        )


def expected_phone_length(digits):
    if digits.startswith(("070", "080", "090", "050", "0800")):
        return 11
    return 10


def normalize_phone(value):
    """One format: digits in groups joined by hyphens (0952-25-7374, 090-1234-5678).

    A grouping the person typed is kept (they know their area code); an unhyphenated
    number is grouped by its prefix.
    """
    text = nfkc(value).translate(DASH_TABLE)
    text = re.sub(r"[()（）]", "-", text)
    text = re.sub(r"\s", "", text).strip("-")
    text = re.sub(r"-+", "-", text)
    digits = text.replace("-", "")
    if not DIGITS_RE.fullmatch(digits or "x") or not digits.startswith("0"):
        return text
    if len(digits) != expected_phone_length(digits):
        return text
    if "-" in text and len(text.split("-")) == 3:
        return text
    if len(digits) == 11:
        groups = (4, 3, 4) if digits.startswith("0800") else (3, 4, 4)
    elif digits.startswith("0120"):
        groups = (4, 3, 3)
    elif digits.startswith(FOUR_DIGIT_AREA_CODES):
        groups = (4, 2, 4)
    elif digits.startswith(TWO_DIGIT_AREA_CODES):
        groups = (2, 4, 4)
    else:
        groups = (3, 3, 4)
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start : start + size])
        start += size
    return "-".join(parts)


def validate_phone(value):
    if not value:
        return
    digits = value.replace("-", "")
    if not DIGITS_RE.fullmatch(digits) or not digits.startswith("0"):
        raise ValidationError(
            _("電話番号は 0 から始まる数字で入力してください（例: 0952-25-7374）。"),
            code="phone",
        )
    expected = expected_phone_length(digits)
    if len(digits) != expected:
        raise ValidationError(
            _("この電話番号は%(expected)d桁のはずですが、%(length)d桁です。"),
            code="phone_length",
            params={"expected": expected, "length": len(digits)},
        )
    if not re.fullmatch(r"0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}", value):
        raise ValidationError(
            _("電話番号の区切りを確かめてください（例: 0952-25-7374）。"), code="phone_groups"
        )


def search_variants(keyword):
    """The keyword as typed (NFKC) and, for furigana, in katakana."""
    text = nfkc(keyword)
    return text, text.translate(HIRAGANA_TO_KATAKANA)
