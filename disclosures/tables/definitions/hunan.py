"""Hunan's 20 部门预算 tables (seed 000's list), defined from the same building blocks.

Hunan's final accounts use the national forms, so this set has no 决算 tables (see registry.table_set_for).
"""

from __future__ import annotations

from ..registry import register, register_province
from ..spec import EconomicRows, FixedRow, FixedRows, FunctionRows, TableDefinition, amount_col, label_col
from .common import (
    BASIC,
    BUDGET_INCOME_ITEMS,
    FISCAL,
    GOV_FUND,
    GPB,
    NON_FISCAL,
    OPENING,
    THIS_YEAR_INCOME,
    THREE_PUBLIC_ROWS,
    basic_columns,
    economic_columns,
    economic_kind_columns,
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

HUNAN = "hunan"
TOTAL = FixedRow("合计")
WAGES = ("301", "303")  # 工资福利支出, 对个人和家庭的补助
GOODS_AND_SERVICES = ("302",)  # 商品和服务支出


def table(number: int, key: str, title: str, **kwargs) -> TableDefinition:
    return TableDefinition(key=f"hunan_{key}", number=str(number), title=title, filing_kind="budget", table_set=HUNAN, **kwargs)


def by_economic(number: int, key: str, title: str, *, catalog: str, columns, **filter_kwargs) -> TableDefinition:
    return table(
        number, f"{key}_{catalog}", title,
        columns=economic_columns(*columns),
        rows=(EconomicRows(catalog=catalog, filter=expense(**filter_kwargs), depth=2),),
        total=TOTAL,
    )


def pair(first: int, key: str, title: str, *, columns, **filter_kwargs) -> tuple[TableDefinition, TableDefinition]:
    """The （按部门预算经济分类） / （按政府预算经济分类） twins Hunan publishes for each breakdown."""
    return (
        by_economic(first, key, f"{title}（按部门预算经济分类）", catalog="dept", columns=columns, **filter_kwargs),
        by_economic(first + 1, key, f"{title}（按政府预算经济分类）", catalog="gov", columns=columns, **filter_kwargs),
    )


def source_columns():
    return (
        amount_col("合计", "total", "budget"),
        amount_col("一般公共预算拨款", "gpb", "budget", sources=(GPB,)),
        amount_col("政府性基金预算拨款", "gov_fund", "budget", sources=(GOV_FUND,)),
        amount_col("其他资金", "other", "budget", sources=NON_FISCAL),
    )


def single_amount():
    return (amount_col("金额", "total", "budget"),)


HUNAN_BUDGET_TABLES = (
    table(
        1, "summary", "收支预算总表",
        left=income_side(items=BUDGET_INCOME_ITEMS, stage="budget", amount_label="预算数", opening_label="上年结转", total_label="收入总计"),
        right=expense_side(amounts=(amount_col("预算数", "out_amount", "budget"),), closing_label="年末结转和结余", total_label="支出总计"),
    ),
    table(
        2, "income", "收入预算总表",
        columns=(label_col("项目"), amount_col("预算数", "budget", "budget")),
        rows=(FixedRows((*income_source_rows(BUDGET_INCOME_ITEMS), FixedRow("上年结转", filters=(income(OPENING),)))),),
        total=FixedRow("合计", filters=(income(THIS_YEAR_INCOME, OPENING),)),
    ),
    table(
        3, "expense", "支出预算总表",
        columns=function_columns(*kind_columns("budget")),
        rows=(FunctionRows(filter=expense(), depth=3),),
        total=TOTAL,
    ),
    *pair(4, "expense", "支出预算分类汇总表", columns=economic_kind_columns("budget")),
    table(
        6, "fiscal_summary", "财政拨款收支预算表",
        left=income_side(items=BUDGET_INCOME_ITEMS, stage="budget", amount_label="预算数", opening_label="上年结转",
                         total_label="收入总计", sources=FISCAL),
        right=expense_side(amounts=fiscal_expense_amounts("budget"), closing_label="年末结转和结余", total_label="支出总计", sources=FISCAL),
    ),
    *pair(7, "gpb_expense", "一般公共预算支出预算分类汇总表", columns=economic_kind_columns("budget"), sources=(GPB,)),
    *pair(9, "gov_fund_expense", "政府性基金拨款支出预算分类汇总表", columns=economic_kind_columns("budget"), sources=(GOV_FUND,)),
    table(
        11, "gpb_basic", "一般公共预算基本支出表",
        columns=function_columns(*basic_columns("budget")),
        rows=(FunctionRows(filter=expense(sources=(GPB,), kinds=BASIC), depth=3),),
        total=TOTAL,
    ),
    *pair(12, "basic_wages", "基本支出预算明细表-工资福利与对个人和家庭的补助", columns=source_columns(),
          kinds=BASIC, dept_economic=WAGES),
    *pair(14, "basic_goods", "基本支出预算明细表-商品和服务支出", columns=source_columns(),
          kinds=BASIC, dept_economic=GOODS_AND_SERVICES),
    *pair(16, "gpb_basic_wages", "一般公共预算基本支出预算明细表-工资福利与对个人和家庭的补助", columns=single_amount(),
          kinds=BASIC, sources=(GPB,), dept_economic=WAGES),
    *pair(18, "gpb_basic_goods", "一般公共预算基本支出预算明细表-商品和服务支出", columns=single_amount(),
          kinds=BASIC, sources=(GPB,), dept_economic=GOODS_AND_SERVICES),
    table(20, "three_public", "“三公”经费情况表-一般公共预算", columns=three_public_columns("budget"), rows=THREE_PUBLIC_ROWS),
)

register(*HUNAN_BUDGET_TABLES)
register_province("湖南", HUNAN)
