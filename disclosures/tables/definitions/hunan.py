"""Hunan's 20 部门预算 tables (seed 000's list), defined from the same building blocks.

The departments of 湖南 (Department.province) publish this set (registry.register_province below).
Each table's 表号 is 部门公开表01…部门公开表20, as Hunan's county templates print it above the grid.
Hunan's final accounts use the national forms, so this set has no 决算 tables (see registry.table_set_for).

Hunan's templates list the budget units in these tables: one row per budget unit under the department's row
(部门 = 本级 + 下属单位, tables.spec.UnitRows), every unit printed, zeros included:

- 2 收入预算总表, with the columns of forms.md's 部门收入总表 (合计, 上年结转, each source of 本年收入);
- 4/5, 7/8, 9/10 (支出预算分类汇总表 and its 一般公共预算 and 政府性基金 versions), one column per 经济分类 类
  (部门 or 政府, the 2020 edition of 政府收支分类科目, as in the starter catalog disclosures/data/catalog_2020_*.csv);
- 12–19 (基本支出预算明细表), one column per 经济分类 款 of the 类 they detail.

A line of a 类/款 the columns do not name (or with no economic code) still counts in 合计. Tables 1 and 6 are
two-sided 收支 tables, 3 and 11 list 功能分类 科目 (3 with forms.md's 部门支出总表 columns), 20 (三公) is one
row: the 三公 预算数 is entered per filing, not per unit.
"""

from __future__ import annotations

from ..registry import register, register_province
from ..spec import (
    Col,
    Filter,
    FixedRow,
    FunctionRows,
    TableDefinition,
    UnitRows,
    amount_col,
    code_col,
    group,
    name_col,
)
from .common import (
    BASIC,
    BUDGET_INCOME_ITEMS,
    FISCAL,
    GOV_FUND,
    GPB,
    OPENING,
    THIS_YEAR_INCOME,
    THREE_PUBLIC_ROWS,
    basic_columns,
    expense,
    expense_side,
    fiscal_expense_amounts,
    function_columns,
    income_side,
    three_public_columns,
)
from .national import expense_kind_columns

HUNAN = "hunan"
TOTAL = FixedRow("合计")
WAGES = ("301", "303")  # 工资福利支出, 对个人和家庭的补助
GOODS_AND_SERVICES = ("302",)  # 商品和服务支出


def table(number: int, key: str, title: str, **kwargs) -> TableDefinition:
    return TableDefinition(
        key=f"hunan_{key}",
        number=str(number),
        title=title,
        filing_kind="budget",
        table_set=HUNAN,
        form_code=f"部门公开表{number:02d}",
        **kwargs,
    )


#: 经济分类 类 (2020), one column each in the 支出预算分类汇总表.
DEPT_CLASSES = (
    ("301", "工资福利支出"),
    ("302", "商品和服务支出"),
    ("303", "对个人和家庭的补助"),
    ("307", "债务利息及费用支出"),
    ("309", "资本性支出（基本建设）"),
    ("310", "资本性支出"),
    ("312", "对企业补助"),
    ("313", "对社会保障基金补助"),
    ("399", "其他支出"),
)
GOV_CLASSES = (
    ("501", "机关工资福利支出"),
    ("502", "机关商品和服务支出"),
    ("503", "机关资本性支出（一）"),
    ("504", "机关资本性支出（二）"),
    ("505", "对事业单位经常性补助"),
    ("506", "对事业单位资本性补助"),
    ("507", "对企业补助"),
    ("508", "对企业资本性支出"),
    ("509", "对个人和家庭的补助"),
    ("510", "对社会保障基金补助"),
    ("511", "债务利息及费用支出"),
    ("599", "其他支出"),
)


def unit_columns(*amounts: Col) -> tuple[Col, ...]:
    return (code_col("单位编码"), name_col("单位名称"), *amounts)


def by_economic(number: int, key: str, title: str, *, catalog: str, empty_reason: str, **filter_kwargs) -> TableDefinition:
    """A 支出预算分类汇总表: a row per budget unit, 合计 and a column per 经济分类 类."""
    field = "dept_economic" if catalog == "dept" else "gov_economic"
    classes = DEPT_CLASSES if catalog == "dept" else GOV_CLASSES
    return table(
        number,
        f"{key}_{catalog}",
        title,
        columns=unit_columns(
            amount_col("合计", "total", "budget"), *(amount_col(name, f"e{code}", "budget", **{field: (code,)}) for code, name in classes)
        ),
        rows=(UnitRows(filter=expense(**filter_kwargs)),),
        total=TOTAL,
        empty_reason=empty_reason,
    )


