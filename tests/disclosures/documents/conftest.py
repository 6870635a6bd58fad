"""Fixtures of the documents views: a filing of the shared `department`, with generated files on a temp MEDIA_ROOT.

`own_filing`/`other_filing` here are 2019 final accounts (the entry fixtures' `other_filing` is a 2020 budget).
"""

import pytest

from disclosures.models import Filing, FilingDocument
from disclosures.services.generation import document_swap_in
from tests.factories import FilingFactory

__all__ = ["media_root", "own_filing", "other_filing", "own_documents"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def own_filing(department, year_2019):
    return FilingFactory(department=department, fiscal_year=year_2019, kind=Filing.Kind.FINAL)


@pytest.fixture
def other_filing(other_department, year_2019):
    return FilingFactory(department=other_department, fiscal_year=year_2019, kind=Filing.Kind.FINAL)


@pytest.fixture
def own_documents(own_filing):
    """Small stand-in files: these tests are about access, the generation tests make real ones."""
    return {
        FilingDocument.Format.XLSX: document_swap_in(filing=own_filing, format="xlsx", content=b"PK-xlsx-bytes"),
        FilingDocument.Format.PDF: document_swap_in(filing=own_filing, format="pdf", content=b"%PDF-1.7 stand-in"),
        FilingDocument.Format.HTML: document_swap_in(filing=own_filing, format="html", content="<p>公开</p>".encode()),
    }
