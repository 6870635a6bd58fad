"""put_text: strings become string cells, formula-like ones get the invisible quote prefix, nothing else changes."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from disclosures.xlsx_text import put_text


def round_trip(values):
    workbook = Workbook()
    for row, value in enumerate(values, start=1):
        put_text(workbook.active.cell(row=row, column=1), value)
    out = io.BytesIO()
    workbook.save(out)
    return [row[0] for row in load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(max_row=len(values))]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_formula_like_text_is_kept_as_typed(text):
    (cell,) = round_trip([text])
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_ordinary_text_has_no_prefix_and_none_stays_empty():
    text, empty = round_trip(["行政运行", None])
    assert (text.value, text.data_type, text.quotePrefix) == ("行政运行", "s", False)
    assert empty.value is None
