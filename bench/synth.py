"""A synthetic county: departments with subordinate units, two years of budget and final filings.

Line counts follow what a county looks like: most departments file tens to a few hundred expense
lines, a few large ones (education, health) file thousands. Every filing balances (income + opening
= expense + closing, per unit and funding source), every project has 产出/效益/满意度 indicators,
and final filings carry a self-evaluation with actual values.

Why bulk_create and not the line services here: the services (disclosures.services.lines) validate
one row at a time with several queries each, which is right for a department entering data but would
make setting up 300 departments take far longer than the measurements themselves. The data is built
from the year's catalog by construction (项 and 款 codes of the same year, 政府经济分类 derived with
the services' own `derive_gov_economic_item`, unique keys drawn without replacement), each object is
validated with `clean_fields()` before it is written (field types, digits, choices — the checks that
need no query; of the expense lines, the first 50 and every 10th after that, because validating all of
them would double the setup time for data that comes out of one loop), and the database's constraints
and catalog-year triggers stand behind every insert.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone

from disclosures.models import (
    AssetHolding,
    CatalogItem,
    Department,
    DepartmentMembership,
    ExpenseKind,
    ExpenseLine,
    Filing,
    FiscalYear,
    FundingSource,
    IncomeLine,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.services.catalog import catalog_load_starter
from disclosures.services.lines import derive_gov_economic_item
from evaluations.models import Indicator, IndicatorResult, SelfEvaluation
from evaluations.rulesets import rule_set_for

CENT = Decimal("0.01")
BATCH = 2000
PASSWORD = "bench-Password-1"

# (funding source, weight) of a line; most money is 一般公共预算.
SOURCES = [
    (FundingSource.GENERAL_PUBLIC_BUDGET, 80),
    (FundingSource.GOVERNMENT_FUND, 6),
    (FundingSource.SPECIAL_ACCOUNT, 3),
    (FundingSource.BUSINESS, 5),
    (FundingSource.OTHER, 6),
]
NATURES = [Unit.Nature.ADMINISTRATIVE, Unit.Nature.CIVIL_SERVICE_MANAGED, Unit.Nature.PUBLIC_INSTITUTION]
INDICATOR_SHAPES = [
    (Indicator.Level1.OUTPUT, Indicator.Level2.QUANTITY, Indicator.Comparator.GE, "完成数量", "个"),
    (Indicator.Level1.OUTPUT, Indicator.Level2.QUALITY, Indicator.Comparator.GE, "合格率", "%"),
    (Indicator.Level1.OUTPUT, Indicator.Level2.TIMELINESS, Indicator.Comparator.LE, "办结时限", "天"),
    (Indicator.Level1.OUTPUT, Indicator.Level2.COST, Indicator.Comparator.LE, "单位成本", "元"),
    (Indicator.Level1.EFFECT, Indicator.Level2.SOCIAL, Indicator.Comparator.QUALITATIVE, "社会效益", ""),
    (Indicator.Level1.EFFECT, Indicator.Level2.SUSTAINABLE, Indicator.Comparator.GE, "持续运行年限", "年"),
    (Indicator.Level1.SATISFACTION, Indicator.Level2.SATISFACTION, Indicator.Comparator.GE, "服务对象满意度", "%"),
]
DEPARTMENT_NAMES = [
    "信访局",
    "教育局",
    "卫生健康局",
    "财政局",
    "公安局",
    "民政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化旅游局",
    "审计局",
    "统计局",
    "市场监督管理局",
    "应急管理局",
    "林业局",
    "医疗保障局",
    "司法局",
    "生态环境局",
    "发展和改革局",
    "科学技术局",
    "退役军人事务局",
    "乡村振兴局",
]


@dataclass
class CountyInfo:
    departments: int
    years: tuple[int, int]
    filings: int = 0
    expense_lines: int = 0
    income_lines: int = 0
    projects: int = 0
    indicators: int = 0
    lines_per_filing: dict[int, int] = field(default_factory=dict)  # filing pk → expense lines

    def as_dict(self) -> dict:
        counts = sorted(self.lines_per_filing.values())
        return {
            "departments": self.departments,
            "years": list(self.years),
            "filings": self.filings,
            "expense_lines": self.expense_lines,
            "income_lines": self.income_lines,
            "projects": self.projects,
            "indicators": self.indicators,
            "lines_per_filing_median": counts[len(counts) // 2] if counts else 0,
            "lines_per_filing_max": counts[-1] if counts else 0,
        }


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


def line_count(rng: random.Random, index: int) -> int:
    """Most departments tens to hundreds of lines; one in 25 (the 4th, 29th, …) has thousands."""
    if index % 25 == 3:
        return rng.randint(2000, 4000)
    return int(min(600, max(15, rng.lognormvariate(4.3, 0.8))))


def _validated(objects: list, *, sample_after: int | None = None) -> list:
    exclude = None
    for index, obj in enumerate(objects):
        if sample_after is not None and index >= sample_after and index % 10:
            continue
        exclude = exclude or [f.name for f in obj._meta.fields if f.is_relation]
        obj.clean_fields(exclude=exclude)
    return objects


def _bulk(model, objects: list, *, sample_after: int | None = None) -> list:
    return model.objects.bulk_create(_validated(objects, sample_after=sample_after), batch_size=BATCH)


class Catalog:
    """One year's catalog items the generator draws from, with their 对照表 targets loaded."""

    def __init__(self, year: FiscalYear):
        items = list(CatalogItem.objects.filter(fiscal_year=year).select_related("gov_economic", "gov_economic_institution"))
        self.functions = [i for i in items if i.kind == CatalogItem.Kind.FUNCTION and len(i.code) == 7]
        econ = [i for i in items if i.kind == CatalogItem.Kind.DEPT_ECONOMIC and len(i.code) == 5 and i.gov_economic_id]
        self.personnel = [i for i in econ if i.code[:3] in ("301", "303")]
        self.public = [i for i in econ if i.code[:3] in ("302", "310")]
        self.project = [i for i in econ if i.code[:3] in ("302", "310", "303")]
        # a few common 项 get most lines, as in real filings
        common = {"2010301", "2010302", "2010350", "2080505", "2080506", "2101101", "2101102", "2210201"}
        self.common = [i for i in self.functions if i.code in common] or self.functions[:8]


