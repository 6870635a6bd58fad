"""Seeds 001 and 002 filed by a test department, for the evaluation tests.

Seed 001: 山海关区信访局 2020年部门预算, five projects with their indicators as published (including
人事代理专项补助's identical goals and the space-padded units and values). Seed 002: 长沙市望城区信访局
2020年部门整体支出绩效自评表. The content is demo.build's; only the projects and the department
target are written here, without the demo's lines, users and other seeds (build_demo takes seconds).
"""

from __future__ import annotations

from decimal import Decimal

from demo.build import SHANHAIGUAN_PROJECTS, WANGCHENG_INDICATORS
from disclosures.models import Department, Filing, FiscalYear, Project
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult, RuleSet, SelfEvaluation
from evaluations.rulesets import NATIONAL
from evaluations.services import results_pick_published

#: The published content lives once, in demo.build (which `load_demo` builds through the line
#: services); here it is only filed by a test department. The two projects whose budgets the seed gives
#: only as a shared 312,000 元 carry the demo's invented split (240,000 + 72,000).
SEED_001 = SHANHAIGUAN_PROJECTS

#: seed 002: (level1, level2, 三级, comparator, target, target_text, unit, actual, actual_text, band, published 得分)
SEED_002_INDICATORS = [(*row[:10], row[11]) for row in WANGCHENG_INDICATORS]

SEED_002_DUTIES = (
    "望城区信访局与望城区处理信访突出问题及群众性事件联席会议办公室、望城区人民来访接待中心合署办公，"
    "在望城区联席会议办公室和望城区人民来访接待中心的指导下开展工作。"
)


def make_indicator(owner: dict, order: int, row) -> Indicator:
    level1, level2, name, description, comparator, value, unit, basis = row
    return Indicator.objects.create(
        **owner,
        level1=level1,
        level2=level2,
        name=name,
        description=description,
        comparator=comparator,
        target_value=Decimal(value.strip()),
        target_text=value if value != value.strip() else "",
        unit=unit,
        basis=basis,
        order=order,
    )


def load_seed_001(*, department: Department, year: FiscalYear) -> list[Project]:
    filing = Filing.objects.create(department=department, fiscal_year=year, kind=Filing.Kind.BUDGET)
    projects = []
    for n, data in enumerate(SEED_001, start=1):
        march, june, october, december = (Decimal(p) for p in data["plan"])
        project = Project.objects.create(
            filing=filing,
            unit=department.units.get(is_main=True),
            code=data["code"],
            name=data["name"],
            purpose=data["purpose"],
            budget_amount=Decimal(data["amount"]),
            fiscal_amount=Decimal(data["amount"]),
            plan_march=march,
            plan_june=june,
            plan_october=october,
            plan_december=december,
            goal_1=data["goals"][0],
            goal_2=data["goals"][1],
            order=n,
        )
        for order, row in enumerate(data["indicators"], start=1):
            make_indicator({"project": project}, order, row)
        projects.append(project)
    return projects


def load_seed_002(*, department: Department, year: FiscalYear) -> SelfEvaluation:
    department.duties = SEED_002_DUTIES
    department.save()
    target = DepartmentTarget.objects.create(
        department=department,
        fiscal_year=year,
        budget_amount=Decimal("10360300.00"),
        overall_goal="为完成中央、省、市进京非访指标总量下降的目标，确保我区社会大局稳定和治安秩序良好。",
    )
    evaluation = SelfEvaluation.objects.create(
        department_target=target,
        rule_set=RuleSet.objects.get(name=NATIONAL),
        budget_amount=Decimal("10360300.00"),
        executed_amount=Decimal("5966800.00"),
        fiscal_budget_amount=Decimal("10360300.00"),
        fiscal_executed_amount=Decimal("5966800.00"),
        execution_reason="信访工作任务重、时间紧、情况紧急，为更好、更快的完成接访劝访工作，未严格按照预算指标执行。",
        goal_result="完成中央、省、市进京非访指标总量下降的目标，确保了我区社会大局稳定和治安秩序良好。",
        published_execution_score=Decimal("6"),
    )
    published_points: dict[int, Decimal] = {}
    for order, row in enumerate(SEED_002_INDICATORS, start=1):
        level1, level2, name, comparator, value, text, unit, actual, actual_text, band, published = row
        indicator = Indicator.objects.create(
            department_target=target,
            level1=level1,
            level2=level2,
            name=name,
            description=text,
            comparator=comparator,
            target_value=Decimal(value) if value else None,
            target_text=text,
            unit=unit,
            order=order,
        )
        IndicatorResult.objects.create(
            evaluation=evaluation,
            indicator=indicator,
            actual_value=Decimal(actual) if actual else None,
            actual_text=actual_text,
            band=band,
            published_score=Decimal(published),
        )
        published_points[indicator.pk] = Decimal("10")  # every row of seed 002 prints 分值 10
    results_pick_published(evaluation=evaluation, published_points=published_points)
    return evaluation
