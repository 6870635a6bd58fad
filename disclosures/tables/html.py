"""HTML of one table (the partial the public site reuses) and of the whole disclosure (tables and text).

A table's markup is built here in Python, not by a template: a large filing's tables are thousands of
cells, and the template engine's loops and conditions for each of them were most of the document's HTML
time. Every text is escaped (`escape`: & < > " ' as the template's autoescape does), so the markup is
byte for byte what templates/disclosures/tables/table.html wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from disclosures.models import Filing
from disclosures.narrative.phrases import chinese_number

from .result import ResultCell, ResultRow, TableResult

DOCUMENT_TEMPLATE = "disclosures/documents/disclosure.html"


@dataclass
class NumberedSection:
    number: str
    key: str
    title: str
    paragraphs: list[str]


def _ordinal(n: int) -> str:
    """一、二、… as the 说明 numbers its sections (the narrative owns the numerals)."""
    return chinese_number(n)


def _span(name: str, value: int) -> str:
    return f' {name}="{value}"' if value > 1 else ""


def _body_cell(cell: ResultCell, row: ResultRow) -> str:
    if cell.is_amount:
        classes = "num"
    else:
        classes = "text"
        if cell.colspan > 1 or row.kind == "total" or cell.centre:
            classes += " centre"
        if cell.indent:
            classes += f" indent-{cell.indent}"
    if cell.bold and row.kind == "item":
        classes += " bold"
    return f'<td{_span("colspan", cell.colspan)} class="{classes}">{escape(cell.display)}</td>'


def render_table_html(table: TableResult) -> SafeString:
    """One disclosure table with its merged multi-level header (then its notes); amounts in the table's unit."""
    parts = [
        f'\n<table class="data disclosure-table" id="table-{escape(table.key)}">\n  <caption>\n'
        f'    <span class="table-title">{escape(table.full_title)}</span>\n'
        f'    <span class="table-meta"><span>编制单位：{escape(table.department_name)}</span><span>{escape(table.unit_line)}</span></span>\n'
        "  </caption>\n  <thead>\n    "
    ]
    for header_row in table.header_rows:
        cells = "".join(f'<th scope="col"{_span("colspan", h.colspan)}{_span("rowspan", h.rowspan)}>{escape(h.label)}</th>' for h in header_row)
        parts.append(f"<tr>{cells}</tr>\n    ")
    parts.append("\n  </thead>\n  <tbody>\n    ")
    for row in table.rows:
        cells = "".join(_body_cell(cell, row) for cell in row.cells if not cell.covered)
        parts.append(f'<tr class="{escape(row.kind)}">{cells}</tr>\n    ')
    parts.append("\n  </tbody>\n</table>\n")
    if table.empty:
        parts.append(f'<p class="table-note empty-note">{escape(table.note)}</p>\n')
    parts += [f'<p class="table-note">{escape(note)}</p>\n' for note in table.footnotes]
    parts.append("\n")
    return mark_safe("".join(parts))  # every text above is escaped


def document_title(filing: Filing) -> str:
    return f"{filing.department.name}{filing.fiscal_year.year}年{filing.get_kind_display()}公开"


def render_document_html(*, filing: Filing, tables: Sequence[TableResult], sections: Sequence = (), parts: Sequence = ()) -> str:
    """The whole disclosure as one standalone HTML page: the 说明 sections, every table on its own page,
    then the parts other apps contribute (disclosures.parts: the performance forms), a form a page."""
    numbered = [NumberedSection(_ordinal(i), s.key, s.title, list(s.paragraphs)) for i, s in enumerate(sections, start=1)]
    return render_to_string(
        DOCUMENT_TEMPLATE,
        {
            "title": document_title(filing),
            "kind_label": filing.get_kind_display(),
            "sections": numbered,
            "tables": [(table, render_table_html(table)) for table in tables],
            "parts": parts,
            "draft": is_draft_document(filing),
        },
    )


def is_draft_document(filing: Filing) -> bool:
    """A document of a filing the bureau has not approved carries a 草稿 watermark on every page."""
    return filing.status not in (Filing.Status.APPROVED, Filing.Status.PUBLISHED)