def ensure_years(years: tuple[int, int]) -> dict[int, FiscalYear]:
    found = {}
    for y in years:
        year, _ = FiscalYear.objects.get_or_create(year=y)
        catalog_load_starter(fiscal_year=year)
        found[y] = year
    return found


@functools.cache
def _password_hash() -> str:
    """One hash for every bench user: hashing 300 passwords would take minutes of PBKDF2."""
    return make_password(PASSWORD)


def ensure_users() -> None:
    User = get_user_model()
    if not User.objects.filter(username="bench-reviewer").exists():
        user = User.objects.create(username="bench-reviewer", password=_password_hash(), is_staff=True)
        group, _ = Group.objects.get_or_create(name="财政局审核人")
        group.permissions.add(*Permission.objects.filter(codename__in=["review_filing", "publish_filing"]))
        user.groups.add(group)


def build_county(*, start: int, stop: int, years: tuple[int, int] = (2023, 2024), seed: int = 2024) -> CountyInfo:
    """Add departments start..stop-1 (each from its own random stream, so a county of 100 is the
    county of 30 plus 70 more departments)."""
    fiscal_years = ensure_years(years)
    catalogs = {y: Catalog(fy) for y, fy in fiscal_years.items()}
    rule_set = rule_set_for(fiscal_year=fiscal_years[years[1]])
    ensure_users()
    info = CountyInfo(departments=stop - start, years=years)
    for index in range(start, stop):
        rng = random.Random(seed * 100_003 + index)
        with transaction.atomic():
            _department(rng, index, fiscal_years, catalogs, rule_set, info)
    analyze()
    return info


