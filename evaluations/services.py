"""Writes of targets and self-evaluations. Every function validates (full_clean) before it saves.

Access (who may call with which object) is decided by evaluations.selectors; `result_adjust` also
checks the reviewer role itself because it is the one write a department must never reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosures.access import is_reviewer
from disclosures.models import Project
from disclosures.services.audit import audit_record
from disclosures.services.locking import filing_write
from evaluations.models import DepartmentTarget, Indicator, IndicatorResult, SelfEvaluation
from evaluations.rulesets import rule_set_for
from evaluations.scoring import evaluation_score, reason_required, score_sheet
from evaluations.scoring.engine import execution, subject_indicators
from evaluations.scoring.numbers import q2, score_text
from evaluations.scoring.rules import band_range
from evaluations.scoring.weights import groups_for

Owner = Project | DepartmentTarget

INDICATOR_FIELDS = ("level1", "level2", "name", "description", "comparator", "target_value", "target_text", "unit", "basis", "weight", "order")
PERCENT_UNITS = {"%", "％"}


@contextmanager
def owner_write(owner: Owner) -> Iterator[None]:
    """The write transaction of a target or self-evaluation: a project's goes through its filing's write
    lock (status re-read under the row lock, data revision bumped: disclosures.services.locking); a
    department-wide target belongs to no filing."""
    if isinstance(owner, Project):
        with filing_write(filing=owner.filing_id):
            yield
    else:
        with transaction.atomic():
            yield


def _owner_kwargs(owner: Owner) -> dict:
    return {"project": owner} if isinstance(owner, Project) else {"department_target": owner}


def indicator_validate(indicator: Indicator) -> None:
    """Normalise (trim text, '％' → '%') and check one indicator; ValidationError with Chinese messages per field."""
    for name in ("name", "description", "target_text", "unit", "basis"):
        setattr(indicator, name, (getattr(indicator, name) or "").strip())
    if indicator.unit == "％":
        indicator.unit = "%"
    errors: dict[str, str] = {}
    allowed = Indicator.LEVEL2_OF_LEVEL1.get(indicator.level1, ())
    if indicator.level1 and indicator.level2 not in allowed:
        labels = "、".join(level2.label for level2 in allowed)
        errors["level2"] = f"{Indicator.Level1(indicator.level1).label}的二级指标只能是：{labels}。"
    if not indicator.name:
        errors["name"] = "请填写三级指标名称。"
    qualitative = indicator.comparator == Indicator.Comparator.QUALITATIVE
    if not qualitative and indicator.target_value is None:
        errors["target_value"] = "定量指标（= ≥ ≤ > <）必须填写数值型指标值。"
    if qualitative and not indicator.target_text and indicator.target_value is None:
        errors["target_text"] = "定性指标请用文字描述指标值。"
    if indicator.unit in PERCENT_UNITS and indicator.target_value is not None and not (0 <= indicator.target_value <= 100):
        errors["target_value"] = "单位为%时，指标值应在 0 到 100 之间。"
    if len(indicator.unit) > 10 or any(ch in indicator.unit for ch in "=+@<>≥≤"):
        errors["unit"] = "单位应为简短的计量单位，如 %、人次、万元、件。"
    if indicator.weight is not None and indicator.weight < 0:
        errors["weight"] = "分值不能为负数。"
    if errors:
        raise ValidationError(errors)


def indicator_save(*, owner: Owner, user, data: dict, indicator: Indicator | None = None) -> Indicator:
    """Create (indicator=None) or update one indicator of a project or department target."""
    if indicator is None and owner.indicators.count() >= settings.EVALUATION_MAX_INDICATORS:
        raise ValidationError(f"绩效指标最多 {settings.EVALUATION_MAX_INDICATORS} 个。")
    indicator = indicator or Indicator(**_owner_kwargs(owner))
    for name in INDICATOR_FIELDS:
        if name in data:
            setattr(indicator, name, data[name])
    if indicator.pk is None and "order" not in data:
        indicator.order = (owner.indicators.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    indicator_validate(indicator)
    indicator.full_clean()
    with owner_write(owner):
        indicator.save()
    return indicator


def indicator_delete(*, indicator: Indicator, user) -> None:
    with owner_write(indicator.project or indicator.department_target):
        indicator.delete()


def targets_replace(*, owner: Owner, user, rows: Iterable[dict]) -> list[Indicator]:
    """Replace all indicators of `owner` with `rows` (an import): all or nothing.

    Refused once the self-evaluation has actual values, which would be lost with their indicators.
    """
    with owner_write(owner):
        return _targets_replace(owner=owner, user=user, rows=rows)


def _targets_replace(*, owner: Owner, user, rows: Iterable[dict]) -> list[Indicator]:
    if IndicatorResult.objects.filter(indicator__in=owner.indicators.all()).exclude(actual_value=None, band="", actual_text="").exists():
        raise ValidationError("已填报自评完成值，不能整体替换绩效指标；请在页面上逐条修改。")
    owner.indicators.all().delete()
    created = []
    for order, row in enumerate(rows, start=1):
        created.append(indicator_save(owner=owner, user=user, data={**row, "order": order}))
    return created


def department_target_save(*, department, fiscal_year, user, overall_goal: str, budget_amount: Decimal) -> DepartmentTarget:
    target, _ = DepartmentTarget.objects.get_or_create(department=department, fiscal_year=fiscal_year)
    target.overall_goal = overall_goal.strip()
    target.budget_amount = budget_amount
    target.full_clean()
    target.save()
    return target


def evaluation_start(*, owner: Owner, user) -> SelfEvaluation:
    """The owner's self-evaluation, created with the rule set that applies and the amounts known so far."""
    existing = SelfEvaluation.objects.filter(**_owner_kwargs(owner)).first()
    if existing:
        return existing
    with owner_write(owner):
        return _evaluation_start(owner=owner, user=user)


