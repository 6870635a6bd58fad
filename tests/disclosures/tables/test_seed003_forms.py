"""Seed 003 (茂县信访局 2019 部门决算) in the nine 公开 forms of forms.md, with the seed's published figures (万元)."""

from decimal import Decimal

import pytest

from disclosures.tables import compute_tables

D = Decimal

#: 一般公共预算财政拨款支出决算具体情况 of seed 003, by 项 (万元)
SEED_ITEMS = {
    "2010301": "173.67",
    "2010302": "23.00",
    "2010308": "34.50",
    "2010350": "66.58",
    "2013602": "5.00",
    "2040202": "2.00",
    "2080505": "25.03",
    "2080506": "11.55",
    "2101101": "10.45",
    "2101102": "6.12",
    "2210201": "22.99",
    "2210203": "1.02",
    "2130599": "0.40",
}
#: 支出决算结构: the 类 the seed names (万元)
SEED_CLASSES = {
    "一般公共服务支出": "302.75",
    "社会保障和就业支出": "36.58",
    "卫生健康支出": "16.57",
    "住房保障支出": "24.01",
    "农林水支出": "0.40",
    "公共安全支出": "2.00",
}


@pytest.fixture
def tables(maoxian_2019):
    return {t.form_code: t for t in compute_tables(filing=maoxian_2019)}


def side_rows(table, label_key: str):
    return {row.cell(label_key).text: row for row in table.rows if row.cell(label_key).text}


def test_gongkai_01(tables):
    table = tables["公开01表"]
    income = side_rows(table, "in_label")
    assert list(income) == [
        "一、一般公共预算财政拨款收入",
        "二、政府性基金预算财政拨款收入",
        "三、国有资本经营预算财政拨款收入",
        "四、上级补助收入",
        "五、事业收入",
        "六、经营收入",
        "七、附属单位上缴收入",
        "八、其他收入",
        "本年收入合计",
        "使用非财政拨款结余",
        "年初结转和结余",
        "总计",
    ]
    assert [income[label].wan("in_amount") for label in income] == [D("382.31")] + [D("0.00")] * 7 + [D("382.31"), D("0.00"), D("0.00"), D("382.31")]
    assert [income[label].cell("in_line").text for label in income] == [str(n) for n in range(1, 13)]
    expense = side_rows(table, "out_label")
    classes = [label for label in expense if "、" in label]
    # every 类 of the year's catalog in code order, numbered, zeros printed
    assert classes[:3] == ["一、一般公共服务支出", "二、公共安全支出", "三、教育支出"] and len(classes) == 15
    assert expense["三、教育支出"].wan("out_amount") == D("0.00")
    for name, amount in SEED_CLASSES.items():
        (label,) = [label for label in classes if label.endswith(f"、{name}")]
        assert expense[label].wan("out_amount") == D(amount), name
    tail = list(expense)[len(classes) :]
    assert tail == ["本年支出合计", "结余分配", "年末结转和结余", "总计"]
    assert [expense[label].wan("out_amount") for label in tail] == [D("382.31"), D("0.00"), D("0.00"), D("382.31")]
    assert expense["一、一般公共服务支出"].cell("out_line").text == "13" and expense["总计"].cell("out_line").text == "31"


def test_gongkai_02_income_by_function(tables):
    table = tables["公开02表"]
    assert table.total_row.wan("total") == table.total_row.wan("fiscal") == D("382.31")
    for key in ("superior", "business", "operating", "affiliate", "other"):
        assert table.total_row.wan(key) == D("0.00")
    for code, amount in SEED_ITEMS.items():
        assert table.row(code=code).wan("total") == D(amount), code
    assert table.row(code="201").wan("fiscal") == D("302.75") and table.row(code="20103").wan("total") == D("297.75")


def test_gongkai_03(tables):
    total = tables["公开03表"].total_row
    assert [total.wan(k) for k in ("total", "basic", "project", "upper", "business", "subsidy")] == [
        D("382.31"),
        D("317.41"),
        D("64.90"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
    ]


def test_gongkai_04_by_source(tables):
    table = tables["公开04表"]
    income = side_rows(table, "in_label")
    assert income["一、一般公共预算财政拨款"].wan("in_amount") == D("382.31")
    assert income["本年收入合计"].wan("in_amount") == D("382.31")
    assert [
        income[label].wan("in_amount")
        for label in ("年初财政拨款结转和结余", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
    ] == [D("0.00")] * 4
    expense = side_rows(table, "out_label")
    total = expense["本年支出合计"]
    assert (total.wan("out_total"), total.wan("out_gpb"), total.wan("out_gov_fund"), total.wan("out_state_capital")) == (
        D("382.31"),
        D("382.31"),
        D("0.00"),
        D("0.00"),
    )
    assert expense["十三、住房保障支出"].wan("out_gpb") == D("24.01")
    assert table.rows[-1].wan("in_amount") == table.rows[-1].wan("out_total") == D("382.31")


def test_gongkai_05(tables):
    table = tables["公开05表"]
    assert (table.total_row.wan("total"), table.total_row.wan("basic"), table.total_row.wan("project")) == (D("382.31"), D("317.41"), D("64.90"))
    for code, amount in SEED_ITEMS.items():
        assert table.row(code=code).wan("total") == D(amount), code


def test_gongkai_06_side_by_side(tables):
    last = tables["公开06表"].rows[-1]
    assert (last.cell("p_code").text, last.wan("personnel"), last.cell("u_code").text, last.wan("public")) == (
        "人员经费合计",
        D("274.26"),
        "公用经费合计",
        D("43.16"),
    )


def test_gongkai_07(tables):
    (row,) = tables["公开07表"].rows
    assert [row.wan(f"actual_{k}") for k in ("total", "overseas", "vehicle", "vehicle_purchase", "vehicle_running", "reception")] == [
        D("5.07"),
        D("0.00"),
        D("3.22"),
        D("0.00"),
        D("3.22"),
        D("1.85"),
    ]


@pytest.mark.parametrize("form, what", [("公开08表", "政府性基金预算"), ("公开09表", "国有资本经营预算")])
def test_gongkai_08_09_are_published_empty_with_the_note(tables, form, what):
    """Seed 003: 政府性基金预算拨款支出0万元, 国有资本经营预算拨款支出0万元."""
    table = tables[form]
    assert table.empty and table.rows == [] and table.header_rows
    assert table.note == f"注：本部门2019年度没有使用{what}财政拨款安排的支出，故本表无数据。"


def test_gongkai_06_pairs_keep_each_sides_bold(tables):
    """A 类 subtotal (303) beside a 款 item: only the 类's cells are bold, in HTML and xlsx alike."""
    from disclosures.tables.html import render_table_html

    table = tables["公开06表"]
    row = next(r for r in table.rows if r.cell("p_code").text == "303")
    item = row.cell("u_code").text
    assert len(item) == 5 and item.startswith("302") and row.kind == "item"
    assert row.cell("p_name").bold and not row.cell("u_name").bold
    html = render_table_html(table)
    assert '<td class="text bold">303</td>' in html and f'<td class="text">{item}</td>' in html