def pair(first: int, key: str, title: str, *, empty_reason: str = "没有支出预算", **filter_kwargs) -> tuple[TableDefinition, TableDefinition]:
    """The （按部门预算经济分类） / （按政府预算经济分类） twins Hunan publishes for each breakdown."""
    return (
        by_economic(first, key, f"{title}（按部门预算经济分类）", catalog="dept", empty_reason=empty_reason, **filter_kwargs),
        by_economic(first + 1, key, f"{title}（按政府预算经济分类）", catalog="gov", empty_reason=empty_reason, **filter_kwargs),
    )


#: 部门预算支出经济分类 款 (2020): 工资福利支出, 对个人和家庭的补助, 商品和服务支出.
DEPT_WAGES = (
    ("30101", "基本工资"),
    ("30102", "津贴补贴"),
    ("30103", "奖金"),
    ("30106", "伙食补助费"),
    ("30107", "绩效工资"),
    ("30108", "机关事业单位基本养老保险缴费"),
    ("30109", "职业年金缴费"),
    ("30110", "职工基本医疗保险缴费"),
    ("30111", "公务员医疗补助缴费"),
    ("30112", "其他社会保障缴费"),
    ("30113", "住房公积金"),
    ("30114", "医疗费"),
    ("30199", "其他工资福利支出"),
)
DEPT_HOUSEHOLDS = (
    ("30301", "离休费"),
    ("30302", "退休费"),
    ("30303", "退职（役）费"),
    ("30304", "抚恤金"),
    ("30305", "生活补助"),
    ("30306", "救济费"),
    ("30307", "医疗费补助"),
    ("30308", "助学金"),
    ("30309", "奖励金"),
    ("30310", "个人农业生产补贴"),
    ("30311", "代缴社会保险费"),
    ("30399", "其他对个人和家庭的补助"),
)
DEPT_GOODS = (
    ("30201", "办公费"),
    ("30202", "印刷费"),
    ("30203", "咨询费"),
    ("30204", "手续费"),
    ("30205", "水费"),
    ("30206", "电费"),
    ("30207", "邮电费"),
    ("30208", "取暖费"),
    ("30209", "物业管理费"),
    ("30211", "差旅费"),
    ("30212", "因公出国（境）费用"),
    ("30213", "维修（护）费"),
    ("30214", "租赁费"),
    ("30215", "会议费"),
    ("30216", "培训费"),
    ("30217", "公务接待费"),
    ("30218", "专用材料费"),
    ("30224", "被装购置费"),
    ("30225", "专用燃料费"),
    ("30226", "劳务费"),
    ("30227", "委托业务费"),
    ("30228", "工会经费"),
    ("30229", "福利费"),
    ("30231", "公务用车运行维护费"),
    ("30239", "其他交通费用"),
    ("30240", "税金及附加费用"),
    ("30299", "其他商品和服务支出"),
)
#: 政府预算支出经济分类 款 (2020) the same lines fall in (对照表: 机关 → 501/502, 事业单位 → 505, 个人家庭 → 509).
GOV_WAGES = (
    ("机关工资福利支出", (("50101", "工资奖金津补贴"), ("50102", "社会保障缴费"), ("50103", "住房公积金"), ("50199", "其他工资福利支出"))),
    ("对事业单位经常性补助", (("50501", "工资福利支出"),)),
    (
        "对个人和家庭的补助",
        (("50901", "社会福利和救助"), ("50902", "助学金"), ("50903", "个人农业生产补贴"), ("50905", "离退休费"), ("50999", "其他对个人和家庭补助")),
    ),
)
GOV_GOODS = (
    (
        "机关商品和服务支出",
        (
            ("50201", "办公经费"),
            ("50202", "会议费"),
            ("50203", "培训费"),
            ("50204", "专用材料购置费"),
            ("50205", "委托业务费"),
            ("50206", "公务接待费"),
            ("50207", "因公出国（境）费用"),
            ("50208", "公务用车运行维护费"),
            ("50209", "维修（护）费"),
            ("50299", "其他商品和服务支出"),
        ),
    ),
    ("对事业单位经常性补助", (("50502", "商品和服务支出"),)),
)


def economic_item_columns(groups, *, catalog: str):
    """合计, then one column per 款 under its 类 (code in the key: e.g. `e30101`)."""
    field = "dept_economic" if catalog == "dept" else "gov_economic"
    return (
        amount_col("合计", "total", "budget"),
        *(group(label, *(amount_col(name, f"e{code}", "budget", **{field: (code,)}) for code, name in items)) for label, items in groups),
    )


def by_unit(number: int, key: str, title: str, *, catalog: str, groups, **filter_kwargs) -> TableDefinition:
    return table(
        number,
        f"{key}_{catalog}",
        title,
        columns=unit_columns(*economic_item_columns(groups, catalog=catalog)),
        rows=(UnitRows(filter=expense(**filter_kwargs)),),
        total=TOTAL,
    )


