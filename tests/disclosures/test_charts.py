"""Server-side SVG charts: 万元 labels, shares adding up to 100 %, escaping, empty series."""

import re
from decimal import Decimal

from disclosures import charts

# Seed 003's expense by 类 (元), as the snapshot stores it.
EXPENSE_BY_CLASS = [
    ["一般公共服务支出", "3027500.00"],
    ["公共安全支出", "20000.00"],
    ["社会保障和就业支出", "365800.00"],
    ["卫生健康支出", "165700.00"],
    ["农林水支出", "4000.00"],
    ["住房保障支出", "240100.00"],
]


def shares(svg: str) -> list[Decimal]:
    return [Decimal(s) for s in re.findall(r"\d（(\d+\.\d)%）</text>", svg)]


def test_bar_chart_labels_in_wan_with_shares_that_add_to_100():
    svg = charts.bar_chart(EXPENSE_BY_CLASS, title="支出按功能分类（类）")
    assert svg.startswith("<svg") and 'viewBox="0 0 420' in svg
    assert "302.75（79.2%）" in svg  # 3,027,500 / 3,823,100
    assert "0.40（0.1%）" in svg
    values = shares(svg)
    assert len(values) == 6 and sum(values) == Decimal("100.0")


def test_donut_chart_total_and_legend():
    svg = charts.donut_chart([["一般公共预算财政拨款", "3823100.00"]], title="收入结构")
    assert "382.31" in svg and "（100.0%）" in svg


def test_comparison_chart_with_and_without_last_year():
    svg = charts.comparison_chart(
        [("收支总计", "3101700.00", "3823100.00"), ("本年支出合计", None, "3823100.00")],
        title="与上年对比",
        last_label="2018年",
        this_label="2019年",
    )
    assert "310.17" in svg and "382.31" in svg and "（无上年数）" in svg


def test_labels_are_escaped():
    svg = charts.bar_chart([["<script>alert(1)</script>", "100.00"]], title="t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_empty_series_says_so():
    assert "无数据" in charts.bar_chart([["公务接待费", "0.00"]], title="“三公”经费")
    assert "无数据" in charts.donut_chart([], title="收入结构")


def test_three_public_items_keep_their_zeros_when_asked():
    svg = charts.bar_chart([["因公出国（境）费", "0.00"], ["公务接待费", "18500.00"]], title="“三公”经费", keep_zero=True)
    assert "0.00（0.0%）" in svg and "1.85（100.0%）" in svg
