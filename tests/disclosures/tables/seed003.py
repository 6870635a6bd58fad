"""茂县信访局 2019 final accounts (seed 003), rebuilt as lines in 元.

The published figures are reproduced exactly in 万元. Where the seed disagrees with itself
(基本支出 317.41 vs 人员经费 274.26 + 公用经费 43.16 = 317.42), amounts in 元 are chosen whose
rounded 万元 figures are all the published ones: 2,742,555 + 431,555 = 3,174,110 元 shows as
274.26 + 43.16 = 317.41. The 项目支出 64.90 includes an unnamed 0.40 扶贫 line, which is why the
three named projects add up to only 64.5.
"""

from __future__ import annotations

from decimal import Decimal

from disclosures.models import (
    CatalogItem,
    Department,
    ExpenseLine,
    Filing,
    FiscalYear,
    IncomeLine,
    Project,
    ThreePublicStats,
    Unit,
)

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
    "2210203": "住房补贴",
}

GOV_ECONOMIC = {
    "501": "机关工资福利支出",
    "50101": "工资奖金津补贴",
    "50102": "社会保障缴费",
    "50103": "住房公积金",
    "502": "机关商品和服务支出",
    "50201": "办公经费",
    "50203": "培训费",
    "50205": "委托业务费",
    "50206": "公务接待费",
    "50208": "公务用车运行维护费",
    "50299": "其他商品和服务支出",
    "505": "对事业单位经常性补助",
    "50501": "工资福利支出",
    "50502": "商品和服务支出",
    "509": "对个人和家庭的补助",
    "50901": "社会福利和救助",
    "50999": "其他对个人和家庭补助",
}

# 部门经济分类 code → (name, 政府经济分类 for 行政单位)
DEPT_ECONOMIC = {
    "301": ("工资福利支出", ""),
    "30101": ("基本工资", "50101"),
    "30102": ("津贴补贴", "50101"),
    "30103": ("奖金", "50101"),
    "30107": ("绩效工资", "50101"),
    "30108": ("机关事业单位基本养老保险缴费", "50102"),
    "30109": ("职业年金缴费", "50102"),
    "30110": ("职工基本医疗保险缴费", "50102"),
    "30113": ("住房公积金", "50103"),
    "302": ("商品和服务支出", ""),
    "30201": ("办公费", "50201"),
    "30206": ("电费", "50201"),
    "30211": ("差旅费", "50201"),
    "30216": ("培训费", "50203"),
    "30217": ("公务接待费", "50206"),
    "30227": ("委托业务费", "50205"),
    "30231": ("公务用车运行维护费", "50208"),
    "30299": ("其他商品和服务支出", "50299"),
    "303": ("对个人和家庭的补助", ""),
    "30399": ("其他对个人和家庭的补助", "50999"),
    "310": ("资本性支出", ""),
    "31013": ("公务用车购置", ""),
}

P, U, J = "personnel", "public", "project"

# (unit, function 项, dept economic 款 or None, kind, project code or None, 元)
LINES = [
    # 行政运行 (机关): 人员经费 1,365,155 + 公用经费 371,555 = 1,736,710
    ("main", "2010301", "30101", P, None, "500000"),
    ("main", "2010301", "30102", P, None, "600000"),
    ("main", "2010301", "30103", P, None, "265155"),
    ("main", "2010301", "30201", U, None, "100000"),
    ("main", "2010301", "30211", U, None, "80000"),
    ("main", "2010301", "30216", U, None, "20000"),
    ("main", "2010301", "30217", U, None, "18500"),
    ("main", "2010301", "30231", U, None, "32200"),
    ("main", "2010301", "30299", U, None, "120855"),
    # 事业运行 (信访接待中心): 人员经费 605,800 + 公用经费 60,000
    ("centre", "2010350", "30101", P, None, "250000"),
    ("centre", "2010350", "30102", P, None, "250000"),
    ("centre", "2010350", "30107", P, None, "105800"),
    ("centre", "2010350", "30201", U, None, "30000"),
    ("centre", "2010350", "30206", U, None, "30000"),
    ("main", "2080505", "30108", P, None, "250300"),
    ("main", "2080506", "30109", P, None, "115500"),
    ("main", "2101101", "30110", P, None, "104500"),
    ("centre", "2101102", "30110", P, None, "61200"),
    ("main", "2210201", "30113", P, None, "229900"),
    ("main", "2210203", "30399", P, None, "10200"),
    # 项目支出 64.90
    ("main", "2010302", "30227", J, "MX-2019-01", "230000"),
    ("main", "2010308", "30399", J, "MX-2019-02", "250000"),
    ("main", "2010308", "30211", J, "MX-2019-03", "95000"),
    ("main", "2013602", "30299", J, "MX-2019-03", "50000"),
    ("main", "2040202", "30299", J, "MX-2019-03", "20000"),
    ("main", "2130599", None, J, None, "4000"),
]

