"""The national base sets: 部门预算 tables 1–9 and the nine 部门决算 tables (财政部 公开01–09表).

Column by column as `../shared/forms.md` lists them (the 财政部 templates as counties publish them).
Where forms.md leaves a choice open, the choice is noted at the table:

- 公开01/公开04 number their rows (行次) down the 收入 side from 1 and go on down the 支出 side, so every 行次
  is unique, as on the templates; blank padding rows have none.
- 决算: 财政专户管理资金 is not a row of 公开01/公开02 (the template has none): it counts as 事业收入.
- 表号 (forms.md: `<表号>　单位：万元` above every table): 公开01表…公开09表 for the 决算, as the templates print
  them; the budget set, whose seeds print no 表号, uses the 预算01表…预算09表 of the 地方部门预算公开 sample tables.
- 公开09 uses the newer years' columns (年初结转和结余, 本年收入, 本年支出, 年末结转和结余) for every year.
"""

from __future__ import annotations

from disclosures.models import FundingSource

from ..registry import NATIONAL, register
from ..spec import (
    EconomicRows,
    Filter,
    FixedRow,
    FixedRows,
    FunctionRows,
    Side,
    TableDefinition,
    amount_col,
    code_col,
    group,
    label_col,
    line_no_col,
    name_col,
)
from .common import (
    BASIC,
    CLOSING,
    FISCAL,
    GOV_FUND,
    GPB,
    OPENING,
    PERSONNEL,
    PROJECT,
    PUBLIC,
    STATE_CAPITAL,
    THIS_YEAR_INCOME,
    THREE_PUBLIC_ROWS,
    basic_columns,
    economic_columns,
    expense,
    function_columns,
    income,
    three_public_columns,
)

TOTAL = FixedRow("合计")
BALANCE_USED = "balance_used"
DISTRIBUTION = "distribution"
UPPER, BUSINESS_EXPENSE, SUBSIDY = "upper", "business", "subsidy"

SUPERIOR = FundingSource.SUPERIOR_SUBSIDY.value
BUSINESS = FundingSource.BUSINESS.value
OPERATING = FundingSource.OPERATING.value
AFFILIATE = FundingSource.AFFILIATE.value
OTHER = FundingSource.OTHER.value
SPECIAL = FundingSource.SPECIAL_ACCOUNT.value


def budget(key: str, number: str, title: str, **kwargs) -> TableDefinition:
    return TableDefinition(
        key=f"budget_{key}",
        number=number,
        title=title,
        filing_kind="budget",
        table_set=NATIONAL,
        form_code=f"预算{int(number):02d}表",
        **kwargs,
    )


def final(key: str, number: str, title: str, **kwargs) -> TableDefinition:
    return TableDefinition(
        key=f"final_{key}",
        number=number,
        title=title,
        filing_kind="final",
        table_set=NATIONAL,
        form_code=f"公开{int(number):02d}表",
        **kwargs,
    )


def function_table(maker, key, number, title, *, columns, rows_filter: Filter, empty_reason: str) -> TableDefinition:
    """合计, then 类/款/项 of the 功能分类."""
    return maker(
        key,
        number,
        title,
        columns=function_columns(*columns),
        rows=(FunctionRows(filter=rows_filter, depth=3),),
        total=TOTAL,
        empty_reason=empty_reason,
    )


def every_class(*, sources: tuple[str, ...] = ()) -> FunctionRows:
    """Every 功能分类 类 of the year's catalog in catalog order, zeros printed, numbered 一、二、…"""
    return FunctionRows(filter=expense(sources=sources), depth=1, all_classes=True, numbered=True)


def source_rows(items, *, category: str = THIS_YEAR_INCOME) -> tuple[FixedRow, ...]:
    return tuple(FixedRow(label, filters=(income(category, sources=sources),)) for label, sources in items)


