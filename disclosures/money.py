"""Money and percentage arithmetic as published: amounts in 元 (Decimal, 2 places), shown in the filing's unit.

A filing publishes in 万元 (the default) or in 元 (`Filing.amount_unit`, an `AmountUnit`). Every published
figure goes through `in_unit` / `format_amount`; `to_wan` / `format_wan` are those for 万元.
Never float. Excel cells arrive as floats: `parse_amount` goes through str and refuses float noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal("10000")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def yuan(value) -> Decimal:
    """An amount in 元, quantized to 0.01 (half up)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class AmountUnit(models.TextChoices):
    """The unit a filing publishes its tables and text in."""

    WAN = "wan", "万元"
    YUAN = "yuan", "元"


_DIVISORS = {AmountUnit.WAN: TEN_THOUSAND, AmountUnit.YUAN: Decimal(1)}


def in_unit(amount: Decimal | None, unit: str = AmountUnit.WAN) -> Decimal:
    """元 → the unit (万元 or 元) with 2 decimals, half up, as published."""
    if amount is None:
        return ZERO
    # a unit's value finds its divisor without building the enum member (tables call this for every cell)
    divisor = _DIVISORS.get(unit) or _DIVISORS[AmountUnit(unit)]
    return (Decimal(amount) / divisor).quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal | None, unit: str = AmountUnit.WAN) -> str:
    """The printed figure: '382.31' in 万元 (no separator, as the texts print it); '145,950.50' in 元
    (thousands separated, as tables and texts in 元 print it)."""
    return format_printed(in_unit(amount, unit), unit)


def format_printed(value: Decimal, unit: str = AmountUnit.WAN) -> str:
    """A figure already in the unit (e.g. the difference of two printed figures), formatted as `format_amount` does."""
    # compared as strings, without building the enum member (every amount cell of every table prints here)
    if unit == AmountUnit.YUAN:
        return f"{value:,.2f}"
    if unit != AmountUnit.WAN:
        AmountUnit(unit)  # not a unit: refused with the enum's ValueError
    return f"{value:.2f}"