def _evaluation_start(*, owner: Owner, user) -> SelfEvaluation:
    kwargs = _owner_kwargs(owner)
    existing = SelfEvaluation.objects.filter(**kwargs).first()
    if existing:
        return existing
    if isinstance(owner, Project):
        year, province = owner.filing.fiscal_year, owner.filing.department.province
        amounts = {
            "budget_amount": owner.budget_amount,
            "adjusted_amount": owner.adjusted_amount,
            "executed_amount": owner.actual_amount,
            "fiscal_budget_amount": owner.fiscal_amount,
        }
    else:
        year, province = owner.fiscal_year, owner.department.province
        amounts = {"budget_amount": owner.budget_amount}
    evaluation = SelfEvaluation(**kwargs, rule_set=rule_set_for(fiscal_year=year, province=province), **amounts)
    evaluation.full_clean()
    evaluation.save()
    for indicator in owner.indicators.all():
        IndicatorResult.objects.create(evaluation=evaluation, indicator=indicator)
    return evaluation


@dataclass
class ResultInput:
    indicator: Indicator
    actual_value: Decimal | None = None
    actual_text: str = ""
    band: str = ""
    reason: str = ""
    chosen_score: Decimal | None = None


AMOUNT_FIELDS = ("budget_amount", "adjusted_amount", "executed_amount", "fiscal_budget_amount", "fiscal_executed_amount")


def evaluation_save(
    *, evaluation: SelfEvaluation, user, amounts: dict, execution_reason: str, goal_result: str, results: list[ResultInput]
) -> SelfEvaluation:
    """Save the department's self-evaluation: amounts, reasons and each indicator's actual.

    A reason is required for 执行率 below the rule set's threshold (90%), for every indicator that falls
    short of its target and for an actual ≥ 130% of target. Errors are keyed by field
    ("execution_reason", "result-<indicator id>-reason", ...) so the page can show them in place.
    Saving puts a scored evaluation back to 填报中 until it is scored again.
    """
    errors: dict[str, list[str]] = {}
    points = {
        pk: p for group in groups_for(indicators=subject_indicators(evaluation), rule_set=evaluation.rule_set) for pk, p in group.allocation.items()
    }
    for name in AMOUNT_FIELDS:
        if name in amounts:
            setattr(evaluation, name, amounts[name])
    evaluation.execution_reason = execution_reason.strip()
    evaluation.goal_result = goal_result.strip()
    rule_set = evaluation.rule_set
    run = execution(budget=evaluation.effective_budget, executed=evaluation.executed_amount, rule_set=rule_set)
    if run.needs_reason and not evaluation.execution_reason:
        errors["execution_reason"] = [f"执行率 {run.rate * 100:.2f}% 低于 {rule_set.execution_reason_below * 100:.0f}%，请说明原因。"]
    for item in results:
        indicator = item.indicator
        key = f"result-{indicator.pk}"
        qualitative = indicator.comparator == Indicator.Comparator.QUALITATIVE
        if qualitative and item.actual_value is not None and not item.band:
            errors[f"{key}-band"] = ["定性指标请选择完成档次。"]
        if not qualitative and item.band:
            errors[f"{key}-band"] = ["定量指标不选择档次，请填写完成值。"]
        if item.chosen_score is not None:
            if not qualitative:
                errors[f"{key}-chosen_score"] = ["定量指标的得分由评分规则计算，不能自选。"]
            elif not item.band:
                errors[f"{key}-chosen_score"] = ["请先选择完成档次，再在档次范围内选定得分。"]
            else:
                low, high = (q2(f * points.get(indicator.pk, Decimal(0))) for f in band_range(rule_set, item.band))
                if not (low <= item.chosen_score <= high):
                    label = IndicatorResult.Band(item.band).label
                    errors[f"{key}-chosen_score"] = [f"得分须在档次“{label}”的范围 {score_text(low)}–{score_text(high)} 之内。"]
        message = reason_required(indicator=indicator, actual_value=item.actual_value, band=item.band, rule_set=rule_set)
        if message and not item.reason.strip():
            errors[f"{key}-reason"] = [message + "。"]
    if errors:
        raise ValidationError(errors)
    with owner_write(evaluation.project or evaluation.department_target):
        return _evaluation_write(evaluation=evaluation, results=results)


