"""Seed 000 (资阳区信访局 2020 部门预算, 湖南): Hunan's 20 tables, 12–19 by budget unit with one column per 款.

The department (部门) is its 本级 (益阳市资阳区信访局机关) and its subordinate unit 益阳市资阳区社会矛盾纠纷调处中心办公室;
the demo's lines give the centre 21.00 万元 of wages (基本工资 8.00, 津贴补贴 6.00, 绩效工资 7.00) and 1.67 万元 of 办公费
from 其他收入, so it appears in tables 12–15 and (with zeros) in the 一般公共预算 tables 18–19.
"""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disclosures.tables import compute_tables
from disclosures.tables.html import render_table_html
from disclosures.tables.xlsx import render_workbook


@pytest.fixture
def demo(demo_of_module):
    """The demo built once for this module (tests/conftest.py: demo_built_once); each test in a savepoint of it."""
    return demo_of_module


D = Decimal
CENTRE = "益阳市资阳区社会矛盾纠纷调处中心办公室"
MAIN = "益阳市资阳区信访局机关"

#: Seed 000, 第二部分 部门预算需公开的表格情况.
SEED_000_TABLES = [
    "收支预算总表",
    "收入预算总表",
    "支出预算总表",
    "支出预算分类汇总表（按部门预算经济分类）",
    "支出预算分类汇总表（按政府预算经济分类）",
    "财政拨款收支预算表",
    "一般公共预算支出预算分类汇总表（按部门预算经济分类）",
    "一般公共预算支出预算分类汇总表（按政府预算经济分类）",
    "政府性基金拨款支出预算分类汇总表（按部门预算经济分类）",
    "政府性基金拨款支出预算分类汇总表（按政府预算经济分类）",
    "一般公共预算基本支出表",
    "基本支出预算明细表-工资福利与对个人和家庭的补助（按部门预算经济分类）",
    "基本支出预算明细表-工资福利与对个人和家庭的补助（按政府预算经济分类）",
    "基本支出预算明细表-商品和服务支出（按部门预算经济分类）",
    "基本支出预算明细表-商品和服务支出（按政府预算经济分类）",
    "一般公共预算基本支出预算明细表-工资福利与对个人和家庭的补助（按部门预算经济分类）",
    "一般公共预算基本支出预算明细表-工资福利与对个人和家庭的补助（按政府预算经济分类）",
    "一般公共预算基本支出预算明细表-商品和服务支出（按部门预算经济分类）",
    "一般公共预算基本支出预算明细表-商品和服务支出（按政府预算经济分类）",
    "“三公”经费情况表-一般公共预算",
]


def tables_of(demo):
    return {t.number: t for t in compute_tables(filing=demo.ziyang.filing)}


def units(table):
    """{row label: row} of the per-unit rows and the department's row."""
    return {r.label: r for r in table.rows if r.kind != "total"}


def test_seed_000_publishes_hunans_20_tables(demo):
    tables = tables_of(demo)
    assert [(n, t.title) for n, t in tables.items()] == [(str(i), title) for i, title in enumerate(SEED_000_TABLES, start=1)]
    assert {t.table_set for t in tables.values()} == {"hunan"}


def test_table_12_rows_per_unit_and_columns_per_kuan(demo):
    table = tables_of(demo)["12"]
    first, second = table.header_rows
    assert [(h.label, h.colspan) for h in first] == [("单位编码", 1), ("单位名称", 1), ("合计", 1), ("工资福利支出", 13), ("对个人和家庭的补助", 12)]
    assert [h.label for h in second][:5] == ["基本工资", "津贴补贴", "奖金", "伙食补助费", "绩效工资"]
    assert [h.label for h in second][-1] == "其他对个人和家庭的补助"
    assert [(r.kind, r.code, r.label) for r in table.rows] == [
        ("total", "", "合计"),
        ("subtotal", "430902-XFJ", "资阳区信访局"),
        ("item", "430902001", MAIN),
        ("item", "430902002", CENTRE),
    ]
    rows = units(table)
    centre = rows[CENTRE]
    assert (centre.wan("total"), centre.wan("e30101"), centre.wan("e30102"), centre.wan("e30107")) == (D("21.00"), D("8.00"), D("6.00"), D("7.00"))
    assert centre.wan("e30108") == D("0.00")
    assert rows[MAIN].wan("total") == D("87.47")
    assert rows["资阳区信访局"].wan("total") == table.total_row.wan("total") == D("108.47")  # the seed's 人员经费


