"""Reads of targets and self-evaluations, limited to what the user may see.

A department user sees their own department's projects, department targets and evaluations; a
reviewer sees all. Objects of another department answer 404 (disclosures.access does the same for
filings). `write=True` additionally requires the department's own user and, for targets, a filing
that is still editable (targets are declared with the budget and frozen once it is approved).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from disclosures.access import can_edit_filing, departments_visible_to, filings_visible_to, is_reviewer, user_department
from disclosures.models import FiscalYear, Project
from disclosures.money import format_wan
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult, SelfEvaluation
from evaluations.scoring import score_sheet
from evaluations.scoring.engine import execution

NOT_FOUND = "未找到，或无权查看。"


def projects_visible_to(user) -> QuerySet[Project]:
    return Project.objects.filter(filing__in=filings_visible_to(user)).select_related("filing__department", "filing__fiscal_year", "unit")


def department_targets_visible_to(user) -> QuerySet[DepartmentTarget]:
    return DepartmentTarget.objects.filter(department__in=departments_visible_to(user)).select_related("department", "fiscal_year")


def evaluations_visible_to(user) -> QuerySet[SelfEvaluation]:
    return SelfEvaluation.objects.filter(
        Q(project__in=projects_visible_to(user)) | Q(department_target__in=department_targets_visible_to(user))
    ).select_related(
        "project__filing__department",
        "project__filing__fiscal_year",
        "department_target__department",
        "department_target__fiscal_year",
        "rule_set",
    )


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def project_get_for_user(*, user, pk, write: bool = False) -> Project:
    project = _get(projects_visible_to(user), pk)
    if write and not can_edit_targets(user=user, owner=project):
        raise PermissionDenied("该项目的绩效目标当前不可修改。")
    return project


def department_target_get_for_user(*, user, pk, write: bool = False) -> DepartmentTarget:
    target = _get(department_targets_visible_to(user), pk)
    if write and not can_edit_targets(user=user, owner=target):
        raise PermissionDenied("该部门整体绩效目标当前不可修改。")
    return target


def indicator_get_for_user(*, user, pk, write: bool = False) -> Indicator:
    indicator = _get(Indicator.objects.select_related("project__filing", "department_target"), pk)
    # resolved through the owner's visibility, so another department's indicator is a 404
    if indicator.project_id:
        project_get_for_user(user=user, pk=indicator.project_id, write=write)
    else:
        department_target_get_for_user(user=user, pk=indicator.department_target_id, write=write)
    return indicator


def evaluation_get_for_user(*, user, pk, write: bool = False) -> SelfEvaluation:
    evaluation = _get(evaluations_visible_to(user), pk)
    if write and not can_edit_evaluation(user=user, evaluation=evaluation):
        raise PermissionDenied("只有本部门填报人可以填写自评，且项目所在填报提交后不能再修改。")
    return evaluation


def result_get_for_user(*, user, pk) -> IndicatorResult:
    result = _get(IndicatorResult.objects.select_related("evaluation", "indicator"), pk)
    evaluation_get_for_user(user=user, pk=result.evaluation_id)
    return result


def evaluation_department(evaluation: SelfEvaluation):
    return evaluation.project.filing.department if evaluation.project_id else evaluation.department_target.department


def evaluation_year(evaluation: SelfEvaluation) -> FiscalYear:
    return evaluation.project.filing.fiscal_year if evaluation.project_id else evaluation.department_target.fiscal_year


def owner_department(owner: Project | DepartmentTarget):
    return owner.filing.department if isinstance(owner, Project) else owner.department


def can_edit_targets(*, user, owner: Project | DepartmentTarget) -> bool:
    """A project's targets follow its filing (disclosures.access.can_edit_filing: frozen once submitted);
    a department-wide target belongs to no filing and stays the department's own."""
    if isinstance(owner, Project):
        return can_edit_filing(user, owner.filing)
    return user_department(user) == owner.department


def can_edit_evaluation(*, user, evaluation: SelfEvaluation) -> bool:
    """Like the targets: a project's self-evaluation is part of its filing and frozen with it."""
    return can_edit_targets(user=user, owner=evaluation.project or evaluation.department_target)


def indicator_tree(*, owner: Project | DepartmentTarget) -> list[dict]:
    """一级 → 二级 → indicators, in the order of the published form, with empty groups left out."""
    indicators = list(owner.indicators.all())
    tree = []
    for level1, level2s in Indicator.LEVEL2_OF_LEVEL1.items():
        children = []
        for level2 in level2s:
            items = [i for i in indicators if i.level1 == level1 and i.level2 == level2]
            if items:
                children.append({"level2": level2, "label": level2.label, "indicators": items})
        tree.append({"level1": level1, "label": level1.label, "children": children, "count": sum(len(c["indicators"]) for c in children)})
    return tree


