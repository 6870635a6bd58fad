"""Every generated national table's title and header rows, in xlsx and HTML, against ../shared/forms.md.

The expected headers are written here from forms.md (column by column, merges as the templates draw them),
not read from the definitions: a header cell is (label, colspan, rowspan); a group spans its columns, a
column under no group spans every header row.
"""

import io
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from disclosures.models import Filing
from disclosures.tables import compute_tables
from disclosures.tables.html import render_table_html
from disclosures.tables.xlsx import HEADER_START, META_ROW, render_workbook


def flat(*labels: str) -> list[list[tuple]]:
    """One header row of plain columns."""
    return [[(label, 1, 1) for label in labels]]


def sides(left: list[str], right: list[str], headings=("收入", "支出")) -> list[list[tuple]]:
    """收入 ‖ 支出 (or 人员经费 ‖ 公用经费) over their columns."""
    return [[(headings[0], len(left), 1), (headings[1], len(right), 1)], [(label, 1, 1) for label in [*left, *right]]]


def codes_then(group_label: str | None, before: list[str], grouped: list[str], after: list[str] = ()) -> list[list[tuple]]:
    """科目编码, 科目名称, columns `before`, a group over `grouped`, columns `after` (two header rows)."""
    top = [(label, 1, 2) for label in ("科目编码", "科目名称", *before)]
    top.append((group_label, len(grouped), 1))
    top += [(label, 1, 2) for label in after]
    return [top, [(label, 1, 1) for label in grouped]]


def three_public(first: str, second: str, vehicle: tuple[str, str]) -> list[list[tuple]]:
    block = [("合计", 1, 2), ("因公出国（境）费", 1, 2), ("公务用车购置及运行费", 3, 1), ("公务接待费", 1, 2)]
    return [[(first, 6, 1), (second, 6, 1)], block + block, [("小计", 1, 1), (vehicle[0], 1, 1), (vehicle[1], 1, 1)] * 2]


FUND_COLUMNS = codes_then("本年支出", [], ["小计", "基本支出", "项目支出"])
FUND_COLUMNS[0][2:2] = [("年初结转和结余", 1, 2), ("本年收入", 1, 2)]
FUND_COLUMNS[0].append(("年末结转和结余", 1, 2))

