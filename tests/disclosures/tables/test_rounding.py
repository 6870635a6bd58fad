"""尾差: in 万元 a printed subtotal that differs from the sum of its printed items gets the note under its table.

The case of the issue: 山海关 (seed 001) 表6 一般公共预算基本支出表 prints 302 商品和服务支出 7.58 万元 while its
款 print 7.60 in all (twelve 元 amounts each rounded on its own). Seed 001 publishes in 元, where nothing is
rounded; the same filing in 万元 must carry the note.
"""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disclosures.checks import WARNING, run_checks
from disclosures.models import Filing
from disclosures.money import AmountUnit
from disclosures.selectors.snapshot import table_to_snapshot
from disclosures.tables import compute_table, compute_tables
from disclosures.tables.html import render_table_html
from disclosures.tables.result import ResultCell, ResultRow
from disclosures.tables.rounding import ROUNDING_NOTE, rounding_differences
from disclosures.tables.spec import Col, name_col
from disclosures.tables.xlsx import render_workbook

D = Decimal


@pytest.fixture
def shanhaiguan_in_wan(demo):
    filing = demo.shanhaiguan.filing
    Filing.objects.filter(pk=filing.pk).update(amount_unit=AmountUnit.WAN)
    filing.refresh_from_db()
    return filing


def test_shanhaiguan_table_6_gets_the_note_in_wan(shanhaiguan_in_wan):
    table = compute_table(filing=shanhaiguan_in_wan, key="budget_gpb_basic")
    goods = table.row(code="302")
    items = [r for r in table.rows if r.code.startswith("302") and len(r.code) == 5]
    assert goods.printed("total") == D("7.58")
    assert sum(r.printed("total") for r in items) == D("7.60")
    assert sum(r.amount("total") for r in items) == goods.amount("total") == D("75796.27")
    assert table.footnotes == [ROUNDING_NOTE]
    assert {(d.cell, d.printed, d.parts) for d in table.rounding} == {
        ("302 商品和服务支出 · 合计", D("7.58"), D("7.60")),
        ("302 商品和服务支出 · 公用经费", D("7.58"), D("7.60")),
    }


def test_the_note_is_printed_in_html_xlsx_and_the_snapshot(shanhaiguan_in_wan):
    tables = compute_tables(filing=shanhaiguan_in_wan)
    by_key = {t.key: t for t in tables}
    noted = {t.key for t in tables if t.footnotes}
    assert noted == {"budget_gpb_basic"}
    html = render_table_html(by_key["budget_gpb_basic"])
    assert f'<p class="table-note">{ROUNDING_NOTE}</p>' in html
    assert ROUNDING_NOTE not in render_table_html(by_key["budget_expense"])
    sheet = load_workbook(io.BytesIO(render_workbook(tables)))["表6 一般公共预算基本支出表"]
    assert sheet.cell(row=sheet.max_row, column=1).value == ROUNDING_NOTE
    assert table_to_snapshot(by_key["budget_gpb_basic"])["footnotes"] == [ROUNDING_NOTE]


def test_check_warns_where_the_difference_is(shanhaiguan_in_wan):
    findings = [f for f in run_checks(filing=shanhaiguan_in_wan).findings if f.check == "table_rounding"]
    assert {f.severity for f in findings} == {WARNING}
    assert [(f.location.table, f.location.cell) for f in findings] == [
        ("表6 一般公共预算基本支出表", "302 商品和服务支出 · 合计"),
        ("表6 一般公共预算基本支出表", "302 商品和服务支出 · 公用经费"),
    ]
    assert findings[0].message == "“302 商品和服务支出 · 合计”公开为7.58万元，其各分项按公开数相加为7.60万元，相差-0.02万元（按元计算相等）。"


def test_in_yuan_nothing_is_rounded_and_nothing_noted(demo):
    filing = demo.shanhaiguan.filing
    table = compute_table(filing=filing, key="budget_gpb_basic")
    assert table.row(code="302").printed("total") == D("75796.27")
    assert all(not t.footnotes and not t.rounding for t in compute_tables(filing=filing))
    assert [f for f in run_checks(filing=filing).findings if f.check == "table_rounding"] == []


