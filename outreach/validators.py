import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# NFKC leaves these dash-like characters alone; people type them in phone numbers.
_DASHES = str.maketrans({"ー": "-", "−": "-", "‐": "-", "―": "-", "–": "-", "—": "-"})


def normalise_phone(value):
    """Full-width digits and Japanese dashes to ASCII; refuse what is not a Japanese number.

    Fixed lines and 0120 are 10 digits, mobile, IP (050) and 0800 numbers 11.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value).translate(_DASHES).replace(" ", "")
    if not re.fullmatch(r"[0-9-]+", text):
        raise ValidationError(
            {"phone": _("電話番号は数字とハイフンで書いてください（例: 0952-25-7374）。")}
        )
    digits = text.replace("-", "")
    expected = 11 if re.match(r"0[5789]0|0800", digits) else 10
    if not digits.startswith("0") or len(digits) != expected:
        raise ValidationError(
            {"phone": _("電話番号の桁数が正しくありません（例: 0952-25-7374）。")}
        )
    return text