def _evaluation_write(*, evaluation: SelfEvaluation, results: list[ResultInput]) -> SelfEvaluation:
    for item in results:
        result, _ = IndicatorResult.objects.get_or_create(evaluation=evaluation, indicator=item.indicator)
        result.actual_value = item.actual_value
        result.actual_text = item.actual_text.strip()
        result.band = item.band
        result.reason = item.reason.strip()
        result.chosen_score = item.chosen_score if item.band else None
        result.score = None
        result.full_clean()
        result.save()
    evaluation.status = SelfEvaluation.Status.DRAFT
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def results_pick_published(*, evaluation: SelfEvaluation, published_points: dict[int, Decimal]) -> None:
    """For a self-evaluation typed in from a published form: each qualitative indicator with a band gets
    its published 得分 as its picked score, scaled to the points it is worth under the rule set (seed 002
    prints 10 of 10 for an 效益指标 worth 7.50 here: picked 7.50), kept inside its band."""
    sheet = score_sheet(evaluation=evaluation)
    for line in sheet.lines:
        result, published = line.result, published_points.get(line.indicator.pk)
        if result is None or not result.band or result.published_score is None or not published:
            continue
        picked = q2(result.published_score / Decimal(published) * line.points)
        result.chosen_score = min(max(picked, line.outcome.low), line.outcome.high)
        result.full_clean()
        result.save(update_fields=["chosen_score"])


@transaction.atomic
def result_adjust(*, result: IndicatorResult, user, score: Decimal, comment: str) -> IndicatorResult:
    """A reviewer sets a qualitative indicator's score within its band; audited; the total is rescored."""
    if not is_reviewer(user):
        raise PermissionDenied("只有财政局审核人可以调整得分。")
    if not comment.strip():
        raise ValidationError({"comment": "请填写调整说明。"})
    sheet = score_sheet(evaluation=result.evaluation)
    line = next(line for line in sheet.lines if line.indicator.pk == result.indicator_id)
    if not line.outcome.adjustable:
        raise ValidationError({"score": "定量指标的得分由评分规则计算，不能调整；定性指标须先选择档次。"})
    if not (line.outcome.low <= score <= line.outcome.high):
        label = IndicatorResult.Band(result.band).label
        raise ValidationError({"score": f"得分须在档次“{label}”的范围 {score_text(line.outcome.low)}–{score_text(line.outcome.high)} 之内。"})
    before = line.final_score
    result.adjusted_score = score
    result.adjusted_by = user
    result.adjusted_at = timezone.now()
    result.adjust_comment = comment.strip()
    result.full_clean()
    result.save()
    evaluation = result.evaluation
    audit_record(
        filing=evaluation.project.filing if evaluation.project_id else None,
        actor=user,
        action="调整自评得分",
        object_repr=f"{evaluation} / {result.indicator.name}",
        field="得分",
        before=score_text(before),
        after=score_text(score),
        comment=result.adjust_comment,
    )
    evaluation_score(evaluation=evaluation)
    result.refresh_from_db()
    return result
