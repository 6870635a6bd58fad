"""Seed 003 (茂县信访局 2019 年部门决算) as data, for the figures, text and checks tests.

Every amount is the published one (万元 → 元). Where the document gives only totals, the split is chosen
so that the totals hold: 基本支出 317.41 = 人员经费 2,742,550.00 元 + 公用经费 431,550.00 元 — each of which
rounds up to the printed 274.26 and 43.16, so the printed parts add up to 317.42 (the seed prints both).
Last year's figures are entered as PriorYearFigure rows: 310.17 (total), 公务用车 3.22 + 4.92, 公务接待
1.85 + 1.30, 机关运行经费 43.16 + 7.82 — the decreases the document reports.
"""

from decimal import Decimal

from disclosures.models import (
    AssetHolding,
    CatalogItem,
    Department,
    ExpenseKind,
    ExpenseLine,
    Filing,
    FiscalYear,
    FundingSource,
    IncomeLine,
    PriorYearFigure,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.money import from_wan

FUNCTION = {
    "201": "一般公共服务支出",
    "20103": "政府办公厅（室）及相关机构事务",
    "2010301": "行政运行",
    "2010302": "一般行政管理事务",
    "2010308": "信访事务",
    "2010350": "事业运行",
    "20136": "其他共产党事务支出",
    "2013602": "一般行政管理事务",
    "204": "公共安全支出",
    "20402": "公安",
    "2040202": "一般行政管理事务",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "2101102": "事业单位医疗",
    "213": "农林水支出",
    "21305": "扶贫",
    "2130599": "其他扶贫支出",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "2210203": "购房补贴",
}

ECONOMIC = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30113": "住房公积金",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30202": "印刷费",
    "30206": "电费",
    "30207": "邮电费",
    "30211": "差旅费",
    "30213": "维修（护）费",
    "30216": "培训费",
    "30217": "公务接待费",
    "30231": "公务用车运行维护费",
    "30239": "其他交通费用",
    "303": "对个人和家庭的补助",
    "30305": "生活补助",
    "310": "资本性支出",
    "31002": "办公设备购置",
    "31013": "公务用车购置",
    "399": "其他支出",
}

P, U, J = ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC, ExpenseKind.PROJECT

# (unit: "main" 信访局 (行政) | "centre" 信访接待中心 (事业), function 项, economic 款, kind, 元, project code)
LINES = [
    ("main", "2010301", "30101", P, "520000.00", None),
    ("main", "2010301", "30102", P, "480000.00", None),
    ("main", "2010301", "30103", P, "105150.00", None),
    ("main", "2010301", "30107", P, "200000.00", None),
    ("main", "2010301", "30201", U, "91550.00", None),
    ("main", "2010301", "30202", U, "20000.00", None),
    ("main", "2010301", "30206", U, "30000.00", None),
    ("main", "2010301", "30207", U, "25000.00", None),
    ("main", "2010301", "30211", U, "120000.00", None),
    ("main", "2010301", "30213", U, "40000.00", None),
    ("main", "2010301", "30216", U, "15000.00", None),
    ("main", "2010301", "30217", U, "18500.00", None),
    ("main", "2010301", "30231", U, "32200.00", None),
    ("main", "2010301", "30239", U, "39300.00", None),
    ("centre", "2010350", "30101", P, "300000.00", None),
    ("centre", "2010350", "30102", P, "200000.00", None),
    ("centre", "2010350", "30107", P, "165800.00", None),
    ("main", "2080505", "30108", P, "250300.00", None),
    ("main", "2080506", "30109", P, "115500.00", None),
    ("main", "2101101", "30110", P, "104500.00", None),
    ("centre", "2101102", "30110", P, "61200.00", None),
    ("main", "2210201", "30113", P, "229900.00", None),
    ("main", "2210203", "30305", P, "10200.00", None),
    ("main", "2010302", "30227", J, "230000.00", "XF-01"),
    ("main", "2010308", "30299", J, "345000.00", None),
    ("main", "2013602", "30299", J, "50000.00", None),
    ("main", "2040202", "30299", J, "20000.00", None),
    ("main", "2130599", "30299", J, "4000.00", None),
]
ECONOMIC.update({"30227": "委托业务费", "30299": "其他商品和服务支出"})

