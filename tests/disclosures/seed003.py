"""Seed 003 (茂县信访局 2019 年部门决算) as data, for the tables, documents, figures, text and checks tests.

Every amount is the published one (万元 → 元). Where the document gives only totals, the split is chosen
so that the totals hold: 基本支出 317.41 = 人员经费 2,742,550.00 元 + 公用经费 431,550.00 元 — each of which
rounds up to the printed 274.26 and 43.16, so the printed parts add up to 317.42 (the seed prints both).
Last year's figures are entered as PriorYearFigure rows: 310.17 (total), 公务用车 3.22 + 4.92, 公务接待
1.85 + 1.30, 机关运行经费 43.16 + 7.82 — the decreases the document reports.
The catalog is the shipped starter catalog, so each line also carries its 政府经济分类 from the 对照表
(the 信访接待中心 is a 事业单位: its spending is 对事业单位经常性补助). The split of 人员经费 and 公用经费 by
economic code is invented; the published 机关运行经费 43.16 is all of the 机关's 公用经费.
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
from disclosures.services.catalog import catalog_load_starter
from disclosures.services.lines import derive_gov_economic_item

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
    """The shipped starter catalog (official names, 部门→政府经济分类 对照表) in that year, by (kind, code)."""
    catalog_load_starter(fiscal_year=year)
    return {(item.kind, item.code): item for item in CatalogItem.objects.filter(fiscal_year=year)}


def build_seed_003(
    *,
    department: Department | None = None,
    year: int = 2019,
    with_prior: bool = True,
    department_code: str = "513223-XF",
    name: str = "茂县信访局",
) -> Filing:
    """茂县信访局 2019 年部门决算, every line budget = actual as published.

    Filed by `department` if given, else by a new department `department_code`/`name` (a second,
    identical filing of another department is how the tables' query-count test grows the data)."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    catalog = ensure_catalog(fiscal_year)
    if department is None:
        department = Department.objects.create(code=department_code, name=name, region="茂县")
    main = department.units.filter(is_main=True).first() or Unit.objects.create(
        department=department, code=f"{department.code}-01", name=department.name, is_main=True
    )
    centre, _ = Unit.objects.get_or_create(
        department=department,
        code=f"{department.code}-02",
        defaults={"name": "茂县信访接待中心", "nature": Unit.Nature.PUBLIC_INSTITUTION},
    )
    units = {"main": main, "centre": centre}
    filing = Filing.objects.create(
        department=department,
        fiscal_year=fiscal_year,
        kind=Filing.Kind.FINAL,
        duties="负责处理群众来信来访。",
        organisation="内设机构3个，管理1个信访接待中心。",
        reasons={"change.total": "工资保险变动"},
    )
    projects = {}
    for order, (code, name, amount, result) in enumerate(PROJECTS):
        projects[code] = Project.objects.create(
            filing=filing,
            unit=main,
            code=code,
            name=name,
            order=order,
            budget_amount=Decimal(amount),
            actual_amount=Decimal(amount),
            fiscal_amount=Decimal(amount),
            result_summary=result,
        )
    expense_lines = []
    for unit, function, economic, kind, amount, project in LINES:
        dept_item = catalog[(CatalogItem.Kind.DEPT_ECONOMIC, economic)]
        expense_lines.append(
            ExpenseLine(
                filing=filing,
                unit=units[unit],
                function_item=catalog[(CatalogItem.Kind.FUNCTION, function)],
                dept_economic_item=dept_item,
                gov_economic_item=derive_gov_economic_item(dept_economic_item=dept_item, unit=units[unit]),
                expense_kind=kind,
                funding_source=FundingSource.GENERAL_PUBLIC_BUDGET,
                project=projects.get(project),
                budget_amount=Decimal(amount),
                actual_amount=Decimal(amount),
            )
        )
    ExpenseLine.objects.bulk_create(expense_lines)
    # 本年收入 382.31, by unit and 功能分类 项 as it was spent (收入决算表 lists income by function).
    income: dict[tuple[str, str], Decimal] = {}
    for unit, function, _economic, _kind, amount, _project in LINES:
        income[(unit, function)] = income.get((unit, function), Decimal("0.00")) + Decimal(amount)
    IncomeLine.objects.bulk_create(
        [
            IncomeLine(
                filing=filing,
                unit=units[unit],
                source=FundingSource.GENERAL_PUBLIC_BUDGET,
                function_item=catalog[(CatalogItem.Kind.FUNCTION, function)],
                budget_amount=amount,
                actual_amount=amount,
            )
            for (unit, function), amount in sorted(income.items())
        ]
    )
    ThreePublicStats.objects.create(filing=filing, reception_batches=126, reception_people=357, vehicles_owned=1)
    Procurement.objects.create(
        filing=filing,
        category=Procurement.Category.GOODS,
        budget_amount=from_wan("23"),
        actual_amount=from_wan("23"),
        sme_amount=from_wan("2.3"),
    )
    AssetHolding.objects.create(filing=filing, kind=AssetHolding.Kind.VEHICLE_OTHER, quantity=1)
    if with_prior:
        for key, amount in PRIOR.items():
            PriorYearFigure.objects.create(filing=filing, key=key, amount=from_wan(amount))
    return filing