def test_seed_003_side_by_side_basic_table(maoxian_2019):
    """公开06 (人员经费 ‖ 公用经费): seed 003 as published has no 尾差; 0.50 元 more on 基本工资 and on 津贴补贴 of 行政运行
    make them print 82.01 and 68.01 while 301 工资福利支出 prints 273.25 (273.26 added up): the 人员经费 side is noted."""
    assert all(not t.footnotes for t in compute_tables(filing=maoxian_2019))
    lines = maoxian_2019.expense_lines.filter(function_item__code="2010301")
    lines.filter(dept_economic_item__code="30101").update(actual_amount=D("520050.00"))
    lines.filter(dept_economic_item__code="30102").update(actual_amount=D("480050.00"))
    table = compute_table(filing=maoxian_2019, key="final_gpb_basic")
    assert [(d.cell, d.printed, d.parts) for d in table.rounding] == [("301 工资福利支出 · 决算数", D("273.25"), D("273.26"))]
    assert table.footnotes == [ROUNDING_NOTE]
    # 预算数 and 决算数 side by side are never compared: 公开05 has no note
    assert compute_table(filing=maoxian_2019, key="final_gpb_expense").footnotes == []


def test_two_sided_summary_total_against_its_classes(maoxian_2019):
    """收入支出决算总表: 本年支出合计 is the sum of the 类 rows on the 支出 side; 213 at 0.405 万元 and 204 at 2.005
    print 0.41 and 2.01, their sum of 2.41 prints 2.41 — so the 类 rows add up to 0.01 more than 本年支出合计."""
    maoxian_2019.expense_lines.filter(function_item__code__startswith="213").update(actual_amount=D("4050.00"))
    maoxian_2019.expense_lines.filter(function_item__code__startswith="204").update(actual_amount=D("20050.00"))
    table = compute_table(filing=maoxian_2019, key="final_summary")
    expense_total = table.row(label="本年支出合计")
    assert expense_total.printed("out_amount") == D("382.32")
    assert table.row(label="二、公共安全支出").printed("out_amount") == D("2.01")
    differences = {d.cell: (d.printed, d.parts) for d in table.rounding}
    assert differences["本年支出合计 · 决算数"] == (D("382.32"), D("382.33"))
    assert table.footnotes == [ROUNDING_NOTE]


def _row(kind: str, level: int, code: str, label: str, **amounts: Decimal | None) -> ResultRow:
    cells = [ResultCell("name", text=label)] + [ResultCell(key, amount=amount) for key, amount in amounts.items()]
    return ResultRow(cells=cells, kind=kind, level=level, code=code, label=label)


def test_rounding_differences_by_rows_and_by_the_total_column():
    """Rows: a 类 and its 款; columns: 合计 and its parts; each difference once, in the table's unit."""

    columns = [name_col(), Col("合计", key="total"), Col("基本支出", key="basic"), Col("项目支出", key="project")]
    rows = [
        _row("subtotal", 1, "201", "一般公共服务支出", total=D("150.00"), basic=D("100.00"), project=D("50.00")),
        _row("item", 2, "20101", "人大事务", total=D("50.00"), basic=D("50.00"), project=D("0")),
        _row("item", 2, "20102", "政协事务", total=D("100.00"), basic=D("50.00"), project=D("50.00")),
    ]
    found = rounding_differences(rows=rows, columns=columns, unit=AmountUnit.WAN)
    # 150 元 prints 0.02 万元 and its 款 0.01 + 0.01 (equal); 基本支出 of 201 prints 0.01 against 0.01 + 0.01;
    # 政协事务's 合计 0.01 against 0.01 + 0.01
    cells = {d.cell: (d.printed, d.parts) for d in found}
    assert cells == {
        "201 一般公共服务支出 · 基本支出": (D("0.01"), D("0.02")),
        "20102 政协事务 · 合计": (D("0.01"), D("0.02")),
    }
    assert rounding_differences(rows=rows, columns=columns, unit=AmountUnit.YUAN) == []


def test_rounding_differences_skip_a_missing_part_and_read_a_rows_first_cell_of_a_key():

    columns = [name_col(), Col("合计", key="total"), Col("基本支出", key="basic"), Col("项目支出", key="project")]
    missing = [
        _row("subtotal", 1, "201", "一般公共服务支出", total=D("100.00"), basic=D("50.00"), project=None),
        _row("item", 2, "20101", "人大事务", total=D("100.00"), basic=D("50.00"), project=None),
    ]
    assert rounding_differences(rows=missing, columns=columns, unit=AmountUnit.WAN) == []  # 项目支出 has no amount
    doubled = _row("item", 1, "20101", "人大事务", total=D("100.00"), basic=D("50.00"), project=D("50.00"))
    doubled.cells.append(ResultCell("total", amount=D("300.00")))  # a second cell of the key is not the row's 合计
    found = rounding_differences(rows=[doubled], columns=columns, unit=AmountUnit.WAN)
    assert [(d.cell, d.printed, d.parts) for d in found] == [("20101 人大事务 · 合计", D("0.01"), D("0.02"))]