def expense_kind_columns(stage: str, *, business_label: str) -> tuple:
    """本年支出合计 | 基本支出 | 项目支出 | 上缴上级支出 | 经营支出 | 对附属单位补助支出 (公开03, 部门支出总表)."""
    return (
        amount_col("合计" if stage == "budget" else "本年支出合计", "total", stage),
        amount_col("基本支出", "basic", stage, kinds=BASIC),
        amount_col("项目支出", "project", stage, kinds=(PROJECT,)),
        amount_col("上缴上级支出", "upper", stage, kinds=(UPPER,)),
        amount_col(business_label, "business", stage, kinds=(BUSINESS_EXPENSE,)),
        amount_col("对附属单位补助支出", "subsidy", stage, kinds=(SUBSIDY,)),
    )


def spending_columns(stage: str, *, total_label: str) -> tuple:
    """小计/合计 | 基本支出 | 项目支出 of the expense facts (columns of a table whose rows hold income too)."""
    return (
        amount_col(total_label, "total", stage, fact="expense"),
        amount_col("基本支出", "basic", stage, fact="expense", kinds=BASIC),
        amount_col("项目支出", "project", stage, fact="expense", kinds=(PROJECT,)),
    )


def prior_three_public_columns() -> tuple:
    """上年预算数 of the budget's 三公 table, each column one item of last year's figures (engine: three_public_prior)."""

    def prior(label: str, item: str):
        return amount_col(label, f"prior_{item}", "budget", fact="three_public_prior", categories=(item,))

    return (
        prior("合计", "total"),
        prior("因公出国（境）费", "overseas"),
        group("公务用车购置及运行费", prior("小计", "vehicle"), prior("购置费", "vehicle_purchase"), prior("运行费", "vehicle_operation")),
        prior("公务接待费", "reception"),
    )


# 部门预算 ------------------------------------------------------------------------------------------

BUDGET_INCOME_ITEMS = (
    ("一、一般公共预算拨款收入", (GPB,)),
    ("二、政府性基金预算拨款收入", (GOV_FUND,)),
    ("三、国有资本经营预算拨款收入", (STATE_CAPITAL,)),
    ("四、财政专户管理资金收入", (SPECIAL,)),
    ("五、事业收入", (BUSINESS,)),
    ("六、上级补助收入", (SUPERIOR,)),
    ("七、附属单位上缴收入", (AFFILIATE,)),
    ("八、事业单位经营收入", (OPERATING,)),
    ("九、其他收入", (OTHER,)),
)
BUDGET_FISCAL_ITEMS = BUDGET_INCOME_ITEMS[:3]


def budget_summary(key: str, number: str, title: str, *, items, sources: tuple[str, ...], amounts: tuple) -> TableDefinition:
    """部门收支总表 (1) and 财政拨款收支总表 (4): 收入 by source, 本年收入合计, 上年结转 ‖ every 类, 本年支出合计, 结转下年."""
    return budget(
        key,
        number,
        title,
        left=Side(
            heading="收入",
            columns=(label_col("项目", key="in_label"), amount_col("预算数", "in_amount", "budget")),
            rows=(
                FixedRows(
                    (
                        *source_rows(items),
                        FixedRow("本年收入合计", filters=(income(THIS_YEAR_INCOME, sources=sources),), bold=True),
                        FixedRow("上年结转", filters=(income(OPENING, sources=sources),)),
                    )
                ),
            ),
            total=FixedRow("收入总计", filters=(income(THIS_YEAR_INCOME, OPENING, sources=sources),)),
        ),
        right=Side(
            heading="支出",
            columns=(label_col("项目", key="out_label"), *amounts),
            rows=(
                every_class(sources=sources),
                FixedRows(
                    (
                        FixedRow("本年支出合计", filters=(expense(sources=sources),), bold=True),
                        FixedRow("结转下年", filters=(income(CLOSING, sources=sources),)),
                    )
                ),
            ),
            total=FixedRow("支出总计", filters=(expense(sources=sources), income(CLOSING, sources=sources))),
        ),
    )


