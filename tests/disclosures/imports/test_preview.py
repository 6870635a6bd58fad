"""Parsing an upload: every row's error with row number and column header, exact amounts, no formulas."""

from decimal import Decimal

import pytest

from disclosures.imports.preview import preview_upload
from tests.disclosures.imports.helpers import EXPENSE_OK, filled_template, save

pytestmark = pytest.mark.django_db


def preview(filing, tmp_path, rows, kind="expense", **kwargs):
    path = save(filled_template(filing, kind, rows, **kwargs), tmp_path / "upload.xlsx")
    return preview_upload(filing=filing, kind=kind, path=path, file_format="xlsx")


def test_float_cell_1036_03_stays_exact(filing, tmp_path):
    result = preview(filing, tmp_path, [EXPENSE_OK])
    assert result.ok, result.errors
    (row,) = result.data_rows
    assert row.number == 3
    assert row.values["budget_amount"] == Decimal("1036.03")
    assert isinstance(row.values["budget_amount"], Decimal)
    assert row.status == "new"


def test_example_row_is_skipped(filing, tmp_path):
    result = preview(filing, tmp_path, [EXPENSE_OK])
    assert result.rows[0].number == 2
    assert result.rows[0].status == "example"


def test_every_error_names_row_and_column(filing, tmp_path):
    rows = [
        EXPENSE_OK,
        {**EXPENSE_OK, "年初预算数（元）": "abc"},
        {**EXPENSE_OK, "支出功能分类科目编码": "2010377", "年初预算数（元）": -5},
        {**EXPENSE_OK, "资金来源": "财政拨款", "年初预算数（元）": 10.125},
    ]
    result = preview(filing, tmp_path, rows)
    assert not result.ok
    assert result.errors == [
        "第4行“年初预算数（元）”：金额“abc”不是有效的金额",
        "第5行“支出功能分类科目编码”：科目“2010377”不在2020年支出功能分类中",
        "第5行“年初预算数（元）”：金额不能为负数",
        "第6行“资金来源”：“财政拨款”不是有效的资金来源，应为："
        + "、".join(
            [
                "一般公共预算财政拨款",
                "政府性基金预算财政拨款",
                "国有资本经营预算财政拨款",
                "财政专户管理资金",
                "上级补助收入",
                "事业收入",
                "事业单位经营收入",
                "附属单位上缴收入",
                "其他收入",
            ]
        ),
        "第6行“年初预算数（元）”：金额“10.125”超过两位小数",
    ]
    assert [row.status for row in result.rows] == ["example", "new", "error", "error", "error"]


def test_formula_cell_refused(filing, tmp_path):
    result = preview(filing, tmp_path, [{**EXPENSE_OK, "年初预算数（元）": "=1000+36.03"}])
    assert result.errors == ["第3行“年初预算数（元）”：不能是公式（=1000+36.03），请填写数值或文字"]


def test_code_of_another_year_refused(filing, catalog_2019, tmp_path):
    from disclosures.models import CatalogItem

    CatalogItem.objects.filter(fiscal_year=filing.fiscal_year, kind="function", code="2010308").delete()
    result = preview(filing, tmp_path, [{**EXPENSE_OK, "支出功能分类科目编码": "2010308"}])
    assert result.errors == ["第3行“支出功能分类科目编码”：科目“2010308”是2019年的科目，不在2020年支出功能分类中"]


def test_duplicate_rows_refused(filing, tmp_path):
    result = preview(filing, tmp_path, [EXPENSE_OK, {**EXPENSE_OK, "年初预算数（元）": 5}])
    assert result.errors == ["第4行：与第3行重复（同一预算单位、支出功能分类科目、部门预算经济分类科目、支出类型、资金来源、项目只能有一行）"]


def test_basic_expense_needs_economic_code(filing, tmp_path):
    result = preview(filing, tmp_path, [{**EXPENSE_OK, "部门预算经济分类科目编码": None}])
    assert result.errors == ["第3行“部门预算经济分类科目编码”：基本支出必须填写部门预算经济分类科目编码"]


def test_existing_line_is_an_update(filing, expense_line, tmp_path):
    result = preview(filing, tmp_path, [EXPENSE_OK])
    assert [row.status for row in result.data_rows] == ["update"]


def test_blank_trailing_rows_ignored(filing, tmp_path):
    """A LibreOffice-style sheet that declares a huge range with empty styled rows at the end."""
    from openpyxl import load_workbook

    path = save(filled_template(filing, "expense", [EXPENSE_OK]), tmp_path / "upload.xlsx")
    workbook = load_workbook(path)
    sheet = workbook.active
    for row in range(4, 3000):
        sheet.cell(row=row, column=1).value = "   " if row % 2 else None
        sheet.cell(row=row, column=5).number_format = "0.00"
    workbook.save(path)
    result = preview_upload(filing=filing, kind="expense", path=path, file_format="xlsx")
    assert result.ok, result.errors
    assert len(result.data_rows) == 1


def test_missing_column_is_a_file_error(filing, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("支出功能分类科目编码,年初预算数（元）\n2010301,5\n", encoding="utf-8")
    result = preview_upload(filing=filing, kind="expense", path=path, file_format="csv")
    assert len(result.errors) == 1
    assert result.errors[0].startswith("第1行缺少列：“预算单位”、“部门预算经济分类科目编码”")


def test_csv_in_gb18030(filing, tmp_path):
    headers = "预算单位,支出功能分类科目编码,部门预算经济分类科目编码,支出类型,项目编码,资金来源,年初预算数（元）,调整预算数（元）,决算数（元）,备注"
    path = tmp_path / "lines.csv"
    path.write_bytes(f'{headers}\n,2010301,30101,基本支出-人员经费,,,"1,036.03",,,\n'.encode("gb18030"))
    result = preview_upload(filing=filing, kind="expense", path=path, file_format="csv")
    assert result.ok, result.errors
    assert result.data_rows[0].values["budget_amount"] == Decimal("1036.03")


def test_float_noise_refused(filing, tmp_path):
    """Excel may store 1036.03 computed by a formula as 1036.0300000000002: refused, not rounded silently."""
    import zipfile

    source = filled_template(filing, "expense", [EXPENSE_OK]).getvalue()
    path = tmp_path / "noise.xlsx"
    with zipfile.ZipFile(__import__("io").BytesIO(source)) as zin, zipfile.ZipFile(path, "w") as zout:
        for entry in zin.infolist():
            data = zin.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b"<v>1036.03</v>") == 2  # the example row and ours
                data = data.replace(b'r="I3" t="n"><v>1036.03</v>', b'r="I3" t="n"><v>1036.0300000000002</v>')
            zout.writestr(entry, data)
    result = preview_upload(filing=filing, kind="expense", path=path, file_format="xlsx")
    assert result.errors == ["第3行“年初预算数（元）”：金额“1036.0300000000002”超过两位小数"]
