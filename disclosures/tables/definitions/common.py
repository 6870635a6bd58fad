"""Building blocks shared by the table sets: filters, the usual column groups and the 收支总表 sides."""

from __future__ import annotations

from disclosures.models import ExpenseKind, FundingSource

from ..spec import Col, FixedRow, FixedRows, Filter, FunctionRows, Side, amount_col, code_col, group, label_col, name_col

GPB = FundingSource.GENERAL_PUBLIC_BUDGET.value
GOV_FUND = FundingSource.GOVERNMENT_FUND.value
STATE_CAPITAL = FundingSource.STATE_CAPITAL.value
FISCAL = (GPB, GOV_FUND, STATE_CAPITAL)
NON_FISCAL = tuple(s.value for s in FundingSource if s.value not in FISCAL)

PERSONNEL = ExpenseKind.PERSONNEL.value
PUBLIC = ExpenseKind.PUBLIC.value
PROJECT = ExpenseKind.PROJECT.value
BASIC = (PERSONNEL, PUBLIC)

#: "三公"经费 economic codes (差旅费 30211 is not one of them).
OVERSEAS = "30212"  # 因公出国（境）费用
VEHICLE_PURCHASE = "31013"  # 公务用车购置
VEHICLE_RUNNING = "30231"  # 公务用车运行维护费
RECEPTION = "30217"  # 公务接待费
THREE_PUBLIC = (OVERSEAS, VEHICLE_PURCHASE, VEHICLE_RUNNING, RECEPTION)

THIS_YEAR_INCOME = "income"
OPENING = "opening"
CLOSING = "closing"


def expense(**kwargs) -> Filter:
    return Filter(fact="expense", **kwargs)


def income(*categories: str, sources: tuple[str, ...] = ()) -> Filter:
    return Filter(fact="income", categories=categories, sources=sources)


def kind_columns(stage: str, *, prefix: str = "", total_label: str = "合计") -> tuple[Col, ...]:
    """合计 | 基本支出 | 项目支出."""
    return (
        amount_col(total_label, f"{prefix}total", stage),
        amount_col("基本支出", f"{prefix}basic", stage, kinds=BASIC),
        amount_col("项目支出", f"{prefix}project", stage, kinds=(PROJECT,)),
    )


def basic_columns(stage: str, *, prefix: str = "") -> tuple[Col, ...]:
    """合计 | 人员经费 | 公用经费."""
    return (
        amount_col("合计", f"{prefix}total", stage),
        amount_col("人员经费", f"{prefix}personnel", stage, kinds=(PERSONNEL,)),
        amount_col("公用经费", f"{prefix}public", stage, kinds=(PUBLIC,)),
    )


def economic_kind_columns(stage: str) -> tuple[Col, ...]:
    """合计 | 基本支出（小计 / 人员经费 / 公用经费）| 项目支出."""
    return (
        amount_col("合计", "total", stage),
        group(
            "基本支出",
            amount_col("小计", "basic", stage, kinds=BASIC),
            amount_col("人员经费", "personnel", stage, kinds=(PERSONNEL,)),
            amount_col("公用经费", "public", stage, kinds=(PUBLIC,)),
        ),
        amount_col("项目支出", "project", stage, kinds=(PROJECT,)),
    )


def three_public_columns(stage: str, *, prefix: str = "", vehicle_labels: tuple[str, str] = ("公务用车购置费", "公务用车运行费")) -> tuple[Col, ...]:
    """合计 | 因公出国（境）费 | 公务用车购置及运行费（小计 / 购置费 / 运行费）| 公务接待费.

    The 预算数 columns (stage budget/initial) read the 三公 预算数 the department enters per item (facts
    "three_public_budget", see tables.engine), not the budget of the 30212/31013/30231/30217 lines; the
    决算数 columns read the lines.
    """
    fact = "expense" if stage == "actual" else "three_public_budget"
    return (
        amount_col("合计", f"{prefix}total", stage, fact=fact, dept_economic=THREE_PUBLIC),
        amount_col("因公出国（境）费", f"{prefix}overseas", stage, fact=fact, dept_economic=(OVERSEAS,)),
        group(
            "公务用车购置及运行费",
            amount_col("小计", f"{prefix}vehicle", stage, fact=fact, dept_economic=(VEHICLE_PURCHASE, VEHICLE_RUNNING)),
            amount_col(vehicle_labels[0], f"{prefix}vehicle_purchase", stage, fact=fact, dept_economic=(VEHICLE_PURCHASE,)),
            amount_col(vehicle_labels[1], f"{prefix}vehicle_running", stage, fact=fact, dept_economic=(VEHICLE_RUNNING,)),
        ),
        amount_col("公务接待费", f"{prefix}reception", stage, fact=fact, dept_economic=(RECEPTION,)),
    )


