"""The national base sets: 部门预算 tables 1–9 and the nine 部门决算 tables (财政部 公开 forms)."""

from __future__ import annotations

from ..registry import NATIONAL, register
from ..spec import EconomicRows, FixedRow, FixedRows, FunctionRows, TableDefinition, amount_col, group, label_col
from .common import (
    BASIC,
    BUDGET_INCOME_ITEMS,
    FINAL_INCOME_ITEMS,
    FISCAL,
    GOV_FUND,
    GPB,
    OPENING,
    STATE_CAPITAL,
    THIS_YEAR_INCOME,
    THREE_PUBLIC_ROWS,
    basic_columns,
    economic_columns,
    expense,
    expense_side,
    fiscal_expense_amounts,
    function_columns,
    income,
    income_side,
    income_source_rows,
    kind_columns,
    three_public_columns,
)

TOTAL = FixedRow("合计")


def budget(key: str, number: str, title: str, **kwargs) -> TableDefinition:
    return TableDefinition(key=f"budget_{key}", number=number, title=title, filing_kind="budget", table_set=NATIONAL, **kwargs)


def final(key: str, number: str, title: str, **kwargs) -> TableDefinition:
    return TableDefinition(
        key=f"final_{key}", number=number, title=title, filing_kind="final", table_set=NATIONAL,
        form_code=f"公开{int(number):02d}表", **kwargs,
    )


def function_table(maker, key, number, title, *, sources=(), kinds=(), columns) -> TableDefinition:
    return maker(
        key, number, title,
        columns=function_columns(*columns),
        rows=(FunctionRows(filter=expense(sources=sources, kinds=kinds), depth=3),),
        total=TOTAL,
    )


def income_table(maker, key, number, title, *, items, columns, opening_label) -> TableDefinition:
    """收入 by funding source (the lines of IncomeLine): the sources, then the carry-over."""
    return maker(
        key, number, title,
        columns=(label_col("项目"), *columns),
        rows=(FixedRows((*income_source_rows(items), FixedRow(opening_label, filters=(income(OPENING),)))),),
        total=FixedRow("合计", filters=(income(THIS_YEAR_INCOME, OPENING),)),
    )


BUDGET_TABLES = (
    budget(
        "summary", "1", "部门收支总表",
        left=income_side(items=BUDGET_INCOME_ITEMS, stage="budget", amount_label="预算数", opening_label="上年结转", total_label="收入总计"),
        right=expense_side(amounts=(amount_col("预算数", "out_amount", "budget"),), closing_label="年末结转和结余", total_label="支出总计"),
    ),
    income_table(budget, "income", "2", "部门收入总表", items=BUDGET_INCOME_ITEMS, opening_label="上年结转",
                 columns=(amount_col("预算数", "budget", "budget"),)),
    function_table(budget, "expense", "3", "部门支出总表", columns=kind_columns("budget")),
    budget(
        "fiscal_summary", "4", "财政拨款收支总表",
        left=income_side(items=BUDGET_INCOME_ITEMS, stage="budget", amount_label="预算数", opening_label="上年结转",
                         total_label="收入总计", sources=FISCAL),
        right=expense_side(amounts=fiscal_expense_amounts("budget"), closing_label="年末结转和结余", total_label="支出总计", sources=FISCAL),
    ),
    function_table(budget, "gpb_expense", "5", "一般公共预算支出表", sources=(GPB,), columns=kind_columns("budget")),
    budget(
        "gpb_basic", "6", "一般公共预算基本支出表",
        columns=economic_columns(*basic_columns("budget")),
        rows=(EconomicRows(catalog="dept", filter=expense(sources=(GPB,), kinds=BASIC), depth=2),),
        total=TOTAL,
    ),
    budget("three_public", "7", "一般公共预算“三公”经费支出表", columns=three_public_columns("budget"), rows=THREE_PUBLIC_ROWS),
    function_table(budget, "gov_fund", "8", "政府性基金预算支出表", sources=(GOV_FUND,), columns=kind_columns("budget")),
    function_table(budget, "state_capital", "9", "国有资本经营预算支出表", sources=(STATE_CAPITAL,), columns=kind_columns("budget")),
)


def budget_and_actual(*, kinds: bool = True) -> tuple:
    """预算数 | 决算数（合计 / 基本支出 / 项目支出）."""
    actual = kind_columns("actual", prefix="actual_") if kinds else (amount_col("合计", "actual_total", "actual"),)
    return (amount_col("预算数", "budget_total", "budget"), group("决算数", *actual))


FINAL_TABLES = (
    final(
        "summary", "1", "收入支出决算总表",
        left=income_side(items=FINAL_INCOME_ITEMS, stage="actual", amount_label="决算数", opening_label="年初结转和结余", total_label="总计"),
        right=expense_side(amounts=(amount_col("决算数", "out_amount", "actual"),), closing_label="年末结转和结余", total_label="总计"),
    ),
    income_table(final, "income", "2", "收入决算表", items=FINAL_INCOME_ITEMS, opening_label="年初结转和结余",
                 columns=(amount_col("预算数", "budget", "budget"), amount_col("决算数", "actual", "actual"))),
    function_table(final, "expense", "3", "支出决算表", columns=(group("本年支出", *kind_columns("actual")),)),
    final(
        "fiscal_summary", "4", "财政拨款收入支出决算总表",
        left=income_side(items=FINAL_INCOME_ITEMS, stage="actual", amount_label="决算数", opening_label="年初财政拨款结转和结余",
                         total_label="总计", sources=FISCAL),
        right=expense_side(amounts=fiscal_expense_amounts("actual"), closing_label="年末财政拨款结转和结余", total_label="总计", sources=FISCAL),
    ),
    function_table(final, "gpb_expense", "5", "一般公共预算财政拨款支出决算表", sources=(GPB,), columns=budget_and_actual()),
    final(
        "gpb_basic", "6", "一般公共预算财政拨款基本支出决算表",
        columns=economic_columns(group("决算数", *basic_columns("actual"))),
        rows=(EconomicRows(catalog="dept", filter=expense(sources=(GPB,), kinds=BASIC), depth=2),),
        total=TOTAL,
    ),
    final(
        "three_public", "7", "一般公共预算财政拨款“三公”经费支出决算表",
        columns=(group("预算数", *three_public_columns("budget", prefix="budget_")), group("决算数", *three_public_columns("actual", prefix="actual_"))),
        rows=THREE_PUBLIC_ROWS,
    ),
    function_table(final, "gov_fund", "8", "政府性基金预算财政拨款收入支出决算表", sources=(GOV_FUND,), columns=budget_and_actual()),
    function_table(final, "state_capital", "9", "国有资本经营预算财政拨款支出决算表", sources=(STATE_CAPITAL,), columns=budget_and_actual()),
)

register(*BUDGET_TABLES, *FINAL_TABLES)
