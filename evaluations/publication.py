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

from collections.abc import Sequence

from django.db.models import Q, prefetch_related_objects

from disclosures.models import Filing
from disclosures.money import format_fraction, unit_label
from disclosures.parts import Part
from disclosures.parts.grid import Grid, head, label, money, num, text
from disclosures.selectors.facts import FilingFacts, facts_projects_read
from evaluations.documents.layouts import (
    completion_grid,
    department_evaluation_grid,
    department_targets_grid,
    project_evaluation_grid,
    targets_grid,
)
from evaluations.models import DepartmentTarget, SelfEvaluation, department_years, year_filings_read
from evaluations.scoring import score_sheet
from evaluations.scoring.engine import ScoreSheet

PART_KEY = "performance"


def performance_parts(facts: FilingFacts) -> list[Part]:
    return performance_parts_many([facts])[facts.filing.pk]


def performance_parts_many(facts: Sequence[FilingFacts]) -> dict[int, list[Part]]:
    """The parts of each of these filings (by pk), what their forms print read for all of them together:
    the projects, their indicators, the self-evaluations with their rule sets and results, the departments'
    targets with theirs, in a fixed number of queries whatever the number of filings."""
    read = _Read(facts)
    return {one.filing.pk: (_budget_parts(one, read) if one.filing.kind == Filing.Kind.BUDGET else _final_parts(one, read)) for one in facts}


class _Read:
    """What the performance forms of many filings print. The projects are their facts' (with their unit and
    the filing, its department and year: shared with the snapshot's project list) and their indicators are read
    once for both; each evaluation prints its project as read here and its results read with it, so the
    forms read nothing more per project."""

    def __init__(self, facts: Sequence[FilingFacts]) -> None:
        facts_projects_read(facts)
        projects = [project for one in facts for project in one.projects]
        prefetch_related_objects(projects, "indicators")
        filings = {one.filing.pk: one.filing for one in facts}
        #: the department's target of a filing's year (one at most), by (department, year)
        self.targets = (
            {(t.department_id, t.fiscal_year_id): t for t in DepartmentTarget.objects.filter(department_years(filings.values()))} if filings else {}
        )
        for filing in filings.values():
            target = self.targets.get((filing.department_id, filing.fiscal_year_id))
            if target is not None:
                target.department, target.fiscal_year = filing.department, filing.fiscal_year
        targets = list(self.targets.values())
        prefetch_related_objects(targets, "indicators")
        year_filings_read(targets)
        finals = [one for one in facts if one.filing.kind != Filing.Kind.BUDGET]
        evaluated = [project for one in finals for project in one.projects]
        final_years = {(one.filing.department_id, one.filing.fiscal_year_id) for one in finals}
        final_targets = [target for key, target in self.targets.items() if key in final_years]
        #: the self-evaluations of the final accounts' projects by project pk, and of their departments' targets by target pk
        self.evaluations: dict[int, SelfEvaluation] = {}
        self.department_evaluations: dict[int, SelfEvaluation] = {}
        if evaluated or final_targets:
            by_project = {project.pk: project for project in evaluated}
            by_target = {target.pk: target for target in final_targets}
            rows = SelfEvaluation.objects.filter(Q(project__in=list(by_project)) | Q(department_target__in=list(by_target)))
            for evaluation in rows.select_related("rule_set").prefetch_related("results"):
                if evaluation.project_id is not None:
                    evaluation.project = by_project[evaluation.project_id]
                    self.evaluations[evaluation.project_id] = evaluation
                else:
                    evaluation.department_target = by_target[evaluation.department_target_id]
                    self.department_evaluations[evaluation.department_target_id] = evaluation
            # the 部门整体支出绩效自评表 prints the number of the department's units
            prefetch_related_objects([by_target[pk].department for pk in self.department_evaluations], "units")

    def target(self, filing: Filing) -> DepartmentTarget | None:
        return self.targets.get((filing.department_id, filing.fiscal_year_id))


def _budget_parts(facts: FilingFacts, read: _Read) -> list[Part]:
    filing = facts.filing
    projects = facts.projects
    target = read.target(filing)
    grids = [targets_grid(project=project) for project in projects]
    paragraphs = []
    if projects:
        with_targets = sum(1 for project in projects if project.indicators.all())
        which = "均编制了绩效目标" if with_targets == len(projects) else f"其中{with_targets}个编制了绩效目标"
        paragraphs.append(f"本部门{filing.fiscal_year.year}年项目支出共{len(projects)}个，{which}，各项目绩效目标表如下。")
    if target is not None and target.indicators.all():
        grids.append(department_targets_grid(target=target))
        paragraphs.append("部门整体支出绩效目标见部门整体支出绩效目标表。")
    if not grids:
        return []
    return [Part(PART_KEY, "绩效目标表", paragraphs, grids)]


def _final_parts(facts: FilingFacts, read: _Read) -> list[Part]:
    filing = facts.filing
    projects = facts.projects
    evaluations = {project.pk: read.evaluations[project.pk] for project in projects if project.pk in read.evaluations}
    target = read.target(filing)
    department_evaluation = read.department_evaluations.get(target.pk) if target is not None else None
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
