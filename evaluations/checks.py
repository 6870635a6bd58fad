"""Checks of performance targets and self-evaluations, as findings a department can act on.

`target_checks(*, project)` is the public entry; `owner_checks` works for a department target too.
Each finding names its check key, severity (error blocks, warning needs attention), the location
(project and indicator), a message and a fix, matching disclosures.checks' Finding contract so the
checks can be registered there (see `register_with_disclosures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from disclosures.models import Project
from evaluations.models import DepartmentTarget, Indicator, SelfEvaluation
from evaluations.scoring import score_sheet
from evaluations.scoring.numbers import num

ERROR, WARNING = "error", "warning"
L1 = Indicator.Level1


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    location: str
    message: str
    fix: str = ""


def _where(owner) -> str:
    return f"项目“{owner.name}”" if isinstance(owner, Project) else f"{owner.department.name}{owner.fiscal_year.year}年部门整体绩效目标"


def owner_checks(*, owner: Project | DepartmentTarget) -> list[Finding]:
    where = _where(owner)
    indicators = list(owner.indicators.all())
    found: list[Finding] = []
    for level1 in (L1.OUTPUT, L1.EFFECT, L1.SATISFACTION):
        if not any(i.level1 == level1 for i in indicators):
            found.append(Finding("targets.level1_missing", ERROR, where, f"缺少{level1.label}。",
                                 f"至少设置一个{level1.label}。"))
    names: dict[str, int] = {}
    for i in indicators:
        at = f"{where} · {i.get_level1_display()} · {i.name}"
        names[i.name.strip()] = names.get(i.name.strip(), 0) + 1
        if i.level2 not in Indicator.LEVEL2_OF_LEVEL1.get(i.level1, ()):
            found.append(Finding("targets.level2_kind", ERROR, at, f"“{i.get_level2_display()}”不属于{i.get_level1_display()}。",
                                 "按产出（数量/质量/时效/成本）、效益（经济/社会/生态/可持续影响）、满意度（服务对象满意度）选择二级指标。"))
        if i.comparator != Indicator.Comparator.QUALITATIVE and i.target_value is None:
            found.append(Finding("targets.numeric_target", ERROR, at, "定量指标没有数值型指标值。", "填写指标值，或将符号改为“定性”。"))
        if i.unit != i.unit.strip():
            found.append(Finding("targets.unit_padded", WARNING, at, f"单位“{i.unit}”前后有空格。", "删除单位中的空格。"))
        unit = i.unit.strip()
        if len(unit) > 10 or any(ch.isdigit() for ch in unit):
            found.append(Finding("targets.unit_sane", WARNING, at, f"单位“{unit}”不像计量单位。", "单位只写 %、人次、万元、件 等。"))
        if unit in ("%", "％") and i.target_value is not None and not (Decimal(0) <= i.target_value <= Decimal(100)):
            found.append(Finding("targets.percent_range", ERROR, at, f"单位为%的指标值 {num(i.target_value)} 不在 0–100 之间。", "核对指标值或单位。"))
    for name, count in names.items():
        if count > 1:
            found.append(Finding("targets.duplicate_indicator", WARNING, where, f"三级指标“{name}”重复 {count} 次。", "合并或区分重复的指标。"))
    if isinstance(owner, Project):
        goal_1, goal_2 = owner.goal_1.strip(), owner.goal_2.strip()
        if goal_1 and goal_1 == goal_2:
            found.append(Finding("targets.identical_goals", WARNING, where, "目标1与目标2完全相同。", "分别写明两个年度目标，或只填目标1。"))
    weights = [i.weight for i in indicators if i.weight is not None]
    if weights and len(weights) != len(indicators):
        found.append(Finding("targets.partial_weights", WARNING, where, "部分指标设置了分值、部分未设置。",
                             "全部设置分值，或全部留空（平均分配）。"))
    return found


def target_checks(*, project: Project) -> list[Finding]:
    """The checks of one project's performance targets (issue #4)."""
    return owner_checks(owner=project)


