"""No exported cell can become a formula: names such as "=1+1", "@SUM(A1)", "+1" or "-1+2" that people
type into the system are written as text in every xlsx the app produces — the disclosure tables,
the whole-filing export/import workbook, the upload template and the evaluation forms. The text
reads back exactly as typed (no visible apostrophe): a string cell with Excel's invisible quote prefix."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disclosures.imports.resources import UPLOAD_RESOURCES
from disclosures.imports.template import filing_workbook, sheet_template
from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, Project, Unit
from disclosures.services import lines
from disclosures.tables import compute_tables
from disclosures.tables.xlsx import render_workbook

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "@SUM(A1)", "+1+1", "-1+2", '=HYPERLINK("http://x")']


def cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_no_formula(data: bytes, expected_texts: list[str]) -> None:
    """No formula anywhere; every expected text is found as typed, and a cell holding exactly that text
    is a string cell with the quote prefix."""
    found = []
    for cell in cells(data):
        assert cell.data_type != "f", f"{cell.parent.title}!{cell.coordinate} is a formula: {cell.value!r}"
        if isinstance(cell.value, str):
            found.append(cell.value)
            if cell.value in DANGEROUS:
                assert cell.data_type == "s" and cell.quotePrefix, f"{cell.parent.title}!{cell.coordinate}"
    for text in expected_texts:
        assert any(text in value for value in found), f"{text!r} was not written as text"
        assert not any(value.startswith("'" + text) for value in found), f"{text!r} was written with a visible apostrophe"


def workbook_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def dangerous_filing(filing, catalog_2020):
    """A filing whose department, unit, catalog item, project and note carry formula-like text."""
    department = filing.department
    department.name = DANGEROUS[0]
    department.save()
    unit = Unit.objects.create(department=department, code="901009", name=DANGEROUS[1])
    item = CatalogItem.objects.get(fiscal_year=catalog_2020, kind="function", code="2010301")
    item.name = DANGEROUS[2]
    item.save()
    project = lines.project_save(project=Project(filing=filing, unit=unit, code="-1+2", name=DANGEROUS[4], budget_amount=Decimal("10.00")))
    lines.expense_line_save(
        line=ExpenseLine(
            filing=filing,
            unit=unit,
            function_item=item,
            expense_kind=ExpenseKind.PROJECT,
            project=project,
            budget_amount=Decimal("10.00"),
            note=DANGEROUS[3],
        )
    )
    lines.expense_line_save(
        line=ExpenseLine(
            filing=filing,
            unit=unit,
            function_item=item,
            dept_economic_item=CatalogItem.objects.get(fiscal_year=catalog_2020, kind="dept_economic", code="30101"),
            expense_kind=ExpenseKind.PERSONNEL,
            budget_amount=Decimal("1036.03"),
        )
    )
    filing.refresh_from_db()
    return filing


def test_disclosure_tables_workbook(dangerous_filing):
    data = render_workbook(compute_tables(filing=dangerous_filing))
    assert_no_formula(data, ["=1+1", "+1+1"])
    item_names = [cell for cell in cells(data) if cell.value == "+1+1"]
    assert item_names and all(cell.data_type == "s" for cell in item_names)


def test_whole_filing_export_workbook(dangerous_filing):
    data = workbook_bytes(filing_workbook(filing=dangerous_filing))
    assert_no_formula(data, DANGEROUS)


def test_upload_template_lists_units_as_text(dangerous_filing):
    for kind, resource in UPLOAD_RESOURCES.items():
        data = workbook_bytes(sheet_template(filing=dangerous_filing, resource=resource()))
        assert_no_formula(data, ["@SUM(A1)"] if kind != "project" else [])


def test_evaluation_forms_workbook():
    from evaluations.documents.grid import Grid, text
    from evaluations.documents.xlsx import grid_workbook

    grid = Grid(title=DANGEROUS[0], subtitle=DANGEROUS[1], columns=[20.0], rows=[[text(value)] for value in DANGEROUS])
    assert_no_formula(grid_workbook([grid]), DANGEROUS)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_shows_the_text_not_its_result(tmp_path):
    """LibreOffice, converting the workbook to CSV, prints "=1+1" — not 2 — and no apostrophe."""
    from evaluations.documents.grid import Grid, text
    from evaluations.documents.xlsx import grid_workbook

    grid = Grid(title="标题", subtitle="", columns=[20.0], rows=[[text(value)] for value in DANGEROUS])
    (tmp_path / "forms.xlsx").write_bytes(grid_workbook([grid]))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "forms.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    values = [row[0] for row in csv.reader(io.StringIO((tmp_path / "forms.csv").read_text())) if row]
    assert values[-len(DANGEROUS) :] == DANGEROUS


# --- the admin's exports (django-import-export) ---------------------------------------------------------

ADMIN_DANGEROUS = ['==HYPERLINK("http://x","y")', "+1+1", "-1+2", "@SUM(A1)", "\tTAB", "\rCR"]


def admin_export(client, model: str, file_format: str) -> bytes:
    from django.urls import reverse

    url = reverse(f"admin:disclosures_{model}_export")
    form = client.get(url).context["form"]
    value = next(value for value, label in form.fields["format"].choices if str(label).lower() == file_format)
    data = {"resource": "0", "format": str(value), **{name: "on" for name in form.fields if name.startswith(f"{model}resource_")}}
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.fixture
def admin_dangerous_lines(filing, catalog_2020):
    unit = Unit.objects.create(department=filing.department, code="901010", name=ADMIN_DANGEROUS[3])
    item = CatalogItem.objects.get(fiscal_year=catalog_2020, kind="function", code="2010301")
    economic = CatalogItem.objects.get(fiscal_year=catalog_2020, kind="dept_economic", code="30101")
    for index, note in enumerate(ADMIN_DANGEROUS):
        lines.expense_line_save(
            line=ExpenseLine(
                filing=filing,
                unit=unit,
                function_item=item,
                dept_economic_item=economic if index == 0 else None,
                expense_kind=ExpenseKind.PERSONNEL if index == 0 else ExpenseKind.PROJECT,
                project=None
                if index == 0
                else lines.project_save(project=Project(filing=filing, unit=unit, code=f"P{index}", name=note, budget_amount=Decimal("1.00"))),
                budget_amount=Decimal("1036.03"),
                note=note,
            )
        )
    return filing


def test_admin_xlsx_export_writes_formula_text_as_text(client, accountant, admin_dangerous_lines):
    client.force_login(accountant)
    for model in ("expenseline", "project"):
        data = admin_export(client, model, "xlsx")
        found = []
        for cell in cells(data):
            assert cell.data_type != "f", f"{model} {cell.coordinate} is a formula: {cell.value!r}"
            if isinstance(cell.value, str) and cell.value in ADMIN_DANGEROUS:
                assert cell.data_type == "s" and cell.quotePrefix, f"{model} {cell.coordinate} {cell.value!r}"
                found.append(cell.value)
        assert {"+1+1", "-1+2"} <= set(found), (model, found)
        assert model != "expenseline" or '==HYPERLINK("http://x","y")' in found, found
    amounts = [cell.value for cell in cells(admin_export(client, "expenseline", "xlsx")) if cell.column == 9 and cell.row > 1]
    assert amounts and all(isinstance(value, (int, float)) and value == 1036.03 for value in amounts), "amounts stay numbers"


def test_admin_csv_export_prefixes_formula_text_with_an_apostrophe(client, accountant, admin_dangerous_lines):
    client.force_login(accountant)
    for model in ("expenseline", "project"):
        text = admin_export(client, model, "csv").decode("utf-8-sig")
        values = [value for row in csv.reader(io.StringIO(text, newline="")) for value in row]
        for dangerous in ADMIN_DANGEROUS:
            if any(dangerous in value for value in values):
                assert "'" + dangerous in values, (model, dangerous)
                assert dangerous not in values, (model, dangerous)
        assert "'+1+1" in values and "'-1+2" in values, model
        assert model != "expenseline" or '\'==HYPERLINK("http://x","y")' in values
        assert not [
            value for value in values if value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and not value[1:].replace(".", "").isdigit())
        ]
    assert "1036.03" in admin_export(client, "expenseline", "csv").decode("utf-8-sig")


def test_every_admin_export_uses_the_safe_formats():
    from django.contrib import admin
    from import_export.admin import ExportMixin

    from disclosures.admin_formats import SAFE_FORMATS

    exporting = [model_admin for model_admin in admin.site._registry.values() if isinstance(model_admin, ExportMixin)]
    assert exporting
    for model_admin in exporting:
        assert list(model_admin.get_export_formats()) == SAFE_FORMATS, type(model_admin).__name__
