"""Number formatting and rounding shared by the scoring rules: scores 2 places ROUND_HALF_UP, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from disclosures.money import format_number

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ONE = Decimal("1")
ZERO = Decimal("0")


def q2(value: Decimal) -> Decimal:
    """A score: 2 decimal places, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def num(value: Decimal | None) -> str:
    """A value as people write it: 95.0000 → '95', 0.5000 → '0.5', 1036.03 → '1036.03'."""
    return format_number(value)


def with_unit(value: Decimal | None, unit: str) -> str:
    unit = (unit or "").strip()
    return f"{num(value)}{unit}" if unit else num(value)


def score_text(value: Decimal) -> str:
    return f"{q2(value):.2f}"