def evaluation_checks(*, evaluation: SelfEvaluation) -> list[Finding]:
    """What a self-evaluation still lacks: reasons for low execution, shortfalls and over-achievement."""
    subject = evaluation.project or evaluation.department_target
    where = _where(subject)
    return [Finding("evaluation.reason_missing", ERROR, where, message, "在自评页填写原因。") for message in score_sheet(evaluation=evaluation).missing_reasons]


def filing_target_findings(*, filing) -> list[Finding]:
    """All target findings of a filing's projects (what disclosures.checks runs for a filing)."""
    found: list[Finding] = []
    for project in filing.projects.prefetch_related("indicators"):
        found += target_checks(project=project)
    return found


# --- registration with disclosures.checks (run_checks discovers this module) -------------------------

TITLES = {
    "targets.level1_missing": ("每个项目至少有产出、效益、满意度指标", ERROR),
    "targets.level2_kind": ("二级指标属于其一级指标", ERROR),
    "targets.numeric_target": ("定量指标有数值型指标值", ERROR),
    "targets.percent_range": ("单位为%的指标值在0–100之间", ERROR),
    "targets.unit_padded": ("指标单位无多余空格", WARNING),
    "targets.unit_sane": ("指标单位是计量单位", WARNING),
    "targets.duplicate_indicator": ("三级指标不重复", WARNING),
    "targets.identical_goals": ("目标1与目标2不相同", WARNING),
    "targets.partial_weights": ("指标分值全部设置或全部留空", WARNING),
}


def _registered(key: str):
    def run(ctx):
        from disclosures.checks.registry import Location, Problem

        for project in ctx.filing.projects.prefetch_related("indicators"):
            for finding in target_checks(project=project):
                if finding.check == key:
                    cell = finding.location.split(" · ", 1)[1] if " · " in finding.location else ""
                    yield Problem(Location(table="项目绩效目标表", cell=cell, project_code=project.code), finding.message, finding.fix)

    return run


def evaluation_budget_problems(ctx):
    """A self-evaluation's 全年预算数 against the filing's budget: the department-wide one against the
    决算's 本年支出 budget, a project's against the project's budget (seed 002, 望城: 1036.03 against 753.18)."""
    from disclosures.checks.registry import Location, Problem
    from disclosures.money import format_wan

    filing = ctx.filing
    department_evaluation = SelfEvaluation.objects.filter(
        department_target__department_id=filing.department_id, department_target__fiscal_year_id=filing.fiscal_year_id
    ).first()
    if department_evaluation is not None:
        own, budget = department_evaluation.effective_budget, ctx.figures.expense.total.budget
        if own != budget:
            yield Problem(
                Location(table="部门整体支出绩效自评表", cell="全年预算数"),
                f"部门整体支出绩效自评表的全年预算数为{format_wan(own)}万元，而本部门{filing.fiscal_year.year}年决算的本年支出预算数为"
                f"{format_wan(budget)}万元，相差{format_wan(abs(own - budget))}万元。",
                "全年预算数应为部门全部支出（基本支出＋项目支出）的全年预算（调整后）；更正自评表，并重新评分。",
            )
    for evaluation in SelfEvaluation.objects.filter(project__filing=filing).select_related("project"):
        project = evaluation.project
        own, budget = evaluation.effective_budget, project.effective_budget
        if own != budget:
            yield Problem(
                Location(table="项目支出绩效自评表", cell="全年预算数", project_code=project.code),
                f"项目“{project.name}”自评表的全年预算数为{format_wan(own)}万元，而项目的全年预算数为{format_wan(budget)}万元。",
                "自评表的全年预算数应与项目的（调整后）预算数一致；更正后重新评分。",
            )


def register_with_disclosures() -> None:
    from disclosures.checks.registry import register

    for key, (title, severity) in TITLES.items():
        register(key, severity=severity, title=title, function=_registered(key))
    register("evaluation.budget_matches_filing", severity=WARNING, title="自评表的全年预算数与决算的预算数一致",
             function=evaluation_budget_problems, kinds=("final",))


register_with_disclosures()