def test_department_row_is_the_sum_of_its_units_in_every_detail_table(demo):
    tables = tables_of(demo)
    for number in map(str, range(12, 20)):
        table = tables[number]
        rows = units(table)
        amounts = [leaf.key for leaf in table.leaves if leaf.is_amount]
        for key in amounts:
            assert rows["资阳区信访局"].amount(key) == rows[MAIN].amount(key) + rows[CENTRE].amount(key), (number, key)
            assert sum(rows[MAIN].amount(k) for k in amounts if k != "total") == rows[MAIN].amount("total"), number


def test_government_classification_and_general_budget_tables(demo):
    tables = tables_of(demo)
    gov_wages = units(tables["13"])
    assert gov_wages[CENTRE].wan("e50501") == D("21.00")  # a 事业单位's wages are 对事业单位经常性补助
    assert gov_wages[MAIN].wan("e50101") == D("63.00")
    goods = units(tables["14"])
    assert (goods[CENTRE].wan("total"), goods[CENTRE].wan("e30201")) == (D("1.67"), D("1.67"))
    assert units(tables["15"])[CENTRE].wan("e50502") == D("1.67")
    # 一般公共预算 only: the centre's 1.67 is 其他收入, so its row is printed with zeros
    gpb_goods = units(tables["18"])
    assert gpb_goods[CENTRE].wan("total") == D("0.00") and gpb_goods[CENTRE].cell("total").display == "0.00"
    assert gpb_goods["资阳区信访局"].wan("total") == D("17.92")  # the seed's 机关运行经费


def test_per_unit_rows_in_xlsx_and_html(demo):
    tables = compute_tables(filing=demo.ziyang.filing)
    html = render_table_html(tables[11])
    assert f">{CENTRE}<" in html and 'colspan="13">工资福利支出<' in html
    workbook = load_workbook(io.BytesIO(render_workbook(tables)))
    assert len(workbook.sheetnames) == 20
    sheet = workbook.worksheets[11]
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert names[-3:] == ["资阳区信访局", MAIN, CENTRE]
    centre = next(row for row in sheet.iter_rows(values_only=True) if row[1] == CENTRE)
    assert centre[2] == D("21.00") and centre[3] == D("8.00")


def test_every_table_prints_its_number_before_the_unit(demo):
    """forms.md: above each grid, `<表号>　单位：万元` on the right; Hunan's 表号 are 部门公开表01…20."""
    tables = compute_tables(filing=demo.ziyang.filing)
    workbook = load_workbook(io.BytesIO(render_workbook(tables)))
    for number, (table, sheet) in enumerate(zip(tables, workbook.worksheets, strict=True), start=1):
        line = f"部门公开表{number:02d}\u3000单位：万元"
        assert table.unit_line == line
        assert [cell.value for cell in sheet[2] if cell.value is not None] == ["编制单位：资阳区信访局", line]
        assert f"<span>{line}</span>" in render_table_html(table)


def test_income_and_classification_tables_list_every_unit(demo):
    """Hunan's 收入预算总表 (2) and 支出预算分类汇总表 (4/5, 7/8; 9/10 empty) list the budget units too, under the
    department's row; a column per source (2) or per 经济分类 类 (4–10)."""
    tables = tables_of(demo)
    for number in ("2", "4", "5", "7", "8"):
        table = tables[number]
        assert [(r.kind, r.label) for r in table.rows] == [("total", "合计"), ("subtotal", "资阳区信访局"), ("item", MAIN), ("item", CENTRE)], number
        rows = units(table)
        for key in (leaf.key for leaf in table.leaves if leaf.is_amount):
            assert rows["资阳区信访局"].amount(key) == rows[MAIN].amount(key) + rows[CENTRE].amount(key), (number, key)
    income = units(tables["2"])
    assert (income[CENTRE].wan("total"), income[CENTRE].wan("in_gpb"), income[CENTRE].wan("in_other")) == (
        D("27.67"),
        D("26.00"),
        D("1.67"),
    )
    assert income["资阳区信访局"].wan("total") == D("230.06")  # the seed's 收入总计
    dept = units(tables["4"])["资阳区信访局"]
    assert (dept.wan("e301"), dept.wan("e302"), dept.wan("e303")) == (D("108.47"), D("81.59"), D("40.00"))
    assert units(tables["5"])[CENTRE].wan("e505") == D("27.67")  # a 事业单位's spending: 对事业单位经常性补助
    assert units(tables["7"])[CENTRE].wan("total") == D("26.00")  # 一般公共预算 only: without its 其他收入 1.67
    assert tables["9"].empty and tables["9"].note == "注：本部门2020年度没有使用政府性基金预算拨款安排的支出，故本表无数据。"
