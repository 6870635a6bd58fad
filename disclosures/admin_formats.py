"""The admin's export formats (django-import-export) with no cell that can become a formula.

django-import-export's own escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) removes one leading "="
only, so "==HYPERLINK(...)" still exported as a live formula, and it leaves "+ - @" alone and turns every
value into text. Here xlsx cells are written through disclosures.xlsx_text.put_text (string cells with
the quote prefix; numbers stay numbers) and CSV text through csv_text (a leading apostrophe, as OWASP
advises for = + - @ tab CR). Every ModelAdmin with ExportMixin sets `formats = SAFE_FORMATS`
(tests/hardening/test_export_formulas.py checks that no registered admin exports with another format).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import tablib
from import_export.formats import base_formats
from openpyxl import Workbook

from disclosures.xlsx_text import csv_text, put_text


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (dataset.title or "导出")[:31]
        if dataset.headers:
            sheet.append([None] * len(dataset.headers))
            for column, header in enumerate(dataset.headers, start=1):
                put_text(sheet.cell(row=1, column=column), str(header))
        for row in dataset:
            row_number = sheet.max_row + 1 if (dataset.headers or sheet.max_row > 1 or sheet["A1"].value is not None) else 1
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                if value is None or isinstance(value, (bool, int, float, Decimal, datetime.date, datetime.datetime, datetime.time)):
                    cell.value = value
                else:
                    put_text(cell, str(value))
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=[csv_text(str(h)) for h in dataset.headers] if dataset.headers else None)
        for row in dataset:
            safe.append([csv_text(value) if isinstance(value, str) else value for value in row])
        return super().export_data(safe, **kwargs)


SAFE_FORMATS = [SafeXLSX, SafeCSV]
# The admin gives binary formats native values (Decimal amounts stay numbers); it decides by this list.
if SafeXLSX not in base_formats.BINARY_FORMATS:
    base_formats.BINARY_FORMATS.append(SafeXLSX)
