"""Amounts typed in the line editor's unit: an entry cell shows the exact amount in 元 or 万元 and reading it
back gives the same 元 (a cell saved unchanged never rounds a figure); 万元 beyond the 分 is refused."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disclosures.money import AmountError, amount_input_text, parse_amount_in

cents = st.integers(min_value=0, max_value=10**16 - 1).map(lambda n: Decimal(n).scaleb(-2))


@given(amount=cents, unit=st.sampled_from(["wan", "yuan"]))
def test_cell_text_reads_back_to_the_same_amount(amount, unit):
    text = amount_input_text(amount, unit)
    assert "E" not in text and "e" not in text
    assert parse_amount_in(text, unit) == amount


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [
        ("3823120.00", "wan", "382.312"),
        ("123456.78", "wan", "12.345678"),
        ("100000000.00", "wan", "10,000.00"),
        ("0.00", "wan", "0.00"),
        ("1036.03", "yuan", "1,036.03"),
    ],
)
def test_cell_text(amount, unit, text):
    assert amount_input_text(Decimal(amount), unit) == text


def test_wan_beyond_the_fen_is_refused():
    with pytest.raises(AmountError, match="万元超过6位小数"):
        parse_amount_in("1.1234567", "wan")
    with pytest.raises(AmountError, match="金额不能为负数"):
        parse_amount_in("-1", "wan")
    assert parse_amount_in("1,382.312", "wan") == Decimal("13823120.00")
