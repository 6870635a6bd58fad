"""disclosures.money prints every percent: a percent (format_percent) and a fraction (format_fraction)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from disclosures.money import format_fraction, format_percent, percent


def test_a_percent_and_a_fraction_print_alike():
    assert format_percent(Decimal("57.6")) == "57.6%"
    assert format_fraction(Decimal("0.575929")) == "57.59%"  # seed 002's 执行率 (596.68 ÷ 1036.03)
    assert format_fraction(Decimal("0.005")) == "0.50%"
    assert format_fraction(Decimal("0.000050"), places=2) == "0.01%"  # half up, never banker's rounding
    assert format_percent(None) == format_fraction(None) == "—"


@given(part=st.decimals(min_value=0, max_value=10**9, places=2), whole=st.decimals(min_value=Decimal("0.01"), max_value=10**9, places=2))
def test_fraction_of_part_and_whole_prints_the_percent_of_them(part, whole):
    assert format_fraction(part / whole, places=1) == format_percent(percent(part, whole, places=1), places=1)