BUDGET_TABLES = (
    budget_summary("summary", "1", "部门收支总表", items=BUDGET_INCOME_ITEMS, sources=(), amounts=(amount_col("预算数", "out_amount", "budget"),)),
    function_table(
        budget,
        "income",
        "2",
        "部门收入总表",
        rows_filter=Filter(fact="income", categories=(THIS_YEAR_INCOME, OPENING)),
        columns=(
            amount_col("合计", "total", "budget"),
            amount_col("上年结转", "opening", "budget", categories=(OPENING,)),
            *(
                amount_col(label.split("、")[1], f"in_{sources[0]}", "budget", categories=(THIS_YEAR_INCOME,), sources=sources)
                for label, sources in BUDGET_INCOME_ITEMS
            ),
        ),
        empty_reason="没有收入预算",
    ),
    function_table(
        budget,
        "expense",
        "3",
        "部门支出总表",
        rows_filter=expense(),
        columns=expense_kind_columns("budget", business_label="事业单位经营支出"),
        empty_reason="没有支出预算",
    ),
    budget_summary(
        "fiscal_summary",
        "4",
        "财政拨款收支总表",
        items=BUDGET_FISCAL_ITEMS,
        sources=FISCAL,
        amounts=(
            amount_col("合计", "out_total", "budget", sources=FISCAL),
            amount_col("一般公共预算", "out_gpb", "budget", sources=(GPB,)),
            amount_col("政府性基金预算", "out_gov_fund", "budget", sources=(GOV_FUND,)),
            amount_col("国有资本经营预算", "out_state_capital", "budget", sources=(STATE_CAPITAL,)),
        ),
    ),
    function_table(
        budget,
        "gpb_expense",
        "5",
        "一般公共预算支出表",
        rows_filter=expense(sources=(GPB,)),
        columns=(
            amount_col("合计", "total", "budget"),
            group(
                "基本支出",
                amount_col("人员经费", "personnel", "budget", kinds=(PERSONNEL,)),
                amount_col("公用经费", "public", "budget", kinds=(PUBLIC,)),
            ),
            amount_col("项目支出", "project", "budget", kinds=(PROJECT,)),
        ),
        empty_reason="没有使用一般公共预算拨款安排的支出",
    ),
    budget(
        "gpb_basic",
        "6",
        "一般公共预算基本支出表",
        columns=economic_columns(*basic_columns("budget")),
        rows=(EconomicRows(catalog="dept", filter=expense(sources=(GPB,), kinds=BASIC), depth=2),),
        total=TOTAL,
        empty_reason="没有使用一般公共预算拨款安排的基本支出",
    ),
    budget(
        "three_public",
        "7",
        "一般公共预算“三公”经费支出表",
        columns=(
            group("上年预算数", *prior_three_public_columns()),
            group("本年预算数", *three_public_columns("budget", vehicle_labels=("购置费", "运行费"))),
        ),
        rows=(FixedRows((FixedRow("一般公共预算", filters=(*THREE_PUBLIC_ROWS[0].rows[0].filters, Filter(fact="three_public_prior"))),)),),
    ),
    function_table(
        budget,
        "gov_fund",
        "8",
        "政府性基金预算支出表",
        rows_filter=expense(sources=(GOV_FUND,)),
        columns=(group("本年政府性基金预算支出", *spending_columns("budget", total_label="合计")),),
        empty_reason="没有使用政府性基金预算拨款安排的支出",
    ),
    function_table(
        budget,
        "state_capital",
        "9",
        "国有资本经营预算支出表",
        rows_filter=expense(sources=(STATE_CAPITAL,)),
        columns=(group("本年国有资本经营预算支出", *spending_columns("budget", total_label="合计")),),
        empty_reason="没有使用国有资本经营预算拨款安排的支出",
    ),
)


# 部门决算 ------------------------------------------------------------------------------------------

