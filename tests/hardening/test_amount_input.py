"""Amounts typed or uploaded with absurd sizes are refused with a Chinese message, never a 500.

`1e30` or a 5,000-digit number used to raise decimal.InvalidOperation inside `parse_amount`
(quantize beyond the context's 28 digits), which the import preview did not catch.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from disclosures.models import ExpenseLine
from disclosures.money import AmountError, parse_amount
from tests.disclosures.imports.helpers import EXPENSE_OK, filled_template

AMOUNT = "年初预算数（元）"


@pytest.mark.parametrize("value", ["1e30", 1e30, "9" * 5000, "1" + "0" * 14, "-1e30", "1E+100000", 1e300])
def test_huge_amounts_are_refused_in_chinese(value):
    with pytest.raises(AmountError) as error:
        parse_amount(value, allow_negative=True)
    assert re.search(r"[\u4e00-\u9fff]", str(error.value))
    assert len(str(error.value)) < 200, "the message must not quote 5,000 digits back"


def test_largest_amount_that_fits_the_column_is_accepted():
    assert parse_amount("99,999,999,999,999.99") == Decimal("99999999999999.99")


@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet="0123456789.eE+-,", max_size=6000),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**5000), max_value=10**5000),
        st.decimals(allow_nan=True, allow_infinity=True),
    )
)
def test_parse_amount_only_ever_returns_a_cent_amount_or_refuses(value):
    """Whatever arrives, the answer is an AmountError or a 2-place Decimal that fits max_digits=16."""
    try:
        number = parse_amount(value, allow_negative=True)
    except AmountError as error:
        assert str(error)
        return
    assert number == number.quantize(Decimal("0.01"))
    assert abs(number) < Decimal(10) ** 14


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1e30", "9" * 5000])
def test_upload_with_a_huge_amount_names_row_and_column(client, accountant, filing, amount):
    client.force_login(accountant)
    data = filled_template(filing, "expense", [{**EXPENSE_OK, AMOUNT: amount}]).getvalue()
    response = client.post(reverse("disclosures:filing_import", args=[filing.pk]), {"kind": "expense", "file": SimpleUploadedFile("支出.xlsx", data)})
    assert response.status_code == 200
    text = response.content.decode()
    assert "第3行" in text and f"“{AMOUNT}”" in text
    assert 'name="token"' not in text
    assert not ExpenseLine.objects.exists()
