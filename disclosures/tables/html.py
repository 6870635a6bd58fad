"""HTML of one table (the partial the public site reuses) and of the whole disclosure (tables and text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string

from disclosures.models import Filing
from disclosures.narrative.phrases import chinese_number

from .result import TableResult

TABLE_TEMPLATE = "disclosures/tables/table.html"
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


def render_table_html(table: TableResult) -> str:
    return render_to_string(TABLE_TEMPLATE, {"table": table})


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
            "tables": tables,
            "parts": parts,
            "draft": is_draft_document(filing),
        },
    )


def is_draft_document(filing: Filing) -> bool:
    """A document of a filing the bureau has not approved carries a 草稿 watermark on every page."""
    return filing.status not in (Filing.Status.APPROVED, Filing.Status.PUBLISHED)
