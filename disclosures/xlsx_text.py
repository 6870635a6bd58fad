"""Writing text into xlsx cells so that no spreadsheet program ever evaluates it.

Names people type ("=1+1", "@SUM(A1)", "+86 …", "-1+2") must reach the reader exactly as typed and
must never run as a formula. `put_text` stores every string as a string cell (openpyxl would
otherwise turn a leading "=" into a formula) and, for text that starts like a formula, sets the
cell style's quotePrefix — Excel's invisible apostrophe — so the value also stays text when someone
edits the cell. The visible text is not changed. `csv_text` is the same rule for CSV, which has no
cell types: such text gets a visible leading apostrophe.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeVar

from openpyxl.cell.cell import Cell

if TYPE_CHECKING:
    from disclosures.xlsx_styles import SheetCell

AnyCell = TypeVar("AnyCell", Cell, "SheetCell")

#: Leading characters Excel or LibreOffice may read as the start of a formula (tab and CR as in CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def csv_text(value: str) -> str:
    """A CSV cell that no spreadsheet evaluates (OWASP CSV injection): text starting with = + - @ tab or CR
    gets a leading apostrophe. A plain number ("-5.00") is left alone: it cannot be a formula."""
    if looks_like_formula(value) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def put_text(cell: AnyCell, value: str | None) -> AnyCell:
    """Write `value` (None leaves the cell empty) as a string cell that is never a formula; returns the cell."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell
