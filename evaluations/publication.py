"""The performance disclosure that a published filing carries (registered with disclosures.parts at ready()).

- A budget (部门预算) publishes every project's 项目绩效目标表 (seed 001's layout) and, where the department
  entered one for the year, its 部门整体支出绩效目标表.
- A final account (部门决算) publishes a summary of the self-evaluation results, then for each project with a
  self-evaluation its 项目支出绩效自评表 and 项目绩效目标完成情况表 (seed 003's layout), and the
  部门整体支出绩效自评表 (seed 002's layout) with its score; projects without a self-evaluation are named.

Scores are computed as the evaluation pages compute them (`score_sheet`); an unfinished evaluation is
printed 未完成, never with a partial total.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from disclosures.models import Filing, Project
from disclosures.money import format_fraction, unit_label
from disclosures.parts import Part
from disclosures.parts.grid import Grid, head, label, money, num, text
from disclosures.selectors.facts import FilingFacts
from evaluations.documents.layouts import (
    completion_grid,
    department_evaluation_grid,
    department_targets_grid,
    project_evaluation_grid,
    targets_grid,
)
from evaluations.models import DepartmentTarget, SelfEvaluation
from evaluations.scoring import score_sheet
from evaluations.scoring.engine import ScoreSheet

PART_KEY = "performance"


def performance_parts(facts: FilingFacts) -> list[Part]:
    if facts.filing.kind == Filing.Kind.BUDGET:
        return _budget_parts(facts)
    return _final_parts(facts)


def _projects(facts: FilingFacts) -> list[Project]:
    """The filing's projects as its facts read them (with their unit and the filing, its department and year),
    shared with the snapshot's project list, and their indicators (read once for both)."""
    projects = facts.projects
    prefetch_related_objects(projects, "indicators")
    return projects


def _department_target(filing: Filing, *, indicators: bool) -> DepartmentTarget | None:
    """The department's target of the filing's year (one at most), holding the filing's department and year;
    with `indicators`, its indicators read with it."""
    targets = DepartmentTarget.objects.filter(department_id=filing.department_id, fiscal_year_id=filing.fiscal_year_id)
    target = next(iter(targets.prefetch_related("indicators") if indicators else targets), None)
    if target is not None:
        target.department, target.fiscal_year = filing.department, filing.fiscal_year
    return target


def _budget_parts(facts: FilingFacts) -> list[Part]:
    filing = facts.filing
    projects = _projects(facts)
    target = _department_target(filing, indicators=True)
    grids = [targets_grid(project=project) for project in projects]
    paragraphs = []
    if projects:
        with_targets = sum(1 for project in projects if project.indicators.all())
        which = "均编制了绩效目标" if with_targets == len(projects) else f"其中{with_targets}个编制了绩效目标"
        paragraphs.append(f"本部门{filing.fiscal_year.year}年项目支出共{len(projects)}个，{which}，各项目绩效目标表如下。")
    if target is not None and target.indicators.exists():
        grids.append(department_targets_grid(target=target))
        paragraphs.append("部门整体支出绩效目标见部门整体支出绩效目标表。")
    if not grids:
        return []
    return [Part(PART_KEY, "绩效目标表", paragraphs, grids)]


def _final_parts(facts: FilingFacts) -> list[Part]:
    filing = facts.filing
    projects = _projects(facts)
    # each evaluation prints its project as read above (indicators, unit, department loaded) and its
    # results read in one query for all: the forms read nothing more per project
    evaluations = {
        e.project_id: e for e in SelfEvaluation.objects.filter(project__in=projects).select_related("rule_set").prefetch_related("results")
    }
    for project in projects:
        if project.pk in evaluations:
            evaluations[project.pk].project = project
    target = _department_target(filing, indicators=False)
    department_evaluation = getattr(target, "self_evaluation", None) if target is not None else None
    if not evaluations and department_evaluation is None:
        return []
    sheets: list[tuple[str, SelfEvaluation, ScoreSheet]] = [
        (project.name, evaluations[project.pk], score_sheet(evaluation=evaluations[project.pk])) for project in projects if project.pk in evaluations
    ]
    if department_evaluation is not None:
        sheets.append(("部门整体支出", department_evaluation, score_sheet(evaluation=department_evaluation)))
    paragraphs = [_sentence(name, sheet) for name, _e, sheet in sheets]
    missing = [project.name for project in projects if project.pk not in evaluations]
    if missing:
        paragraphs.append("未开展绩效自评的项目：" + "、".join(missing) + "。")
    grids = [summary_grid(filing=filing, sheets=sheets)]
    scored = {id(evaluation): sheet for _name, evaluation, sheet in sheets}
    for project in projects:
        evaluation = evaluations.get(project.pk)
        if evaluation is not None:
            grids += [project_evaluation_grid(evaluation=evaluation, sheet=scored[id(evaluation)]), completion_grid(evaluation=evaluation)]
    if department_evaluation is not None:
        grids.append(department_evaluation_grid(evaluation=department_evaluation, sheet=scored[id(department_evaluation)]))
    return [Part(PART_KEY, "绩效自评情况", paragraphs, grids)]


def _sentence(name: str, sheet: ScoreSheet) -> str:
    subject = "部门整体支出绩效自评" if name == "部门整体支出" else f"“{name}”项目绩效自评"
    rate = f"预算执行率{format_fraction(sheet.execution.rate)}，" if sheet.execution.rate is not None else ""
    if not sheet.complete:
        return f"{subject}：{rate}尚有{len(sheet.pending_lines)}项指标未计分，自评未完成。"
    return f"{subject}：{rate}自评得分{sheet.total:.2f}分，等级为“{sheet.grade}”。"


def summary_grid(*, filing: Filing, sheets: list[tuple[str, SelfEvaluation, ScoreSheet]]) -> Grid:
    """绩效自评结果汇总表: one row per self-evaluation (projects, then the department as a whole)."""
    grid = Grid(
        "绩效自评结果汇总表", f"（{filing.fiscal_year.year}年度）", [34, 14, 14, 12, 12, 10], filename=f"绩效自评结果汇总表-{filing.department.code}"
    )
    unit = filing.amount_unit
    grid.add(
        head("项目名称"),
        head(f"全年预算数（{unit_label(unit)}）"),
        head(f"全年执行数（{unit_label(unit)}）"),
        head("执行率"),
        head("自评得分"),
        head("等级"),
    )
    for name, evaluation, sheet in sheets:
        rate = format_fraction(sheet.execution.rate) if sheet.execution.rate is not None else "无预算"
        score = num(sheet.total) if sheet.complete else text("未完成")
        grid.add(
            label(name) if name == "部门整体支出" else text(name),
            money(evaluation.effective_budget, unit),
            money(evaluation.executed_amount, unit),
            text(rate),
            score,
            text(sheet.grade),
        )
    return grid