FINAL_INCOME_ITEMS = (
    ("一、一般公共预算财政拨款收入", (GPB,)),
    ("二、政府性基金预算财政拨款收入", (GOV_FUND,)),
    ("三、国有资本经营预算财政拨款收入", (STATE_CAPITAL,)),
    ("四、上级补助收入", (SUPERIOR,)),
    ("五、事业收入", (BUSINESS, SPECIAL)),
    ("六、经营收入", (OPERATING,)),
    ("七、附属单位上缴收入", (AFFILIATE,)),
    ("八、其他收入", (OTHER,)),
)
FISCAL_SOURCES = (
    ("一般公共预算财政拨款", GPB),
    ("政府性基金预算财政拨款", GOV_FUND),
    ("国有资本经营预算财政拨款", STATE_CAPITAL),
)


def final_fund_table(key: str, number: str, title: str, *, source: str, empty_reason: str) -> TableDefinition:
    """公开08 / 公开09: 年初结转和结余, 本年收入, 本年支出 (小计/基本/项目), 年末结转和结余 by 功能分类."""
    return function_table(
        final,
        key,
        number,
        title,
        rows_filter=Filter(sources=(source,)),
        columns=(
            amount_col("年初结转和结余", "opening", "actual", fact="income", categories=(OPENING,)),
            amount_col("本年收入", "income", "actual", fact="income", categories=(THIS_YEAR_INCOME,)),
            group("本年支出", *spending_columns("actual", total_label="小计")),
            amount_col("年末结转和结余", "closing", "actual", fact="income", categories=(CLOSING,)),
        ),
        empty_reason=empty_reason,
    )