def detail_pair(first: int, key: str, title: str, *, dept_groups, gov_groups, **filter_kwargs) -> tuple[TableDefinition, TableDefinition]:
    """A 基本支出预算明细表 by unit, by 部门预算经济分类 款 and (the next number) by 政府预算经济分类 款."""
    return (
        by_unit(first, key, f"{title}（按部门预算经济分类）", catalog="dept", groups=dept_groups, **filter_kwargs),
        by_unit(first + 1, key, f"{title}（按政府预算经济分类）", catalog="gov", groups=gov_groups, **filter_kwargs),
    )


WAGE_GROUPS = (("工资福利支出", DEPT_WAGES), ("对个人和家庭的补助", DEPT_HOUSEHOLDS))
GOODS_GROUPS = (("商品和服务支出", DEPT_GOODS),)


HUNAN_BUDGET_TABLES = (
    table(
        1,
        "summary",
        "收支预算总表",
        left=income_side(items=BUDGET_INCOME_ITEMS, stage="budget", amount_label="预算数", opening_label="上年结转", total_label="收入总计"),
        right=expense_side(amounts=(amount_col("预算数", "out_amount", "budget"),), closing_label="年末结转和结余", total_label="支出总计"),
    ),
    table(
        2,
        "income",
        "收入预算总表",
        columns=unit_columns(
            amount_col("合计", "total", "budget"),
            amount_col("上年结转", "opening", "budget", categories=(OPENING,)),
            *(
                amount_col(label.split("、")[1], f"in_{source}", "budget", categories=(THIS_YEAR_INCOME,), sources=(source,))
                for label, source in BUDGET_INCOME_ITEMS
            ),
        ),
        rows=(UnitRows(filter=Filter(fact="income", categories=(THIS_YEAR_INCOME, OPENING))),),
        total=TOTAL,
        empty_reason="没有收入预算",
    ),
    table(
        3,
        "expense",
        "支出预算总表",
        columns=function_columns(*expense_kind_columns("budget", business_label="事业单位经营支出")),
        rows=(FunctionRows(filter=expense(), depth=3),),
        total=TOTAL,
        empty_reason="没有支出预算",
    ),
    *pair(4, "expense", "支出预算分类汇总表"),
    table(
        6,
        "fiscal_summary",
        "财政拨款收支预算表",
        left=income_side(
            items=BUDGET_INCOME_ITEMS, stage="budget", amount_label="预算数", opening_label="上年结转", total_label="收入总计", sources=FISCAL
        ),
        right=expense_side(amounts=fiscal_expense_amounts("budget"), closing_label="年末结转和结余", total_label="支出总计", sources=FISCAL),
    ),
    *pair(7, "gpb_expense", "一般公共预算支出预算分类汇总表", empty_reason="没有使用一般公共预算拨款安排的支出", sources=(GPB,)),
    *pair(9, "gov_fund_expense", "政府性基金拨款支出预算分类汇总表", empty_reason="没有使用政府性基金预算拨款安排的支出", sources=(GOV_FUND,)),
    table(
        11,
        "gpb_basic",
        "一般公共预算基本支出表",
        columns=function_columns(*basic_columns("budget")),
        rows=(FunctionRows(filter=expense(sources=(GPB,), kinds=BASIC), depth=3),),
        total=TOTAL,
    ),
    *detail_pair(
        12,
        "basic_wages",
        "基本支出预算明细表-工资福利与对个人和家庭的补助",
        dept_groups=WAGE_GROUPS,
        gov_groups=GOV_WAGES,
        kinds=BASIC,
        dept_economic=WAGES,
    ),
    *detail_pair(
        14,
        "basic_goods",
        "基本支出预算明细表-商品和服务支出",
        dept_groups=GOODS_GROUPS,
        gov_groups=GOV_GOODS,
        kinds=BASIC,
        dept_economic=GOODS_AND_SERVICES,
    ),
    *detail_pair(
        16,
        "gpb_basic_wages",
        "一般公共预算基本支出预算明细表-工资福利与对个人和家庭的补助",
        dept_groups=WAGE_GROUPS,
        gov_groups=GOV_WAGES,
        kinds=BASIC,
        sources=(GPB,),
        dept_economic=WAGES,
    ),
    *detail_pair(
        18,
        "gpb_basic_goods",
        "一般公共预算基本支出预算明细表-商品和服务支出",
        dept_groups=GOODS_GROUPS,
        gov_groups=GOV_GOODS,
        kinds=BASIC,
        sources=(GPB,),
        dept_economic=GOODS_AND_SERVICES,
    ),
    table(20, "three_public", "“三公”经费情况表-一般公共预算", columns=three_public_columns("budget"), rows=THREE_PUBLIC_ROWS),
)

register(*HUNAN_BUDGET_TABLES)
register_province("湖南", HUNAN)
