"""Checks of performance targets and self-evaluations, registered in disclosures' check registry.

`owner_checks(*, owner)` checks a project's or a department's target tree; `target_checks(*, project)`
is the same for a project. Findings are the registry's own `Finding`, with a structured `Location`
(the 项目绩效目标表, the indicator in `cell`, the project's code), so the targets page and a filing's
checks show the same thing. When a filing is checked, each project's targets are checked once per run
(`CheckContext.memo`), and every key below takes its findings from that one result.

`self_evaluation_total` compares the 部门整体支出绩效自评表 with the final accounts; it lives here because it
reads evaluations' data, and disclosures never imports evaluations.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from disclosures.checks import ERROR, WARNING, CheckContext, Finding, Location, Problem, register
from disclosures.models import Filing, Project
from disclosures.money import format_wan
from evaluations.models import DepartmentTarget, Indicator, SelfEvaluation
from evaluations.scoring import score_sheet
from evaluations.scoring.numbers import num

L1 = Indicator.Level1
TARGETS_TABLE = "项目绩效目标表"
DEPARTMENT_TARGETS_TABLE = "部门整体绩效目标表"

#: key → (title, severity) of every target check.
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
REASON_MISSING = "evaluation.reason_missing"


def where(owner: Project | DepartmentTarget) -> str:
    """How the page and the messages name the owner of a target tree."""
    return f"项目“{owner.name}”" if isinstance(owner, Project) else f"{owner.department.name}{owner.fiscal_year.year}年部门整体绩效目标"


class _Found(list):
    """The findings of one owner, built with the owner's location."""

    def __init__(self, owner: Project | DepartmentTarget):
        super().__init__()
        is_project = isinstance(owner, Project)
        self.table = TARGETS_TABLE if is_project else DEPARTMENT_TARGETS_TABLE
        self.project_code = owner.code if is_project else ""

    def add(self, key: str, message: str, fix: str, indicator: Indicator | None = None) -> None:
        title, severity = TITLES[key]
        cell = f"{indicator.get_level1_display()} · {indicator.name}" if indicator is not None else ""
        location = Location(table=self.table, cell=cell, project_code=self.project_code)
        self.append(Finding(check=key, severity=severity, title=title, location=location, message=message, fix=fix))


def owner_checks(*, owner: Project | DepartmentTarget) -> list[Finding]:
    """Every target check of one project or department target, in a fixed order."""
    indicators = list(owner.indicators.all())
    found = _Found(owner)
    for level1 in (L1.OUTPUT, L1.EFFECT, L1.SATISFACTION):
        if not any(i.level1 == level1 for i in indicators):
            found.add("targets.level1_missing", f"缺少{level1.label}。", f"至少设置一个{level1.label}。")
    names: dict[str, int] = {}
    for i in indicators:
        names[i.name.strip()] = names.get(i.name.strip(), 0) + 1
        if i.level2 not in Indicator.LEVEL2_OF_LEVEL1.get(i.level1, ()):
            found.add(
                "targets.level2_kind",
                f"“{i.get_level2_display()}”不属于{i.get_level1_display()}。",
                "按产出（数量/质量/时效/成本）、效益（经济/社会/生态/可持续影响）、满意度（服务对象满意度）选择二级指标。",
                i,
            )
        if i.comparator != Indicator.Comparator.QUALITATIVE and i.target_value is None:
            found.add("targets.numeric_target", "定量指标没有数值型指标值。", "填写指标值，或将符号改为“定性”。", i)
        if i.unit != i.unit.strip():
            found.add("targets.unit_padded", f"单位“{i.unit}”前后有空格。", "删除单位中的空格。", i)
        unit = i.unit.strip()
        if len(unit) > 10 or any(ch.isdigit() for ch in unit):
            found.add("targets.unit_sane", f"单位“{unit}”不像计量单位。", "单位只写 %、人次、万元、件 等。", i)
        if unit in ("%", "％") and i.target_value is not None and not (Decimal(0) <= i.target_value <= Decimal(100)):
            found.add("targets.percent_range", f"单位为%的指标值 {num(i.target_value)} 不在 0–100 之间。", "核对指标值或单位。", i)
    for name, count in names.items():
        if count > 1:
            found.add("targets.duplicate_indicator", f"三级指标“{name}”重复 {count} 次。", "合并或区分重复的指标。")
    if isinstance(owner, Project):
        goal_1, goal_2 = owner.goal_1.strip(), owner.goal_2.strip()
        if goal_1 and goal_1 == goal_2:
            found.add("targets.identical_goals", "目标1与目标2完全相同。", "分别写明两个年度目标，或只填目标1。")
    weights = [i.weight for i in indicators if i.weight is not None]
    if weights and len(weights) != len(indicators):
        found.add("targets.partial_weights", "部分指标设置了分值、部分未设置。", "全部设置分值，或全部留空（平均分配）。")
    return list(found)


