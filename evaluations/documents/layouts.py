"""The published forms, each described once as a Grid:

- 项目绩效目标表 (seed 001's layout)
- 项目支出绩效自评表 (财预〔2020〕10号 附件 layout)
- 部门整体支出绩效自评表 (seed 002's layout)
- 项目绩效目标完成情况表 (seed 003's layout)

Amounts are shown with 2 decimals in the unit the filing publishes in (万元, or 元 as seed 001 does:
`SelfEvaluation.amount_unit`, `DepartmentTarget.amount_unit`); scores with 2 decimals.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

from disclosures.models import Filing, Project
from disclosures.money import format_fraction, format_indicator, unit_label
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult, SelfEvaluation
from evaluations.scoring import INCOMPLETE, score_sheet
from evaluations.scoring.engine import ScoreSheet, indicator_results
from evaluations.scoring.numbers import num as plain

from .grid import Grid, head, label, money, num, text

COMPARATOR_PRINTED = {"eq": "=", "ge": ">=", "le": "<=", "gt": ">", "lt": "<", "qualitative": "定性"}
# The choices' labels looked up once (the forms print one per indicator: the enum's and the model's display
# lookups cost more than the rest of the cell).
LEVEL1_LABELS: dict[str, str] = dict(Indicator.Level1.choices)
LEVEL2_LABELS: dict[str, str] = dict(Indicator.Level2.choices)
COMPARATOR_LABELS: dict[str, str] = dict(Indicator.Comparator.choices)
BAND_LABELS: dict[str, str] = dict(IndicatorResult.Band.choices)


def target_display(indicator: Indicator) -> str:
    """'≥95%', '=100%', or the qualitative text."""
    if indicator.comparator == Indicator.Comparator.QUALITATIVE or indicator.target_value is None:
        return indicator.target_text or "—"
    return format_indicator(
        comparator=COMPARATOR_LABELS.get(indicator.comparator, indicator.comparator), value=indicator.target_value, unit=indicator.unit
    )


def actual_display(result: IndicatorResult | None) -> str:
    if result is None:
        return ""
    parts = []
    if result.actual_value is not None:
        parts.append(f"{plain(result.actual_value)}{result.indicator.unit.strip()}")
    if result.actual_text:
        parts.append(result.actual_text)
    if result.band:
        parts.append(f"（{BAND_LABELS.get(result.band, result.band)}）")
    return " ".join(parts)


def _tree_rows(indicators):
    """(leading cells, indicator) per indicator: the 一级 and 二级 cells, merged down their group, open the
    first row of each group, as the published target and completion tables print them."""
    for level1, group in _spans(indicators, key=lambda i: i.level1):
        first1 = True
        for level2, items in _spans(group, key=lambda i: i.level2):
            for n, i in enumerate(items):
                row = []
                if first1:
                    row.append(label(LEVEL1_LABELS[level1], rowspan=len(group)))
                    first1 = False
                if n == 0:
                    row.append(text(LEVEL2_LABELS[level2], rowspan=len(items)))
                yield row, i


def _spans(items, key):
    """Consecutive runs of items sharing key(item): [(key, [items])]."""
    return [(k, list(g)) for k, g in groupby(items, key=key)]


def _ordered(indicators: list[Indicator]) -> list[Indicator]:
    order = {level1: n for n, level1 in enumerate(Indicator.LEVEL2_OF_LEVEL1)}
    order2 = {level2: n for level2s in Indicator.LEVEL2_OF_LEVEL1.values() for n, level2 in enumerate(level2s)}
    return sorted(indicators, key=lambda i: (order.get(i.level1, 9), order2.get(i.level2, 9), i.order, i.pk))


def targets_grid(*, project: Project) -> Grid:
    """项目绩效目标表, as seed 001 prints it (8 columns)."""
    grid = Grid(
        "项目绩效目标表", f"（{project.filing.fiscal_year.year}年度）", [12, 12, 16, 24, 7, 9, 10, 18], filename=f"项目绩效目标表-{project.code}"
    )
    grid.add(label("项目编码"), text(project.code, 3), label("项目名称"), text(project.name, 3))
    grid.add(label("项目绩效模板"), text("", 7))
    grid.add(label("资金用途"), text(project.purpose, 7))
    grid.add(label("资金支出计划（累计进度%）", rowspan=2), head("3月底", 2), head("6月底", 2), head("10月底", 2), head("12月底"))
    grid.add(*[num(getattr(project, f), colspan) for f, colspan in zip(Project.PLAN_FIELDS, (2, 2, 2, 1))])
    grid.add(label("绩效目标", rowspan=2), label("目标1"), text(project.goal_1, 6))
    grid.add(label("目标2"), text(project.goal_2, 6))
    _target_indicator_rows(grid, project.indicators.all())
    return grid


def department_targets_grid(*, target: DepartmentTarget) -> Grid:
    """部门整体支出绩效目标表: the department's yearly goal and its indicator tree (the project targets
    table's indicator columns under a department heading)."""
    unit = target.amount_unit(Filing.Kind.BUDGET)
    grid = Grid(
        "部门整体支出绩效目标表",
        f"（{target.fiscal_year.year}年度）",
        [12, 12, 16, 24, 7, 9, 10, 18],
        filename=f"部门整体支出绩效目标表-{target.department.code}",
    )
    grid.add(
        label("部门（单位）名称"), text(target.department.name, 3), label(f"年度预算（{unit_label(unit)}）"), money(target.budget_amount, unit, 3)
    )
    grid.add(label("部门职能职责概述"), text(target.department.duties, 7))
    grid.add(label("年度总体目标"), text(target.overall_goal, 7))
    _target_indicator_rows(grid, target.indicators.all())
    return grid