def format_number(value, *, places: int | None = None, grouping: bool = False) -> str:
    """A number in positional notation, never an exponent: Decimal('1E+2') → '100'.

    `places` rounds half up to that many decimals (3823120 → '3823120.00'); None keeps the significant ones
    (95.0000 → '95', 0.50 → '0.5'). `grouping` separates thousands ('3,823,120.00'). Ints, Decimals and
    numeric strings are accepted (floats through str); '—' for None or ''; a minus zero prints as zero.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if places is None:
        places = _significant_places(number)
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number.is_zero():
        number = abs(number)
    return format(number, f"{',' if grouping else ''}.{places}f")


def _significant_places(number: Decimal) -> int:
    """Decimals of a number without its trailing zeros (not Decimal.normalize, which also rounds to 28 digits)."""
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if number.is_zero():
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing)


def format_figure(amount: Decimal | None, unit: str = AmountUnit.WAN) -> str:
    """An amount in 元 as a page, the admin, the API's display fields or a form show it: in the unit, two
    decimals, thousands separated ('382.31', '3,823,120.00'); '—' when unknown. (The published texts in
    万元 print without separators: format_amount.)"""
    if amount is None:
        return "—"
    return format_number(in_unit(amount, unit), places=2, grouping=True)


QUALITATIVE = ("定性", "qualitative", "")


def format_indicator(*, comparator: str, value=None, text: str = "", unit: str = "") -> str:
    """A performance indicator's value as published: '≥95%', '=100%', '≤40万元', or the qualitative text.

    `comparator` is the printed symbol ('≥'; '定性' or '' for none); `value` the number (Decimal, or the
    string a snapshot stores, '1E+2' included), else `text`. A text that already carries the comparator or
    the unit ('≥90%') does not get them twice, and words ('较上年提高') get neither; a numeric text prints
    like a number."""
    comparator = (comparator or "").strip()
    unit = (unit or "").strip()
    text = (text or "").strip()
    body = _plain_or_text(value) if value not in (None, "") else _plain_or_text(text)
    if not body:
        return "—"
    if comparator in QUALITATIVE:
        return body
    if body[0].isdigit() or body[0] in "-.":
        body = comparator + body
    if unit and body[-1].isdigit():
        body += unit
    return body


def _plain_or_text(value) -> str:
    """A number (or a numeric string such as '1E+2') in plain notation; any other text as it is."""
    if isinstance(value, (int, Decimal)):
        return format_number(value)
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format_number(number) if number.is_finite() else text


def unit_label(unit: str) -> str:
    """'万元' or '元'."""
    return AmountUnit(unit).label


def to_wan(amount: Decimal | None) -> Decimal:
    """元 → 万元 with 2 decimals, as the published tables show."""
    return in_unit(amount, AmountUnit.WAN)


def from_wan(amount) -> Decimal:
    """万元 (as printed in a document) → 元."""
    return yuan(Decimal(str(amount)) * TEN_THOUSAND)


def format_wan(amount: Decimal | None) -> str:
    """'382.31' — the 万元 figure with two decimals and no thousands separator, as the texts print it."""
    return format_amount(amount, AmountUnit.WAN)


def format_wan_short(amount: Decimal | None) -> str:
    """'64.9', '2', '0.4' — the 万元 figure without trailing zeros, as some texts print it."""
    text = f"{to_wan(amount):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def percent(part: Decimal, whole: Decimal, places: int = 1) -> Decimal | None:
    """part / whole in %, ROUND_HALF_UP to `places`; None when the whole is zero."""
    if not whole:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None, places: int = 1) -> str:
    """A percent as printed: 57.6 → '57.6%'; '—' when unknown. For a fraction (0.576) use format_fraction."""
    if value is None:
        return "—"
    return f"{format_number(value, places=places)}%"


def format_fraction(fraction: Decimal | None, places: int = 2) -> str:
    """A fraction as a percent, ROUND_HALF_UP: 0.575929 → '57.59%'; '—' when unknown (scores, execution rates)."""
    if fraction is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return format_percent((Decimal(fraction) * HUNDRED).quantize(quantum, rounding=ROUND_HALF_UP), places)


def largest_remainder_percentages(values: Sequence[Decimal], places: int = 1) -> list[Decimal]:
    """Shares of a whole in %, rounded so that they add up to exactly 100 (largest-remainder method).

    Zeros stay zero; an all-zero input gives all zeros.
    """
    total = sum((Decimal(v) for v in values), Decimal(0))
    if not total:
        return [Decimal(0).quantize(Decimal(1).scaleb(-places)) for _ in values]
    quantum = Decimal(1).scaleb(-places)
    exact = [Decimal(v) * HUNDRED / total for v in values]
    floored = [e.quantize(quantum, rounding=ROUND_DOWN) for e in exact]
    missing = int(((HUNDRED - sum(floored)) / quantum).to_integral_value(rounding=ROUND_HALF_UP))
    order = sorted(range(len(values)), key=lambda i: (exact[i] - floored[i], exact[i]), reverse=True)
    for i in order[:missing]:
        floored[i] += quantum
    return floored


class AmountError(ValueError):
    """A cell that is not a valid amount; the message is Chinese and meant for the user."""


#: Amounts are stored as DecimalField(max_digits=16, decimal_places=2): at most 14 digits before the point.
AMOUNT_MAX_INTEGER_DIGITS = 14
#: Longer text is refused before Decimal() sees it (a 5,000-digit number costs time and memory for nothing).
AMOUNT_MAX_TEXT_LENGTH = 40


def parse_amount(value, *, allow_negative: bool = False) -> Decimal:
    """Read an amount from a cell or a form: '1,036.03', 1036.03 (float) or Decimal → Decimal('1036.03').

    A float that is not exactly a 2-decimal number after going through str (e.g. 0.1 + 0.2) is refused
    rather than rounded silently.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ZERO
    if isinstance(value, bool):
        raise AmountError("金额应为数字")
    if isinstance(value, int) and abs(value) >= 10**AMOUNT_MAX_INTEGER_DIGITS:  # before str(): huge ints refuse conversion
        raise AmountError(f"金额过大：最多{AMOUNT_MAX_INTEGER_DIGITS}位整数（不超过 99,999,999,999,999.99 元）")
    text = str(value).strip().replace(",", "").replace("，", "")
    if text.startswith("="):
        raise AmountError("金额不能是公式，请填写数值")
    if len(text) > AMOUNT_MAX_TEXT_LENGTH:
        raise AmountError(f"金额过长（{len(text)}个字符），最多{AMOUNT_MAX_INTEGER_DIGITS}位整数、2位小数")
    if isinstance(value, str) and ("e" in text or "E" in text):
        raise AmountError(f"“{value}”不是有效的金额：请直接填写数字，不要用科学计数法")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise AmountError(f"“{value}”不是有效的金额") from None
    if not number.is_finite():
        raise AmountError(f"“{value}”不是有效的金额")
    if number.adjusted() >= AMOUNT_MAX_INTEGER_DIGITS:
        raise AmountError(f"金额“{value}”过大：最多{AMOUNT_MAX_INTEGER_DIGITS}位整数（不超过 99,999,999,999,999.99 元）")
    cents = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if number != cents:
        raise AmountError(f"金额“{value}”超过两位小数")
    if number < 0 and not allow_negative:
        raise AmountError("金额不能为负数")
    return cents  # equal to the number, so whatever the rounding its quantization is this one


#: 万元 typed with up to six decimals is an exact amount in 元 (two decimals).
WAN_MAX_DECIMALS = 6


def parse_amount_in(value, unit: str = AmountUnit.YUAN) -> Decimal:
    """Read an amount typed in the unit (元 or 万元) → Decimal 元 with two places.

    '382.312' in 万元 is 3,823,120.00 元; a 万元 figure with more than six decimals is not a whole number of
    分 and is refused (never rounded silently). Separators ('1,036.03') are accepted as in `parse_amount`.
    """
    if unit not in _DIVISORS:
        unit = AmountUnit(unit)  # ValueError for a unit that is neither (an upload reads every amount: no enum built then)
    if unit == AmountUnit.YUAN or value is None or (isinstance(value, str) and not value.strip()):
        return parse_amount(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if len(text) > AMOUNT_MAX_TEXT_LENGTH or (isinstance(value, str) and "e" in text.lower()):
        return parse_amount(value)  # refused there, with its message
    try:
        number = Decimal(text)
    except InvalidOperation:
        return parse_amount(value)
    if not number.is_finite():
        return parse_amount(value)
    in_yuan = number * TEN_THOUSAND
    if in_yuan != in_yuan.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError(f"金额“{value}”万元超过{WAN_MAX_DECIMALS}位小数（折合元后最多两位小数）")
    return parse_amount(in_yuan.quantize(CENT))


def amount_input_text(amount: Decimal | None, unit: str = AmountUnit.YUAN) -> str:
    """An amount as an entry cell shows it in the unit: thousands separated and exact ('382.312' 万元 for
    3,823,120.00 元, never rounded to 382.31), so saving the cell unchanged stores the same 元."""
    if amount is None:
        return ""
    value = Decimal(amount) / _DIVISORS[AmountUnit(unit)]
    return format_number(value, places=max(2, _significant_places(value)), grouping=True)