#: 部门决算 公开01–09 (forms.md, "部门决算")
FINAL = {
    "公开01表": ("收入支出决算总表", sides(["项目", "行次", "决算数"], ["项目", "行次", "决算数"])),
    "公开02表": (
        "收入决算表",
        flat("科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
    ),
    "公开03表": (
        "支出决算表",
        flat("科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),
    ),
    "公开04表": (
        "财政拨款收入支出决算总表",
        sides(
            ["项目", "行次", "决算数"],
            ["项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
        ),
    ),
    "公开05表": ("一般公共预算财政拨款支出决算表", codes_then("本年支出", [], ["小计", "基本支出", "项目支出"])),
    "公开06表": (
        "一般公共预算财政拨款基本支出决算表",
        sides(
            ["科目编码", "科目名称", "决算数"],
            ["科目编码", "科目名称", "决算数"],
            headings=("人员经费", "公用经费"),
        ),
    ),
    "公开07表": ("一般公共预算财政拨款“三公”经费支出决算表", three_public("预算数", "决算数", ("公务用车购置费", "公务用车运行费"))),
    "公开08表": ("政府性基金预算财政拨款收入支出决算表", FUND_COLUMNS),
    # forms.md: 本年支出 合计/基本/项目, "newer years add 年初结转和结余, 本年收入, 年末结转和结余": the newer layout
    "公开09表": ("国有资本经营预算财政拨款支出决算表", FUND_COLUMNS),
}

#: 部门预算 1–9 (forms.md, "部门预算")
BUDGET = {
    "1": ("部门收支总表", sides(["项目", "预算数"], ["项目", "预算数"])),
    "2": (
        "部门收入总表",
        flat(
            "科目编码",
            "科目名称",
            "合计",
            "上年结转",
            "一般公共预算拨款收入",
            "政府性基金预算拨款收入",
            "国有资本经营预算拨款收入",
            "财政专户管理资金收入",
            "事业收入",
            "上级补助收入",
            "附属单位上缴收入",
            "事业单位经营收入",
            "其他收入",
        ),
    ),
    "3": ("部门支出总表", flat("科目编码", "科目名称", "合计", "基本支出", "项目支出", "上缴上级支出", "事业单位经营支出", "对附属单位补助支出")),
    "4": ("财政拨款收支总表", sides(["项目", "预算数"], ["项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"])),
    "5": ("一般公共预算支出表", codes_then("基本支出", ["合计"], ["人员经费", "公用经费"], ["项目支出"])),
    "6": ("一般公共预算基本支出表", flat("科目编码", "科目名称", "合计", "人员经费", "公用经费")),
    "7": ("一般公共预算“三公”经费支出表", three_public("上年预算数", "本年预算数", ("购置费", "运行费"))),
    "8": ("政府性基金预算支出表", codes_then("本年政府性基金预算支出", [], ["合计", "基本支出", "项目支出"])),
    # forms.md: "as 8", the group named for its fund
    "9": ("国有资本经营预算支出表", codes_then("本年国有资本经营预算支出", [], ["合计", "基本支出", "项目支出"])),
}


class MetaParser(HTMLParser):
    """The texts of the line above a rendered table's grid (编制单位 on the left, 表号 and 单位 on the right)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            self.texts.append("")
        elif ("class", "table-meta") in attrs:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth > 1:
            self.texts[-1] += data


def html_meta(table) -> list[str]:
    parser = MetaParser()
    parser.feed(render_table_html(table))
    return parser.texts


def xlsx_meta(ws) -> list[str]:
    return [cell.value for cell in ws[META_ROW] if cell.value is not None]


class HeaderParser(HTMLParser):
    """The <thead> rows of one rendered table as [(label, colspan, rowspan)]."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[tuple]] = []
        self.in_head = False
        self.cell: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.in_head:
            self.rows.append([])
        elif tag == "th" and self.in_head:
            self.cell = ["", int(attrs.get("colspan", 1)), int(attrs.get("rowspan", 1))]

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif tag == "th" and self.cell is not None:
            self.rows[-1].append(tuple(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data.strip()


def html_headers(table) -> list[list[tuple]]:
    parser = HeaderParser()
    parser.feed(render_table_html(table))
    return parser.rows


def xlsx_headers(ws, depth: int) -> list[list[tuple]]:
    """The header rows of a sheet as (label, colspan, rowspan), from the cells and their merged ranges."""
    spans = {(r.min_row, r.min_col): (r.max_col - r.min_col + 1, r.max_row - r.min_row + 1) for r in ws.merged_cells.ranges}
    rows = []
    for row in range(HEADER_START, HEADER_START + depth):
        cells = []
        for column in range(1, ws.max_column + 1):
            value = ws.cell(row=row, column=column).value
            if value is not None:
                colspan, rowspan = spans.get((row, column), (1, 1))
                cells.append((value, colspan, rowspan))
        rows.append(cells)
    return rows


@pytest.fixture
def final_tables(maoxian_2019):
    return compute_tables(filing=maoxian_2019)


@pytest.fixture
def budget_tables(maoxian_2019):
    Filing.objects.filter(pk=maoxian_2019.pk).update(kind=Filing.Kind.BUDGET)
    maoxian_2019.refresh_from_db()
    return compute_tables(filing=maoxian_2019)


def check(tables, expected: dict, key_of, form_code):
    assert [key_of(t) for t in tables] == list(expected)
    book = load_workbook(io.BytesIO(render_workbook(tables)))
    for table, ws in zip(tables, book.worksheets):
        title, headers = expected[key_of(table)]
        assert table.title == title
        assert ws["A1"].value.endswith(title)
        # forms.md: 编制单位：<部门名称> on the left, `<表号>　单位：万元` on the right (a full-width space between)
        meta = ["编制单位：茂县信访局", f"{form_code(table)}\u3000单位：万元"]
        assert xlsx_meta(ws) == meta, (key_of(table), "xlsx")
        assert html_meta(table) == meta, (key_of(table), "html")
        assert html_headers(table) == headers, (key_of(table), "html")
        assert xlsx_headers(ws, len(headers)) == headers, (key_of(table), "xlsx")
        # the first body row follows the header directly
        assert ws.cell(row=HEADER_START + len(headers), column=1).value is not None


def test_final_tables_headers_match_forms_md(final_tables):
    check(final_tables, FINAL, lambda t: t.form_code, lambda t: t.form_code)


def test_budget_tables_headers_match_forms_md(budget_tables):
    check(budget_tables, BUDGET, lambda t: t.number, lambda t: f"预算{int(t.number):02d}表")