@dataclass
class CountyRow:
    """One line of the bureau's county view."""

    department: str
    subject: str
    code: str
    project: Project | None
    evaluation: SelfEvaluation | None
    budget: Decimal
    executed: Decimal
    execution_rate: Decimal | None
    score: Decimal | None
    grade: str
    published_score: Decimal | None
    problems: list[str]

    @property
    def needs_attention(self) -> bool:
        return bool(self.problems)


SORT_KEYS = {
    "department": lambda r: (r.department, r.code),
    "score": lambda r: (r.score is None, r.score or Decimal(0)),
    "-score": lambda r: (r.score is None, -(r.score or Decimal(0))),
    "rate": lambda r: (r.execution_rate is None, r.execution_rate or Decimal(0)),
    "-rate": lambda r: (r.execution_rate is None, -(r.execution_rate or Decimal(0))),
    "problems": lambda r: (-len(r.problems), r.department, r.code),
}


def county_rows(*, user, fiscal_year: FiscalYear, sort: str = "department", attention_only: bool = False) -> list[CountyRow]:
    """Every project and department-wide evaluation of the year, for reviewers only (404 for others).

    A project filed in both the budget and the final accounts appears once: the row with a
    self-evaluation wins, else the final accounts' row.
    """
    if not is_reviewer(user):
        raise Http404(NOT_FOUND)
    rows: list[CountyRow] = []
    chosen: dict[tuple[int, str], Project] = {}
    projects = (
        Project.objects.filter(filing__fiscal_year=fiscal_year)
        .select_related("filing__department", "self_evaluation__rule_set")
        .order_by("filing__department__code", "order", "code", "-filing__version")
    )
    for project in projects:
        key = (project.filing.department_id, project.code)
        current = chosen.get(key)
        if current is None or _prefer(project, current):
            chosen[key] = project
    for project in chosen.values():
        evaluation = getattr(project, "self_evaluation", None)
        rows.append(_row(project.filing.department.name, project.name, project.code, project, evaluation, project))
    for target in DepartmentTarget.objects.filter(fiscal_year=fiscal_year).select_related("department", "self_evaluation__rule_set"):
        evaluation = getattr(target, "self_evaluation", None)
        rows.append(_row(target.department.name, "部门整体支出", "", None, evaluation, target))
    key = SORT_KEYS.get(sort, SORT_KEYS["department"])
    rows.sort(key=key)
    if attention_only:
        rows = [r for r in rows if r.needs_attention]
    return rows


def _prefer(candidate: Project, current: Project) -> bool:
    has = lambda p: hasattr(p, "self_evaluation")  # noqa: E731
    if has(candidate) != has(current):
        return has(candidate)
    return candidate.filing.kind == "final" and current.filing.kind != "final"


def _row(department, subject, code, project, evaluation, owner) -> CountyRow:
    problems: list[str] = []
    if owner.indicators.count() == 0:
        problems.append("未设绩效指标")
    if evaluation is None:
        problems.append("未开展自评")
        budget = owner.effective_budget if project else owner.budget_amount
        return CountyRow(
            department, subject, code, project, None, budget, project.actual_amount if project else Decimal(0), None, None, "", None, problems
        )
    sheet = score_sheet(evaluation=evaluation)
    if sheet.execution.needs_reason:
        problems.append(f"执行率偏低（{sheet.execution.rate * 100:.2f}%）")
    problems += sheet.missing_reasons
    if not sheet.complete:
        problems.append("自评未完成：" + "、".join(f"“{line.indicator.name}”" for line in sheet.pending_lines) + "未计分")
    if evaluation.status != SelfEvaluation.Status.SCORED:
        problems.append("尚未评分")
    budget, executed, rate = evaluation.effective_budget, evaluation.executed_amount, sheet.execution.rate
    if project is not None and project.effective_budget != evaluation.effective_budget:
        # The self-evaluation keeps a copy of the project's budget from when it was started (its 执行数 is
        # the department's own entry); the county shows the project's current budget — the copy showed
        # 16.50 after the project changed to 16.90 — and says the evaluation was scored on another one.
        budget = project.effective_budget
        rate = execution(budget=budget, executed=executed, rule_set=evaluation.rule_set).rate
        problems.append(f"项目预算已变动（自评按{format_wan(evaluation.effective_budget)}万元填报），请更新自评并重新评分")
    return CountyRow(
        department,
        subject,
        code,
        project,
        evaluation,
        budget,
        executed,
        rate,
        evaluation.total_score,
        evaluation.grade,
        evaluation.published_score,
        problems,
    )
