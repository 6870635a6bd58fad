"""Fixtures of the documents views: a filing of the shared `department`, with generated files on a temp MEDIA_ROOT.

Import what a test module needs: `from tests.disclosures.documents_fixtures import *  # noqa: F403`.
"""

import pytest

from disclosures.models import Filing, FilingDocument
from disclosures.services.generation import document_swap_in

__all__ = ["media_root", "own_filing", "other_filing", "own_documents"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def own_filing(department, year_2019):
    return Filing.objects.create(department=department, fiscal_year=year_2019, kind=Filing.Kind.FINAL)


@pytest.fixture
def other_filing(other_department, year_2019):
    return Filing.objects.create(department=other_department, fiscal_year=year_2019, kind=Filing.Kind.FINAL)


@pytest.fixture
def own_documents(own_filing):
    """Small stand-in files: these tests are about access, the generation tests make real ones."""
    return {
        FilingDocument.Format.XLSX: document_swap_in(filing=own_filing, format="xlsx", content=b"PK-xlsx-bytes"),
        FilingDocument.Format.PDF: document_swap_in(filing=own_filing, format="pdf", content=b"%PDF-1.7 stand-in"),
        FilingDocument.Format.HTML: document_swap_in(filing=own_filing, format="html", content="<p>公开</p>".encode()),
    }