def _target_indicator_rows(grid: Grid, indicators) -> None:
    """The targets tables' indicator part: 一级/二级/三级 merged down the tree, description, 指标值 (符号, 值,
    单位) and 指标值确定依据 — the same for a project's and the department's targets."""
    grid.add(
        head("一级指标", rowspan=2),
        head("二级指标", rowspan=2),
        head("三级指标", rowspan=2),
        head("绩效指标描述", rowspan=2),
        head("指标值", 3),
        head("指标值确定依据", rowspan=2),
    )
    grid.add(head("符号"), head("值"), head("单位（文字描述）"))
    for row, i in _tree_rows(_ordered(list(indicators))):
        value = num(i.target_value) if i.target_value is not None else text(i.target_text)
        grid.add(*row, text(i.name), text(i.description), text(COMPARATOR_PRINTED[i.comparator]), value, text(i.unit.strip()), text(i.basis))


def _indicator_rows(grid: Grid, sheet: ScoreSheet, *, level1_points: bool, reason_span: int = 1) -> None:
    """一级/二级/三级, 指标值, 完成值, 分值, 得分, 原因 — one row per indicator with 一级/二级 merged."""
    lines = {line.indicator.pk: line for line in sheet.lines}
    group_points = {g.key: g.points for g in sheet.groups}
    ordered = _ordered([line.indicator for line in sheet.lines])
    for level1, group in _spans(ordered, key=lambda i: i.level1):
        first1 = True
        title = LEVEL1_LABELS[level1]
        if level1_points and level1 in group_points:
            title += f"（{plain(group_points[level1])}分）"
        for level2, items in _spans(group, key=lambda i: i.level2):
            for n, i in enumerate(items):
                line = lines[i.pk]
                row = []
                if first1:
                    row.append(label(title, rowspan=len(group)))
                    first1 = False
                if n == 0:
                    row.append(text(LEVEL2_LABELS[level2], rowspan=len(items)))
                score = text("未计分") if line.pending else num(line.final_score)
                row += [
                    text(i.name),
                    text(target_display(i)),
                    text(actual_display(line.result)),
                    num(line.points),
                    score,
                    text(line.result.reason if line.result else "", reason_span),
                ]
                grid.add(*row)