def analyze() -> None:
    """Gather PostgreSQL's statistics of the county just loaded, as autovacuum does a minute or so after a
    bulk load: measured at once without them, the facts' queries are planned with row counts that are far off
    (~1–1.5 ms of the server's CPU a filing more than on an analyzed database). Nothing to do on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _department(rng, index, fiscal_years, catalogs, rule_set, info: CountyInfo) -> None:
    code = f"{100 + index:03d}"
    base = DEPARTMENT_NAMES[index % len(DEPARTMENT_NAMES)]
    name = f"模拟县{base}" if index < len(DEPARTMENT_NAMES) else f"模拟县{base}（{index // len(DEPARTMENT_NAMES) + 1}）"
    department = Department(code=code, name=name, region="模拟县", duties=f"负责{base[:-1]}相关工作。", organisation="内设机构若干。")
    department.full_clean()
    department.save()
    unit_count = rng.choice([1, 1, 2, 2, 3, 4, 6])
    units = _bulk(
        Unit,
        [
            Unit(
                department=department,
                code=f"{code}{k + 1:03d}",
                name=name if k == 0 else f"{name}下属单位{k}",
                is_main=k == 0,
                nature=Unit.Nature.ADMINISTRATIVE if k == 0 else rng.choice(NATURES),
                staff_quota=rng.randint(5, 80),
                staff_actual=rng.randint(5, 80),
            )
            for k in range(unit_count)
        ],
    )
    user = get_user_model().objects.create(username=f"bench-{code}", password=_password_hash(), is_staff=True)
    DepartmentMembership.objects.create(user=user, department=department)
    lines = line_count(rng, index)
    for y, fiscal_year in fiscal_years.items():
        for kind in (Filing.Kind.BUDGET, Filing.Kind.FINAL):
            _filing(rng, department, units, fiscal_year, kind, catalogs[y], lines, rule_set, info)


def _filing(rng, department, units, fiscal_year, kind, catalog: Catalog, lines: int, rule_set, info: CountyInfo) -> None:
    now = timezone.now()
    filing = Filing(
        department=department,
        fiscal_year=fiscal_year,
        kind=kind,
        status=Filing.Status.DRAFT,
        duties=department.duties,
        organisation=department.organisation,
        reasons={"three_public": "严格执行中央八项规定精神。", "operating_costs": "压减一般性支出。"},
    )
    filing.full_clean()
    filing.save()
    final = kind == Filing.Kind.FINAL
    ThreePublicStats.objects.create(
        filing=filing,
        reception_batches=rng.randint(0, 40),
        reception_people=rng.randint(0, 200),
        vehicles_owned=rng.randint(0, 5),
    )

    project_count = rng.randint(2, 20)
    projects = _bulk(
        Project,
        [
            Project(
                filing=filing,
                unit=rng.choice(units),
                code=f"{department.code}-{fiscal_year.year}-XM{k + 1:02d}",
                name=f"{department.name}专项工作经费{k + 1}",
                purpose="用于保障专项工作开展。",
                plan_march=Decimal("20"),
                plan_june=Decimal("50"),
                plan_october=Decimal("80"),
                plan_december=Decimal("100"),
                goal_1=f"完成年度专项任务{k + 1}。",
                goal_2="服务对象满意度不低于90%。",
                order=k + 1,
            )
            for k in range(project_count)
        ],
    )

    expense = _expense_lines(rng, filing, units, projects, catalog, lines, final)
    _bulk(ExpenseLine, expense, sample_after=50)
    info.lines_per_filing[filing.pk] = len(expense)
    info.expense_lines += len(expense)

    # projects carry the sums of their lines; income balances the expense per unit and source
    sums: dict[int, list[Decimal]] = {p.pk: [Decimal("0"), Decimal("0")] for p in projects}
    by_unit_source: dict[tuple[int, str], list[Decimal]] = {}
    for line in expense:
        if line.project_id:
            sums[line.project_id][0] += line.budget_amount
            sums[line.project_id][1] += line.actual_amount
        acc = by_unit_source.setdefault((line.unit_id, line.funding_source), [Decimal("0"), Decimal("0")])
        acc[0] += line.budget_amount
        acc[1] += line.actual_amount
    for project in projects:
        project.budget_amount, project.actual_amount = sums[project.pk]
        project.fiscal_amount = project.budget_amount
    Project.objects.bulk_update(projects, ["budget_amount", "actual_amount", "fiscal_amount"], batch_size=BATCH)

    income = []
    for (unit_id, source), (budget, actual) in by_unit_source.items():
        closing = (actual * Decimal("0.03")).quantize(CENT) if final else Decimal("0.00")
        income.append(
            IncomeLine(
                filing=filing, unit_id=unit_id, source=source, budget_amount=budget, actual_amount=actual + closing if final else Decimal("0.00")
            )
        )
        if closing:
            income.append(IncomeLine(filing=filing, unit_id=unit_id, category=IncomeLine.Category.CLOSING, source=source, actual_amount=closing))
    _bulk(IncomeLine, income)
    info.income_lines += len(income)

    _bulk(
        Procurement,
        [
            Procurement(
                filing=filing,
                category=c,
                budget_amount=money(rng, 10_000, 500_000),
                actual_amount=money(rng, 10_000, 400_000) if final else Decimal("0.00"),
            )
            for c in (Procurement.Category.GOODS, Procurement.Category.SERVICES)
        ],
    )
    _bulk(
        AssetHolding,
        [AssetHolding(filing=filing, kind=AssetHolding.Kind.VEHICLE_OTHER, quantity=Decimal(rng.randint(0, 5)), value=money(rng, 0, 600_000))],
    )

    indicators = []
    for project in projects:
        shapes = [INDICATOR_SHAPES[0], INDICATOR_SHAPES[4], INDICATOR_SHAPES[6]]
        shapes += rng.sample(INDICATOR_SHAPES, rng.randint(0, 4))
        for order, (l1, l2, comparator, label, unit_label) in enumerate(shapes):
            numeric = comparator != Indicator.Comparator.QUALITATIVE
            indicators.append(
                Indicator(
                    project=project,
                    level1=l1,
                    level2=l2,
                    name=f"{label}{order + 1}",
                    comparator=comparator,
                    target_value=Decimal(rng.randint(5, 100)) if numeric else None,
                    target_text="" if numeric else "明显提升",
                    unit=unit_label,
                    order=order,
                )
            )
    _bulk(Indicator, indicators)
    info.indicators += len(indicators)
    if final:
        evaluations = _bulk(
            SelfEvaluation,
            [
                SelfEvaluation(
                    project=p,
                    rule_set=rule_set,
                    budget_amount=p.budget_amount,
                    executed_amount=p.actual_amount,
                    fiscal_budget_amount=p.budget_amount,
                    fiscal_executed_amount=p.actual_amount,
                    goal_result="基本完成年度目标。",
                )
                for p in projects
            ],
        )
        by_project = {e.project_id: e for e in evaluations}
        _bulk(
            IndicatorResult,
            [
                IndicatorResult(
                    evaluation=by_project[i.project_id],
                    indicator=i,
                    actual_value=(i.target_value * Decimal(rng.choice(["0.8", "0.95", "1", "1.1"]))).quantize(CENT)
                    if i.target_value is not None
                    else None,
                    band="" if i.target_value is not None else IndicatorResult.Band.ACHIEVED,
                )
                for i in indicators
            ],
        )
    # approved last: the database refuses data written into a submitted or approved filing
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.APPROVED, submitted_at=now, approved_at=now)
    info.projects += len(projects)
    info.filings += 1


def _expense_lines(rng, filing, units, projects, catalog: Catalog, count: int, final: bool) -> list[ExpenseLine]:
    seen: set[tuple] = set()
    lines: list[ExpenseLine] = []
    sources, weights = zip(*SOURCES)
    attempts = 0
    while len(lines) < count and attempts < count * 20:
        attempts += 1
        unit = rng.choice(units)
        roll = rng.random()
        if roll < 0.45:
            kind, econ = ExpenseKind.PERSONNEL, rng.choice(catalog.personnel)
        elif roll < 0.75:
            kind, econ = ExpenseKind.PUBLIC, rng.choice(catalog.public)
        else:
            kind, econ = ExpenseKind.PROJECT, rng.choice(catalog.project)
        function = rng.choice(catalog.common) if rng.random() < 0.5 else rng.choice(catalog.functions)
        project = rng.choice(projects) if kind == ExpenseKind.PROJECT else None
        source = rng.choices(sources, weights)[0]
        key = (unit.pk, function.pk, econ.pk, kind, source, project.pk if project else None)
        if key in seen:
            continue
        seen.add(key)
        budget = money(rng, 500, 400_000)
        actual = (budget * Decimal(rng.randint(70, 104)) / 100).quantize(CENT) if final else Decimal("0.00")
        lines.append(
            ExpenseLine(
                filing=filing,
                unit=unit,
                function_item=function,
                dept_economic_item=econ,
                gov_economic_item=derive_gov_economic_item(dept_economic_item=econ, unit=unit),
                expense_kind=kind,
                project=project,
                funding_source=source,
                budget_amount=budget,
                actual_amount=actual,
            )
        )
    return lines