PROJECTS = [
    ("XF-01", "信访视频会议系统技术服务费", "230000.00", "联通了县信访局到乡镇会议视频，能够通过视频远程接访群众。"),
    ("XF-02", "特殊疑难信访问题专项资金", "250000.00", "解决了3件4人次特殊疑难信访问题。"),
    ("XF-03", "信访维稳工作经费", "165000.00", "完成了2019年驻蓉信访维稳值班工作。"),
]

PRIOR = {
    "total": "310.17",
    "fiscal_total": "310.17",
    "gpb_expense": "310.17",
    "three_public.total": "11.29",
    "three_public.overseas": "0",
    "three_public.vehicle": "8.14",
    "three_public.reception": "3.15",
    "operating_costs": "50.98",
}


def ensure_catalog(year: FiscalYear) -> dict[tuple[str, str], CatalogItem]:
    items: dict[tuple[str, str], CatalogItem] = {}
    for kind, names in ((CatalogItem.Kind.FUNCTION, FUNCTION), (CatalogItem.Kind.DEPT_ECONOMIC, ECONOMIC)):
        for code in sorted(names, key=len):
            parent = items.get((kind, code[: len(code) - 2])) if len(code) > 3 else None
            items[(kind, code)], _ = CatalogItem.objects.get_or_create(
                fiscal_year=year, kind=kind, code=code, defaults={"name": names[code], "parent": parent}
            )
    return items


def build_seed_003(*, department: Department | None = None, year: int = 2019, with_prior: bool = True) -> Filing:
    """茂县信访局 2019 年部门决算 (or the given department), every line budget = actual as published."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    catalog = ensure_catalog(fiscal_year)
    if department is None:
        department = Department.objects.create(code="513223-XF", name="茂县信访局", region="茂县")
    main = department.units.filter(is_main=True).first() or Unit.objects.create(
        department=department, code=f"{department.code}-01", name=department.name, is_main=True
    )
    centre, _ = Unit.objects.get_or_create(
        department=department, code=f"{department.code}-02",
        defaults={"name": "茂县信访接待中心", "nature": Unit.Nature.PUBLIC_INSTITUTION},
    )
    units = {"main": main, "centre": centre}
    filing = Filing.objects.create(
        department=department, fiscal_year=fiscal_year, kind=Filing.Kind.FINAL,
        duties="负责处理群众来信来访。", organisation="内设机构3个，管理1个信访接待中心。",
        reasons={"change.total": "工资保险变动"},
    )
    projects = {}
    for order, (code, name, amount, result) in enumerate(PROJECTS):
        projects[code] = Project.objects.create(
            filing=filing, unit=main, code=code, name=name, order=order,
            budget_amount=Decimal(amount), actual_amount=Decimal(amount), fiscal_amount=Decimal(amount),
            result_summary=result,
        )
    for unit, function, economic, kind, amount, project in LINES:
        ExpenseLine.objects.create(
            filing=filing, unit=units[unit],
            function_item=catalog[(CatalogItem.Kind.FUNCTION, function)],
            dept_economic_item=catalog[(CatalogItem.Kind.DEPT_ECONOMIC, economic)],
            expense_kind=kind, funding_source=FundingSource.GENERAL_PUBLIC_BUDGET,
            project=projects.get(project), budget_amount=Decimal(amount), actual_amount=Decimal(amount),
        )
    IncomeLine.objects.create(
        filing=filing, unit=main, source=FundingSource.GENERAL_PUBLIC_BUDGET,
        budget_amount=from_wan("382.31"), actual_amount=from_wan("382.31"),
    )
    ThreePublicStats.objects.create(filing=filing, reception_batches=126, reception_people=357, vehicles_owned=1)
    Procurement.objects.create(
        filing=filing, category=Procurement.Category.GOODS, budget_amount=from_wan("23"),
        actual_amount=from_wan("23"), sme_amount=from_wan("2.3"),
    )
    AssetHolding.objects.create(filing=filing, kind=AssetHolding.Kind.VEHICLE_OTHER, quantity=1)
    if with_prior:
        for key, amount in PRIOR.items():
            PriorYearFigure.objects.create(filing=filing, key=key, amount=from_wan(amount))
    return filing