def project_evaluation_grid(*, evaluation: SelfEvaluation, sheet: ScoreSheet | None = None) -> Grid:
    """项目支出绩效自评表 (10 columns); `sheet`: the evaluation's score sheet when the caller has it already."""
    project = evaluation.project
    sheet = sheet or score_sheet(evaluation=evaluation)
    unit = evaluation.amount_unit
    year = project.filing.fiscal_year.year
    grid = Grid("项目支出绩效自评表", f"（{year}年度）", [10, 10, 12, 18, 14, 14, 8, 9, 9, 16], filename=f"项目支出绩效自评表-{project.code}")
    grid.add(label("项目名称", 2), text(project.name, 8))
    grid.add(label("主管部门", 2), text(project.filing.department.name, 4), label("实施单位", 2), text(project.unit.name if project.unit else "", 2))
    grid.add(
        label(f"项目资金（{unit_label(unit)}）", 2, rowspan=4),
        head(""),
        head("年初预算数"),
        head("全年预算数"),
        head("全年执行数"),
        head("分值"),
        head("执行率"),
        head("得分"),
        head("原表得分"),
    )
    rate = sheet.execution.rate
    other_budget = evaluation.effective_budget - evaluation.fiscal_budget_amount
    other_exec = evaluation.executed_amount - evaluation.fiscal_executed_amount
    grid.add(
        label("年度资金总额"),
        money(evaluation.budget_amount, unit),
        money(evaluation.effective_budget, unit),
        money(evaluation.executed_amount, unit),
        num(sheet.rule_set.execution_weight),
        text(_rate(rate)),
        num(sheet.execution.score),
        num(evaluation.published_execution_score),
    )
    grid.add(
        label("其中：当年财政拨款"),
        money(evaluation.fiscal_budget_amount, unit),
        money(evaluation.fiscal_budget_amount, unit),
        money(evaluation.fiscal_executed_amount, unit),
        text("—"),
        text(_ratio(evaluation.fiscal_executed_amount, evaluation.fiscal_budget_amount)),
        text("—"),
        text("—"),
    )
    grid.add(
        label("其他资金"),
        money(max(evaluation.budget_amount - evaluation.fiscal_budget_amount, Decimal(0)), unit),
        money(max(other_budget, Decimal(0)), unit),
        money(max(other_exec, Decimal(0)), unit),
        text("—"),
        text(_ratio(other_exec, other_budget)),
        text("—"),
        text("—"),
    )
    goals = "\n".join(g for g in (project.goal_1, project.goal_2) if g)
    grid.add(label("年度总体目标", 2, rowspan=2), head("预期目标", 4), head("实际完成情况", 4))
    grid.add(text(goals, 4), text(evaluation.goal_result or project.result_summary, 4))
    grid.add(
        label("绩效指标", rowspan=len(sheet.lines) + 1),
        head("一级指标"),
        head("二级指标"),
        head("三级指标"),
        head("年度指标值"),
        head("实际完成值"),
        head("分值"),
        head("得分"),
        head("偏差原因分析及改进措施", 2),
    )
    _indicator_rows(grid, sheet, level1_points=False, reason_span=2)
    grid.add(label("总分", 6), num(Decimal(100)), _total(sheet), label("等级"), text(sheet.grade))
    grid.footer = "计算过程：" + sheet.execution.explanation + "；" + sheet.total_explanation
    return grid


def department_evaluation_grid(*, evaluation: SelfEvaluation, sheet: ScoreSheet | None = None) -> Grid:
    """部门（单位）整体支出绩效自评表, as seed 002 prints it (9 columns); `sheet` as for project_evaluation_grid."""
    target = evaluation.department_target
    sheet = sheet or score_sheet(evaluation=evaluation)
    unit = evaluation.amount_unit
    grid = Grid(
        "部门（单位）整体支出绩效自评表",
        f"（{target.fiscal_year.year} 年度）",
        [12, 8, 12, 24, 14, 14, 8, 8, 20],
        filename=f"部门整体支出绩效自评表-{target.department.code}",
    )
    grid.add(
        label("部门（单位）名称", 2),
        text(target.department.name, 4),
        label("所属独立核算", 2),
        num(Decimal(target.department.units.count()), number_format="0"),
    )
    grid.add(
        label(f"年度预算申请（{unit_label(unit)}）", rowspan=5),
        head("资金来源", 3),
        head("全年预算数"),
        head("全年执行数"),
        head("执行率"),
        head("分值"),
        head("得分"),
    )
    budget, executed = evaluation.effective_budget, evaluation.executed_amount
    grid.add(
        label("年度总预算", 3),
        money(budget, unit),
        money(executed, unit),
        text(_rate(sheet.execution.rate)),
        num(sheet.rule_set.execution_weight),
        num(sheet.execution.score),
    )
    other_budget = max(budget - evaluation.fiscal_budget_amount, Decimal(0))
    other_exec = max(executed - evaluation.fiscal_executed_amount, Decimal(0))
    grid.add(
        label("其中", rowspan=3),
        label("财政拨款", 2),
        money(evaluation.fiscal_budget_amount, unit),
        money(evaluation.fiscal_executed_amount, unit),
        text(_ratio(evaluation.fiscal_executed_amount, evaluation.fiscal_budget_amount)),
        text("--"),
        text("--"),
    )
    grid.add(label("事业收入", 2), num(None), num(None), text(_ratio(Decimal(0), Decimal(0))), text("--"), text("--"))
    grid.add(
        label("其他资金", 2),
        money(other_budget or None, unit),
        money(other_exec or None, unit),
        text(_ratio(other_exec, other_budget)),
        text("--"),
        text("--"),
    )
    grid.add(label("部门职能职责概述", 2), text(target.department.duties, 7))
    grid.add(label("年度总体目标", 2, rowspan=2), head("年初设定目标", 4), head("目标完成情况", 3))
    grid.add(text(target.overall_goal, 4), text(evaluation.goal_result, 3))
    grid.add(
        label("年度绩效指标", rowspan=len(sheet.lines) + 1),
        head("一级指标"),
        head("二级指标"),
        head("三级指标"),
        head("指标值"),
        head("完成值"),
        head("分值"),
        head("得分"),
        head("未完成原因及拟改进措施"),
    )
    _indicator_rows(grid, sheet, level1_points=True)
    grid.add(label("总分", 6), num(Decimal(100)), _total(sheet), text(f"等级：{sheet.grade}"))
    published = evaluation.published_execution_score
    footer = "计算过程：" + sheet.execution.explanation
    if published is not None:
        footer += f"（原表填报执行率得分 {plain(published)}）"
    grid.footer = footer + "；" + sheet.total_explanation
    return grid


