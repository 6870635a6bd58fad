"""HTML of one table (the partial the public site reuses) and of the whole disclosure (tables and text).

A table's markup is built here in Python, not by a template: a large filing's tables are thousands of
cells, and the template engine's loops and conditions for each of them were most of the document's HTML
time. Every text is escaped (`escape`: & < > " ' as the template's autoescape does), so the markup is
byte for byte what templates/disclosures/tables/table.html wrote.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from disclosures.models import Filing
from disclosures.money import format_amount
from disclosures.narrative.phrases import chinese_number
from disclosures.parts.html import grid_html

from .result import ResultRow, TableResult

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


@functools.cache
def _body_td(colspan: int, classes: str) -> str:
    """A body cell's opening tag (a handful of distinct ones: built once per process)."""
    return f'<td{_span("colspan", colspan)} class="{classes}">'


@functools.cache
def _text_classes(centre: bool, indent: int, bold: bool) -> str:
    classes = "text centre" if centre else "text"
    if indent:
        classes += f" indent-{indent}"
    return classes + " bold" if bold else classes


class PrintedTexts:
    """The texts of a document's tables escaped, and its amounts printed, once each (a figure or a name recurs
    from table to table): by text, and by amount and unit. A printed figure (digits, separators, point, sign) has
    nothing to escape."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.amounts: dict[tuple, str] = {}


def _body_cells(row: ResultRow, printed: PrintedTexts) -> str:
    """A body row's cells but those covered by a span."""
    escaped, printed_amounts = printed.texts, printed.amounts
    parts = []
    item, total = row.kind == "item", row.kind == "total"
    for cell in row.cells:
        colspan = cell.colspan
        if colspan == 0:
            continue
        bold = cell.bold and item
        amount = cell.amount
        if amount is not None:
            key = (amount, cell.unit) if amount else (amount, cell.unit, amount.is_signed())  # "-0.00" is not "0.00"
            figure = printed_amounts.get(key)
            if figure is None:
                figure = printed_amounts[key] = format_amount(amount, cell.unit)
            parts.append(f"{_body_td(colspan, 'num bold' if bold else 'num')}{figure}</td>")
        else:
            text = cell.text
            found = escaped.get(text)
            if found is None:
                found = escaped[text] = escape(text)
            classes = _text_classes(colspan > 1 or total or cell.centre, cell.indent, bold)
            parts.append(f"{_body_td(colspan, classes)}{found}</td>")
    return "".join(parts)


def render_table_html(table: TableResult, printed: PrintedTexts | None = None) -> SafeString:
    """One disclosure table with its merged multi-level header (then its notes); amounts in the table's unit.
    `printed`: shared by the tables of one document."""
    printed = PrintedTexts() if printed is None else printed
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
        parts.append(f'<tr class="{escape(row.kind)}">{_body_cells(row, printed)}</tr>\n    ')
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
    then the parts other apps contribute (disclosures.parts: the performance forms), a form a page.

    The template writes the page's head and frame; its three runs of pages are built here (`_sections_html`,
    `_tables_html`, `_parts_html`) with the markup, spacing and escaping (`conditional_escape`, as autoescape)
    its loops wrote, without the engine's per-node work for each page, paragraph and form."""
    kind_label = filing.get_kind_display()
    numbered = [NumberedSection(_ordinal(i), s.key, s.title, list(s.paragraphs)) for i, s in enumerate(sections, start=1)]
    return render_to_string(
        DOCUMENT_TEMPLATE,
        {
            "title": document_title(filing),
            "sections_html": _sections_html(numbered, kind_label),
            "tables_html": _tables_html(tables, kind_label, bool(numbered)),
            "parts_html": _parts_html(parts),
            "draft": is_draft_document(filing),
        },
    )


def _paragraphs(paragraphs: Sequence[str]) -> str:
    return "".join(f"<p>{conditional_escape(paragraph)}</p>\n    " for paragraph in paragraphs)


def _sections_html(sections: list[NumberedSection], kind_label: str) -> SafeString:
    """第一部分: the 说明, a section each (nothing without sections)."""
    if not sections:
        return mark_safe("")
    parts = [f'\n  <div class="part">第一部分 {conditional_escape(kind_label)}情况说明</div>\n  ']
    parts += [
        f'\n  <section class="text-section" id="section-{conditional_escape(section.key)}">\n'
        f"    <h2>{conditional_escape(section.number)}、{conditional_escape(section.title)}</h2>\n"
        f"    {_paragraphs(section.paragraphs)}\n  </section>\n  "
        for section in sections
    ]
    parts.append("\n  ")
    return mark_safe("".join(parts))  # every text above is escaped


def _tables_html(tables: Sequence[TableResult], kind_label: str, numbered: bool) -> SafeString:
    """The 公开表, a table a page (a page of A3 for a table of more than 16 columns); `numbered`: 第二部分 after a 说明."""
    printed = PrintedTexts()
    heading = f'<div class="part">{"第二部分 " if numbered else ""}{conditional_escape(kind_label)}公开表</div>'
    return mark_safe(  # every text is escaped
        "".join(
            f'\n  <section class="table-page{" wide" if table.column_count > 16 else ""}">\n'
            f"    {heading if n == 0 else ''}\n    {render_table_html(table, printed)}\n  </section>\n  "
            for n, table in enumerate(tables)
        )
    )


def _parts_html(parts: Sequence) -> SafeString:
    """The contributed parts (disclosures.parts.DrawnPart), a form a page: the first of a part's forms under its
    title and paragraphs; each form's table as templates/disclosures/parts/_grid.html includes it (grid_html)."""
    pages = []
    for part in parts:
        forms = []
        for n, item in enumerate(part.drawn, start=1):
            opening = f'<div class="part">{conditional_escape(part.title)}</div>\n    {_paragraphs(part.paragraphs)}' if n == 1 else ""
            forms.append(
                f'\n  <section class="form-page" id="part-{conditional_escape(part.key)}-{conditional_escape(localize(n))}">\n'
                f"    {opening}\n    {grid_html(item['grid'], item['rows'])}\n  </section>\n  "
            )
        pages.append(f"\n  {''.join(forms)}\n  ")
    return mark_safe("".join(pages))  # every text above is escaped


def is_draft_document(filing: Filing) -> bool:
    """A document of a filing the bureau has not approved carries a 草稿 watermark on every page."""
    return filing.status not in (Filing.Status.APPROVED, Filing.Status.PUBLISHED)