def target_checks(*, project: Project) -> list[Finding]:
    """The checks of one project's performance targets (issue #4)."""
    return owner_checks(owner=project)


def evaluation_checks(*, evaluation: SelfEvaluation) -> list[Finding]:
    """What a self-evaluation still lacks: reasons for low execution, shortfalls and over-achievement."""
    subject = evaluation.project or evaluation.department_target
    table = "项目支出绩效自评表" if evaluation.project else "部门整体支出绩效自评表"
    location = Location(table=table, cell=where(subject), project_code=evaluation.project.code if evaluation.project else "")
    return [
        Finding(check=REASON_MISSING, severity=ERROR, title="自评结果须说明原因", location=location, message=message, fix="在自评页填写原因。")
        for message in score_sheet(evaluation=evaluation).missing_reasons
    ]


def filing_target_findings(*, filing: Filing) -> list[Finding]:
    """All target findings of a filing's projects, each project checked once."""
    found: list[Finding] = []
    for project in filing.projects.prefetch_related("indicators"):
        found += target_checks(project=project)
    return found


# --- registration with disclosures.checks (at EvaluationsConfig.ready) ---------------------------------


def _target_check(key: str):
    def run(ctx: CheckContext) -> Iterable[Problem]:
        for finding in ctx.memo("evaluations.targets", lambda: filing_target_findings(filing=ctx.filing)):
            if finding.check == key:
                yield Problem(finding.location, finding.message, finding.fix)

    run.__name__ = run.__qualname__ = key.replace(".", "_")
    return run


def self_evaluation_total(ctx: CheckContext) -> Iterable[Problem]:
    """Seed 002: 全年执行数 596.68 is the 基本支出 alone while 项目支出 156.5 was spent too."""
    evaluation = SelfEvaluation.objects.filter(
        department_target__department_id=ctx.filing.department_id,
        department_target__fiscal_year_id=ctx.filing.fiscal_year_id,
    ).first()
    if evaluation is None:
        return
    f = ctx.figures
    executed, total = evaluation.executed_amount, f.expense.total.actual
    if executed == total:
        return
    message = f"部门整体支出绩效自评表的全年执行数为{_w(executed)}，而部门决算的本年支出合计为{_w(total)}，相差{_w(abs(total - executed))}。"
    if executed == f.expense.basic.actual:
        message += f"自评执行数只等于基本支出，漏计了项目支出{_w(f.expense.project.actual)}。"
    elif executed == f.expense.project.actual:
        message += f"自评执行数只等于项目支出，漏计了基本支出{_w(f.expense.basic.actual)}。"
    yield Problem(
        location=Location(table="部门整体支出绩效自评表", cell="全年执行数"),
        message=message,
        fix="全年执行数应为部门全部支出（基本支出＋项目支出）的决算数；更正自评表，并按新的执行率重新评分。",
    )


def evaluation_budget_problems(ctx):
    """A self-evaluation's 全年预算数 against the filing's budget: the department-wide one against the
    决算's 本年支出 budget, a project's against the project's budget (seed 002, 望城: 1036.03 against 753.18)."""
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


def _w(amount: Decimal) -> str:
    return f"{format_wan(amount)}万元"


def register_checks() -> None:
    """Add the evaluations checks to the registry (EvaluationsConfig.ready; registering again replaces them)."""
    register(
        "self_evaluation_total",
        severity=ERROR,
        title="部门整体支出绩效自评的执行数＝部门决算支出",
        function=self_evaluation_total,
        kinds=(Filing.Kind.FINAL,),
    )
    for key, (title, severity) in TITLES.items():
        register(key, severity=severity, title=title, function=_target_check(key))
    register(
        "evaluation.budget_matches_filing",
        severity=WARNING,
        title="自评表的全年预算数与决算的预算数一致",
        function=evaluation_budget_problems,
        kinds=(Filing.Kind.FINAL,),
    )
