"""Score a self-evaluation: execution rate + every indicator by its rule, total and grade.

`score_sheet` computes without writing (used by pages and tests); `evaluation_score` stores the scores
and their explanations. Every number is a Decimal rounded to 2 places half up; the total adds the
rounded parts, so the printed form adds up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from disclosures.money import AmountUnit, format_amount, format_fraction
from evaluations.models import Indicator, IndicatorResult, RuleSet, SelfEvaluation

from . import rules
from .grades import grade_for
from .numbers import ONE, ZERO, num, q2, score_text
from .weights import Group, groups_for

#: The grade of a self-evaluation with an indicator not scored yet.
INCOMPLETE = "未完成"

RATE_QUANTUM = Decimal("0.0001")  # 执行率 as a fraction with 4 places = a percentage with 2 (57.59%)


@dataclass(frozen=True)
class Execution:
    rate: Decimal | None
    score: Decimal
    explanation: str
    needs_reason: bool


@dataclass
class Line:
    indicator: Indicator
    result: IndicatorResult | None
    points: Decimal
    outcome: rules.Outcome

    @property
    def final_score(self) -> Decimal:
        if self.result is not None and self.result.adjusted_score is not None and self.adjustment_valid:
            return self.result.adjusted_score
        return self.outcome.score

    @property
    def adjustment_valid(self) -> bool:
        adjusted = self.result.adjusted_score if self.result else None
        return adjusted is not None and self.outcome.adjustable and self.outcome.low <= adjusted <= self.outcome.high

    @property
    def pending(self) -> bool:
        """Not scored yet: no actual or band, or a qualitative indicator whose score is not picked
        (a reviewer's valid adjustment is a picked score)."""
        return self.outcome.pending and not (self.outcome.adjustable and self.adjustment_valid)

    @property
    def reason_message(self) -> str:
        return reason_message(self.outcome)


@dataclass
class ScoreSheet:
    evaluation: SelfEvaluation
    rule_set: RuleSet
    execution: Execution
    groups: list[Group]
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """The sum of the parts scored so far (the score only when `complete`)."""
        return q2(self.execution.score + sum((line.final_score for line in self.lines if not line.pending), ZERO))

    @property
    def pending_lines(self) -> list[Line]:
        return [line for line in self.lines if line.pending]

    @property
    def complete(self) -> bool:
        """Every indicator has its actual (or a picked score inside its band): only then is there a total."""
        return not self.pending_lines

    @property
    def grade(self) -> str:
        """The grade of the total, or 未完成 while an indicator is not scored: an unfinished evaluation
        is never graded 差 for the points it has not been given yet."""
        if not self.complete:
            return INCOMPLETE
        return grade_for(total=self.total, rule_set=self.rule_set)

    @property
    def total_score(self) -> Decimal | None:
        return self.total if self.complete else None

    def group_score(self, group: Group) -> Decimal:
        ids = set(group.allocation)
        return q2(sum((line.final_score for line in self.lines if line.indicator.pk in ids and not line.pending), ZERO))

    @property
    def total_explanation(self) -> str:
        parts = [f"执行率得分 {score_text(self.execution.score)}"]
        parts += [f"{g.label} {score_text(self.group_score(g))}" for g in self.groups]
        if not self.complete:
            names = "、".join(f"“{line.indicator.name}”" for line in self.pending_lines)
            return (
                f"自评未完成：{len(self.pending_lines)} 项指标尚未计分（{names}：未填写完成值或未在档次内选定得分），"
                f"不计总分和等级；已计分部分 = {' + '.join(parts)} = {score_text(self.total)}"
            )
        return f"总分 = {' + '.join(parts)} = {score_text(self.total)}，等级“{self.grade}”"

    @property
    def missing_reasons(self) -> list[str]:
        """What the department still has to explain (execution < 90%, shortfalls, actual ≥ 130% of target)."""
        found = []
        if self.execution.needs_reason and not self.evaluation.execution_reason.strip():
            found.append(f"执行率 {format_fraction(self.execution.rate)} 低于 {format_fraction(self.rule_set.execution_reason_below)}，须说明原因")
        for line in self.lines:
            message = line.reason_message
            if message and not (line.result and line.result.reason.strip()):
                found.append(f"“{line.indicator.name}”{message}")
        return found


def execution(*, budget: Decimal, executed: Decimal, rule_set: RuleSet, unit: str = AmountUnit.WAN) -> Execution:
    weight = Decimal(rule_set.execution_weight)
    if not budget:
        return Execution(None, ZERO, f"全年预算数为 0，无法计算执行率，得分 0.00（分值 {num(weight)}）", False)
    rate = (Decimal(executed) / Decimal(budget)).quantize(RATE_QUANTUM)
    counted = min(rate, ONE)
    score = q2(counted * weight)
    text = f"执行率 = {format_amount(executed, unit)} ÷ {format_amount(budget, unit)} = {format_fraction(rate)}；"
    if rate > ONE:
        text += f"超过 100% 按 100% 计；得分 = 100% × {num(weight)} = {score_text(score)}"
    else:
        text += f"得分 = {format_fraction(rate)} × {num(weight)} = {score_text(score)}"
    return Execution(rate, score, text, rate < Decimal(rule_set.execution_reason_below))


def reason_message(outcome: rules.Outcome) -> str:
    if outcome.missing:
        return ""
    if outcome.shortfall:
        return "未完成指标值，须说明原因及改进措施"
    if outcome.overachieved:
        return "完成值达到指标值的130%及以上，须说明原因（指标值是否设置过低）"
    return ""


def reason_required(*, indicator: Indicator, actual_value: Decimal | None, band: str, rule_set: RuleSet) -> str:
    """The message if this actual needs a reason from the department, else ''. Used by the entry form."""
    probe = IndicatorResult(indicator=indicator, actual_value=actual_value, band=band)
    return reason_message(rules.evaluate(indicator=indicator, result=probe, points=ONE, rule_set=rule_set))


def subject_indicators(evaluation: SelfEvaluation) -> list[Indicator]:
    owner = evaluation.project if evaluation.project_id else evaluation.department_target
    return list(owner.indicators.all())


def indicator_results(evaluation: SelfEvaluation, indicators: list[Indicator]) -> dict[int, IndicatorResult]:
    """The evaluation's results by indicator id, each pointing at its indicator among `indicators` (the
    objects the caller already holds), so that showing a result never reads its indicator again: one query,
    none when the results were prefetched."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    results = {}
    for result in evaluation.results.all():
        if result.indicator_id in by_pk:
            result.indicator = by_pk[result.indicator_id]
        results[result.indicator_id] = result
    return results


def score_sheet(*, evaluation: SelfEvaluation) -> ScoreSheet:
    rule_set = evaluation.rule_set
    indicators = subject_indicators(evaluation)
    results = indicator_results(evaluation, indicators)
    groups = groups_for(indicators=indicators, rule_set=rule_set)
    sheet = ScoreSheet(
        evaluation=evaluation,
        rule_set=rule_set,
        execution=execution(budget=evaluation.effective_budget, executed=evaluation.executed_amount, rule_set=rule_set, unit=evaluation.amount_unit),
        groups=groups,
    )
    points = {pk: p for group in groups for pk, p in group.allocation.items()}
    for indicator in indicators:
        result = results.get(indicator.pk)
        outcome = rules.evaluate(indicator=indicator, result=result, points=points[indicator.pk], rule_set=rule_set)
        sheet.lines.append(Line(indicator, result, points[indicator.pk], outcome))
    return sheet


@transaction.atomic
def evaluation_score(*, evaluation: SelfEvaluation) -> ScoreSheet:
    """Score and store: each result's points, score and explanation; the evaluation's execution score,
    total, grade and explanation. Idempotent. A reviewer's adjustment stays if it is still inside the
    band, otherwise it is dropped and the explanation says so."""
    evaluation = SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    for indicator in subject_indicators(evaluation):
        IndicatorResult.objects.get_or_create(evaluation=evaluation, indicator=indicator)
    sheet = score_sheet(evaluation=evaluation)
    for line in sheet.lines:
        result = line.result
        explanation = f"分值 {score_text(line.points)}；{line.outcome.explanation}"
        if result.adjusted_score is not None:
            if line.adjustment_valid:
                explanation += f"；审核人调整为 {score_text(result.adjusted_score)}（{result.adjust_comment}）"
            else:
                explanation += f"；原审核调整得分 {score_text(result.adjusted_score)} 超出可调整范围，已取消"
                result.adjusted_score = None
                result.adjusted_by = None
                result.adjusted_at = None
        result.points = line.points
        result.score = None if line.outcome.pending else line.outcome.score
        result.explanation = explanation
        result.full_clean()
        result.save()
    evaluation.execution_score = sheet.execution.score
    evaluation.total_score = sheet.total_score
    evaluation.grade = sheet.grade
    evaluation.explanation = {
        "rule_set": sheet.rule_set.name,
        "execution": sheet.execution.explanation,
        "groups": [
            {"key": g.key, "label": g.label, "points": score_text(g.points), "score": score_text(sheet.group_score(g)), "note": g.note}
            for g in sheet.groups
        ],
        "total": sheet.total_explanation,
        "complete": sheet.complete,
        "missing_reasons": sheet.missing_reasons,
    }
    evaluation.status = SelfEvaluation.Status.SCORED
    evaluation.scored_at = timezone.now()
    evaluation.full_clean()
    evaluation.save()
    return sheet