PROJECTS = [
    ("MX-2019-01", "信访视频会议系统技术服务费", "230000"),
    ("MX-2019-02", "特殊疑难信访问题专项资金", "250000"),
    ("MX-2019-03", "信访维稳工作经费", "165000"),
]


def _catalog(year: FiscalYear) -> dict[tuple[str, str], CatalogItem]:
    items: dict[tuple[str, str], CatalogItem] = {}

    def add(kind, code, name, gov=None):
        parent = items.get((kind, code[:-2] if len(code) > 3 else ""))
        if len(code) == 7:
            parent = items[(kind, code[:5])]
        item, _ = CatalogItem.objects.get_or_create(
            fiscal_year=year, kind=kind, code=code, defaults={"name": name, "parent": parent, "gov_economic": gov}
        )
        items[(kind, code)] = item

    for code, name in FUNCTION.items():
        add(CatalogItem.Kind.FUNCTION, code, name)
    for code, name in GOV_ECONOMIC.items():
        add(CatalogItem.Kind.GOV_ECONOMIC, code, name)
    for code, (name, gov) in DEPT_ECONOMIC.items():
        add(CatalogItem.Kind.DEPT_ECONOMIC, code, name, items.get((CatalogItem.Kind.GOV_ECONOMIC, gov)))
    return items


def _gov_code(unit_key: str, dept_code: str) -> str:
    """The 政府经济分类 a line carries: a 事业单位's spending is 对事业单位经常性补助 (505)."""
    if unit_key == "centre" and dept_code.startswith("301"):
        return "50501"
    if unit_key == "centre" and dept_code.startswith("302"):
        return "50502"
    return DEPT_ECONOMIC[dept_code][1]


def build_filing(*, department_code: str = "513223016", name: str = "茂县信访局") -> Filing:
    year, _ = FiscalYear.objects.get_or_create(year=2019)
    catalog = _catalog(year)
    department = Department.objects.create(code=department_code, name=name, region="茂县")
    units = {
        "main": Unit.objects.create(department=department, code=f"{department_code}001", name=name, is_main=True),
        "centre": Unit.objects.create(
            department=department, code=f"{department_code}002", name="茂县信访接待中心",
            nature=Unit.Nature.PUBLIC_INSTITUTION,
        ),
    }
    filing = Filing.objects.create(department=department, fiscal_year=year, kind=Filing.Kind.FINAL)
    projects = {
        code: Project.objects.create(
            filing=filing, unit=units["main"], code=code, name=name, budget_amount=Decimal(amount),
            actual_amount=Decimal(amount), fiscal_amount=Decimal(amount), order=index,
        )
        for index, (code, name, amount) in enumerate(PROJECTS)
    }
    lines = []
    for unit_key, function_code, dept_code, kind, project_code, amount in LINES:
        gov_code = _gov_code(unit_key, dept_code) if dept_code else ""
        lines.append(
            ExpenseLine(
                filing=filing,
                unit=units[unit_key],
                function_item=catalog[(CatalogItem.Kind.FUNCTION, function_code)],
                dept_economic_item=catalog[(CatalogItem.Kind.DEPT_ECONOMIC, dept_code)] if dept_code else None,
                gov_economic_item=catalog[(CatalogItem.Kind.GOV_ECONOMIC, gov_code)] if gov_code else None,
                expense_kind=kind,
                project=projects.get(project_code),
                funding_source="gpb",
                budget_amount=Decimal(amount),
                actual_amount=Decimal(amount),
            )
        )
    ExpenseLine.objects.bulk_create(lines)
    total = sum(Decimal(line[-1]) for line in LINES)
    IncomeLine.objects.create(filing=filing, unit=units["main"], source="gpb", budget_amount=total, actual_amount=total)
    ThreePublicStats.objects.create(filing=filing, reception_batches=126, reception_people=357, vehicles_owned=1)
    return filing