FINAL_TABLES = (
    final(
        "summary",
        "1",
        "收入支出决算总表",
        left=Side(
            heading="收入",
            columns=(label_col("项目", key="in_label"), line_no_col(key="in_line"), amount_col("决算数", "in_amount", "actual")),
            rows=(
                FixedRows(
                    (
                        *source_rows(FINAL_INCOME_ITEMS),
                        FixedRow("本年收入合计", filters=(income(THIS_YEAR_INCOME),), bold=True),
                        FixedRow("使用非财政拨款结余", filters=(income(BALANCE_USED),)),
                        FixedRow("年初结转和结余", filters=(income(OPENING),)),
                    )
                ),
            ),
            total=FixedRow("总计", filters=(income(THIS_YEAR_INCOME, BALANCE_USED, OPENING),)),
        ),
        right=Side(
            heading="支出",
            columns=(label_col("项目", key="out_label"), line_no_col(key="out_line"), amount_col("决算数", "out_amount", "actual")),
            rows=(
                every_class(),
                FixedRows(
                    (
                        FixedRow("本年支出合计", filters=(expense(),), bold=True),
                        FixedRow("结余分配", filters=(income(DISTRIBUTION),)),
                        FixedRow("年末结转和结余", filters=(income(CLOSING),)),
                    )
                ),
            ),
            total=FixedRow("总计", filters=(expense(), income(DISTRIBUTION, CLOSING))),
        ),
    ),
    function_table(
        final,
        "income",
        "2",
        "收入决算表",
        rows_filter=Filter(fact="income", categories=(THIS_YEAR_INCOME,)),
        columns=(
            amount_col("本年收入合计", "total", "actual"),
            amount_col("财政拨款收入", "fiscal", "actual", sources=FISCAL),
            amount_col("上级补助收入", "superior", "actual", sources=(SUPERIOR,)),
            amount_col("事业收入", "business", "actual", sources=(BUSINESS, SPECIAL)),
            amount_col("经营收入", "operating", "actual", sources=(OPERATING,)),
            amount_col("附属单位上缴收入", "affiliate", "actual", sources=(AFFILIATE,)),
            amount_col("其他收入", "other", "actual", sources=(OTHER,)),
        ),
        empty_reason="没有本年收入",
    ),
    function_table(
        final,
        "expense",
        "3",
        "支出决算表",
        rows_filter=expense(),
        columns=expense_kind_columns("actual", business_label="经营支出"),
        empty_reason="没有本年支出",
    ),
    final(
        "fiscal_summary",
        "4",
        "财政拨款收入支出决算总表",
        left=Side(
            heading="收入",
            columns=(label_col("项目", key="in_label"), line_no_col(key="in_line"), amount_col("决算数", "in_amount", "actual")),
            rows=(
                FixedRows(
                    (
                        *(
                            FixedRow(f"{n}、{label}", filters=(income(THIS_YEAR_INCOME, sources=(source,)),))
                            for n, (label, source) in zip("一二三", FISCAL_SOURCES)
                        ),
                        FixedRow("本年收入合计", filters=(income(THIS_YEAR_INCOME, sources=FISCAL),), bold=True),
                        FixedRow("年初财政拨款结转和结余", filters=(income(OPENING, sources=FISCAL),)),
                        *(FixedRow(label, filters=(income(OPENING, sources=(source,)),), level=2) for label, source in FISCAL_SOURCES),
                    )
                ),
            ),
            total=FixedRow("总计", filters=(income(THIS_YEAR_INCOME, OPENING, sources=FISCAL),)),
        ),
        right=Side(
            heading="支出",
            columns=(
                label_col("项目", key="out_label"),
                line_no_col(key="out_line"),
                amount_col("合计", "out_total", "actual", sources=FISCAL),
                *(amount_col(label, f"out_{source}", "actual", sources=(source,)) for label, source in FISCAL_SOURCES),
            ),
            rows=(
                every_class(sources=FISCAL),
                FixedRows(
                    (
                        FixedRow("本年支出合计", filters=(expense(sources=FISCAL),), bold=True),
                        FixedRow("年末财政拨款结转和结余", filters=(income(CLOSING, sources=FISCAL),)),
                    )
                ),
            ),
            total=FixedRow("总计", filters=(expense(sources=FISCAL), income(CLOSING, sources=FISCAL))),
        ),
    ),
    function_table(
        final,
        "gpb_expense",
        "5",
        "一般公共预算财政拨款支出决算表",
        rows_filter=expense(sources=(GPB,)),
        columns=(group("本年支出", *spending_columns("actual", total_label="小计")),),
        empty_reason="没有使用一般公共预算财政拨款安排的支出",
    ),
    final(
        "gpb_basic",
        "6",
        "一般公共预算财政拨款基本支出决算表",
        left=Side(
            heading="人员经费",
            columns=(code_col(key="p_code"), name_col(key="p_name"), amount_col("决算数", "personnel", "actual")),
            rows=(EconomicRows(catalog="dept", filter=expense(sources=(GPB,), kinds=(PERSONNEL,)), depth=2),),
            total=FixedRow("人员经费合计", filters=(expense(sources=(GPB,), kinds=(PERSONNEL,)),)),
        ),
        right=Side(
            heading="公用经费",
            columns=(code_col(key="u_code"), name_col(key="u_name"), amount_col("决算数", "public", "actual")),
            rows=(EconomicRows(catalog="dept", filter=expense(sources=(GPB,), kinds=(PUBLIC,)), depth=2),),
            total=FixedRow("公用经费合计", filters=(expense(sources=(GPB,), kinds=(PUBLIC,)),)),
        ),
        empty_reason="没有使用一般公共预算财政拨款安排的基本支出",
    ),
    final(
        "three_public",
        "7",
        "一般公共预算财政拨款“三公”经费支出决算表",
        columns=(
            group("预算数", *three_public_columns("budget", prefix="budget_")),
            group("决算数", *three_public_columns("actual", prefix="actual_")),
        ),
        rows=THREE_PUBLIC_ROWS,
    ),
    final_fund_table(
        "gov_fund", "8", "政府性基金预算财政拨款收入支出决算表", source=GOV_FUND, empty_reason="没有使用政府性基金预算财政拨款安排的支出"
    ),
    final_fund_table(
        "state_capital", "9", "国有资本经营预算财政拨款支出决算表", source=STATE_CAPITAL, empty_reason="没有使用国有资本经营预算财政拨款安排的支出"
    ),
)

register(*BUDGET_TABLES, *FINAL_TABLES)