def completion_grid(*, evaluation: SelfEvaluation) -> Grid:
    """项目绩效目标完成情况表, as seed 003 prints it (6 columns)."""
    project = evaluation.project
    unit = evaluation.amount_unit
    indicators = _ordered(list(project.indicators.all()))
    results = indicator_results(evaluation, indicators)
    grid = Grid(
        "项目绩效目标完成情况表",
        f"({project.filing.fiscal_year.year} 年度)",
        [16, 14, 14, 22, 26, 26],
        filename=f"项目绩效目标完成情况表-{project.code}",
    )
    grid.add(label("项目名称"), text(project.name, 5))
    grid.add(label("预算单位"), text(project.unit.name if project.unit else project.filing.department.name, 5))
    budget, executed = evaluation.effective_budget, evaluation.executed_amount
    grid.add(label(f"预算执行情况({unit_label(unit)})", rowspan=3), label("预算数:"), money(budget, unit), label("执行数:"), money(executed, unit, 2))
    grid.add(
        label("其中-财政拨款:"),
        money(evaluation.fiscal_budget_amount, unit),
        label("其中-财政拨款:"),
        money(evaluation.fiscal_executed_amount, unit, 2),
    )
    grid.add(
        label("其它资金:"),
        money(max(budget - evaluation.fiscal_budget_amount, Decimal(0)), unit),
        label("其它资金:"),
        money(max(executed - evaluation.fiscal_executed_amount, Decimal(0)), unit, 2),
    )
    goals = "\n".join(g for g in (project.goal_1, project.goal_2) if g)
    grid.add(label("年度目标完成情况", rowspan=2), head("预期目标", 2), head("实际完成目标", 3))
    grid.add(text(goals, 2), text(evaluation.goal_result or project.result_summary, 3))
    grid.add(
        label("绩效指标完成情况", rowspan=len(indicators) + 1),
        head("一级指标"),
        head("二级指标"),
        head("三级指标"),
        head("预期指标值(包含数字及文字描述)"),
        head("实际完成指标值(包含数字及文字描述)"),
    )
    for row, i in _tree_rows(indicators):
        described = target_display(i) + (f"（{i.description}）" if i.description and i.description != i.target_text else "")
        grid.add(*row, text(i.name), text(described), text(actual_display(results.get(i.pk))))
    return grid


def _total(sheet: ScoreSheet):
    """The total, or 未完成 while an indicator is not scored (never a partial sum printed as the score)."""
    return num(sheet.total) if sheet.complete else text(INCOMPLETE)


def _rate(rate: Decimal | None) -> str:
    return "—" if rate is None else format_fraction(rate)


def _ratio(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "0.00%"
    return format_fraction(Decimal(part) / Decimal(whole))


FORMS = {
    "targets": ("项目绩效目标表", "project"),
    "self-evaluation": ("项目支出绩效自评表", "evaluation"),
    "completion": ("项目绩效目标完成情况表", "evaluation"),
    "department": ("部门整体支出绩效自评表", "evaluation"),
}


def build(form: str, *, project: Project | None = None, evaluation: SelfEvaluation | None = None) -> Grid:
    """The grid of one published form (the registry FORMS names them)."""
    if form == "targets":
        return targets_grid(project=project)
    if form == "self-evaluation":
        return project_evaluation_grid(evaluation=evaluation)
    if form == "completion":
        return completion_grid(evaluation=evaluation)
    if form == "department":
        return department_evaluation_grid(evaluation=evaluation)
    raise KeyError(form)
