"""Downloads of a published filing: the whole workbook, the PDF, and one table as its own workbook."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from disclosures.models import FilingDocument
from disclosures.services.generation import filing_generate_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(published_filing):
    """The publication job of the fixture froze its documents."""
    return published_filing


def cells(workbook) -> list[str]:
    return [str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_whole_workbook(client, generated):
    response = client.get(reverse("disclosures:public_document", args=[generated.pk, "xlsx"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.worksheets) >= 9
    assert any("382.31" in c for c in cells(workbook))


def test_pdf(client, generated):
    response = client.get(reverse("disclosures:public_document", args=[generated.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_one_table(client, generated):
    response = client.get(reverse("disclosures:public_table_xlsx", args=[generated.pk, 7]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [ws.title for ws in workbook.worksheets] == ["表7 一般公共预算财政拨款“三公”经费支出决算表"[:31]]
    values = cells(workbook)
    assert "1.85" in values and "3.22" in values  # 公务接待费, 公务用车运行维护费


def test_table_number_out_of_range(client, generated):
    assert client.get(reverse("disclosures:public_table_xlsx", args=[generated.pk, 10])).status_code == 404


def test_documents_of_unpublished_filings_are_404(client, approved_filing, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    filing_generate_documents(filing=approved_filing)
    assert FilingDocument.objects.filter(filing=approved_filing).count() == 3
    assert client.get(reverse("disclosures:public_document", args=[approved_filing.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("disclosures:public_table_xlsx", args=[approved_filing.pk, 1])).status_code == 404