THREE_PUBLIC_ROWS = (FixedRows((FixedRow("一般公共预算", filters=(expense(sources=(GPB,)), Filter(fact="three_public_budget"))),)),)


def function_columns(*amounts: Col) -> tuple[Col, ...]:
    return (code_col(), name_col(), *amounts)


def economic_columns(*amounts: Col) -> tuple[Col, ...]:
    return (code_col(), name_col(), *amounts)


# 收支总表 ----------------------------------------------------------------------------------------

BUDGET_INCOME_ITEMS = (
    ("一、一般公共预算拨款收入", GPB),
    ("二、政府性基金预算拨款收入", GOV_FUND),
    ("三、国有资本经营预算拨款收入", STATE_CAPITAL),
    ("四、财政专户管理资金收入", FundingSource.SPECIAL_ACCOUNT.value),
    ("五、事业收入", FundingSource.BUSINESS.value),
    ("六、事业单位经营收入", FundingSource.OPERATING.value),
    ("七、上级补助收入", FundingSource.SUPERIOR_SUBSIDY.value),
    ("八、附属单位上缴收入", FundingSource.AFFILIATE.value),
    ("九、其他收入", FundingSource.OTHER.value),
)

FINAL_INCOME_ITEMS = (
    ("一、一般公共预算财政拨款收入", GPB),
    ("二、政府性基金预算财政拨款收入", GOV_FUND),
    ("三、国有资本经营预算财政拨款收入", STATE_CAPITAL),
    ("四、上级补助收入", FundingSource.SUPERIOR_SUBSIDY.value),
    ("五、事业收入", FundingSource.BUSINESS.value),
    ("六、经营收入", FundingSource.OPERATING.value),
    ("七、附属单位上缴收入", FundingSource.AFFILIATE.value),
    ("八、其他收入", FundingSource.OTHER.value),
    ("九、财政专户管理资金收入", FundingSource.SPECIAL_ACCOUNT.value),
)


def income_source_rows(items, *, sources: tuple[str, ...] = ()) -> tuple[FixedRow, ...]:
    """One row per funding source (income of the year), restricted to `sources` when given."""
    return tuple(
        FixedRow(label, filters=(income(THIS_YEAR_INCOME, sources=(source,)),)) for label, source in items if not sources or source in sources
    )


def income_side(*, items, stage: str, amount_label: str, opening_label: str, total_label: str, sources: tuple[str, ...] = ()) -> Side:
    return Side(
        heading="收入",
        columns=(label_col("项目", key="in_label"), amount_col(amount_label, "in_amount", stage)),
        rows=(
            FixedRows(
                (
                    *income_source_rows(items, sources=sources),
                    FixedRow("本年收入合计", filters=(income(THIS_YEAR_INCOME, sources=sources),), bold=True),
                    FixedRow(opening_label, filters=(income(OPENING, sources=sources),)),
                )
            ),
        ),
        total=FixedRow(total_label, filters=(income(THIS_YEAR_INCOME, OPENING, sources=sources),)),
    )


def expense_side(*, amounts: tuple[Col, ...], closing_label: str, total_label: str, sources: tuple[str, ...] = ()) -> Side:
    """支出 by 功能分类 类, then 本年支出合计, 年末结转和结余 and the total."""
    return Side(
        heading="支出",
        columns=(label_col("项目", key="out_label"), *amounts),
        rows=(
            FunctionRows(filter=expense(sources=sources), depth=1),
            FixedRows(
                (
                    FixedRow("本年支出合计", filters=(expense(sources=sources),), bold=True),
                    FixedRow(closing_label, filters=(income(CLOSING, sources=sources),)),
                )
            ),
        ),
        total=FixedRow(total_label, filters=(expense(sources=sources), income(CLOSING, sources=sources))),
    )


def fiscal_expense_amounts(stage: str) -> tuple[Col, ...]:
    """合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算 (of 财政拨款)."""
    return (
        amount_col("合计", "out_total", stage, sources=FISCAL),
        amount_col("一般公共预算", "out_gpb", stage, sources=(GPB,)),
        amount_col("政府性基金预算", "out_gov_fund", stage, sources=(GOV_FUND,)),
        amount_col("国有资本经营预算", "out_state_capital", stage, sources=(STATE_CAPITAL,)),
    )
