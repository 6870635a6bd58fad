"""The registry of indicator rules, keyed by comparator (财预〔2020〕10号 and local practice).

Each rule turns an indicator's target, the department's actual (or qualitative band) and the points
the indicator is worth into a score, the Chinese explanation of how it was computed, the range within
which a reviewer may set the score (only qualitative rules have a range wider than one value), and
whether the department must give a reason (shortfall, or an actual ≥ 130% of target).

Choices documented here because the circular leaves them open:
- "≥" and ">" score alike (actual ≥ target → full), as do "≤" and "<".
- A qualitative indicator is not scored until the evaluator picks a score inside its band
  (`IndicatorResult.chosen_score`): a band alone gives no score (before, 未达成 defaulted to 60% of the
  points, so a project that reached no qualitative target still scored 中); the reviewer may change it
  within the band with `services.result_adjust`, never outside it.
- A reverse (≤, <) indicator scores 指标值 ÷ 完成值 × 分值, capped at the points (common practice of the
  provinces' 评分规则; an actual of 0, or at or below the target, scores full).
- A negative ratio (negative actual) scores 0, never a negative score.
- The 130% over-achievement reason applies to the "higher is better" comparators (≥, >, =) with a
  positive target; for reverse indicators a low actual is the goal, not a sign of a low target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from disclosures.money import format_fraction
from evaluations.models import Indicator, IndicatorResult, RuleSet

from .numbers import ONE, ZERO, num, q2, score_text, with_unit

C = Indicator.Comparator

DEFAULT_BANDS = {
    IndicatorResult.Band.ACHIEVED: ("0.80", "1.00"),
    IndicatorResult.Band.PARTIAL: ("0.60", "0.80"),
    IndicatorResult.Band.NOT_ACHIEVED: ("0.00", "0.60"),
}


@dataclass(frozen=True)
class Outcome:
    score: Decimal
    explanation: str
    low: Decimal
    high: Decimal
    shortfall: bool = False
    overachieved: bool = False
    missing: bool = False
    pending: bool = False  # not scored yet (no actual, no band, or no score picked in the band)

    @property
    def adjustable(self) -> bool:
        return self.low != self.high


@dataclass(frozen=True)
class RuleInput:
    comparator: str
    target: Decimal | None
    unit: str
    actual: Decimal | None
    band: str
    points: Decimal
    rule_set: RuleSet
    chosen: Decimal | None = None


Rule = Callable[[RuleInput], Outcome]
RULES: dict[str, Rule] = {}
RULE_LABELS: dict[str, str] = {}


def register(*comparators: str, label: str):
    """Register a rule for comparators; a province's variant replaces a rule by registering again."""

    def decorate(rule: Rule) -> Rule:
        for comparator in comparators:
            RULES[comparator] = rule
            RULE_LABELS[comparator] = label
        return rule

    return decorate


def rule_for(comparator: str) -> Rule:
    try:
        return RULES[comparator]
    except KeyError:
        raise ValueError(f"没有“{comparator}”型指标的评分规则") from None


def _fixed(score: Decimal, explanation: str, **flags) -> Outcome:
    score = q2(score)
    return Outcome(score=score, explanation=explanation, low=score, high=score, **flags)


def _missing(i: RuleInput) -> Outcome:
    return _fixed(ZERO, f"未填写完成值，未计分（分值 {score_text(i.points)}）", shortfall=True, missing=True, pending=True)


def _overachieved(i: RuleInput) -> bool:
    ratio = Decimal(str(i.rule_set.overachievement_ratio or "1.30"))
    return bool(i.target and i.target > 0 and i.actual is not None and i.actual >= i.target * ratio)


def _symbol(comparator: str) -> str:
    return dict(C.choices).get(comparator, comparator)


@register(C.GE, C.GT, label="正向指标：完成值≥指标值得满分，否则按完成值÷指标值×分值")
def positive(i: RuleInput) -> Outcome:
    if i.actual is None:
        return _missing(i)
    actual, target = with_unit(i.actual, i.unit), with_unit(i.target, i.unit)
    over = _overachieved(i)
    if i.actual >= i.target:
        text = f"完成值 {actual} ≥ 指标值 {target}（{_symbol(i.comparator)}），得满分 {score_text(i.points)}"
        if over:
            text += f"；完成值达到指标值的 {format_fraction(i.actual / i.target)}，须说明原因"
        return _fixed(i.points, text, overachieved=over)
    ratio = max(i.actual / i.target, ZERO)
    score = ratio * i.points
    return _fixed(
        score,
        f"完成值 {actual} < 指标值 {target}；得分 = {num(i.actual)} ÷ {num(i.target)} × {score_text(i.points)} = {score_text(score)}",
        shortfall=True,
    )


@register(C.LE, C.LT, label="反向指标：完成值≤指标值得满分，否则按指标值÷完成值×分值（不超过分值）")
def reverse(i: RuleInput) -> Outcome:
    if i.actual is None:
        return _missing(i)
    actual, target = with_unit(i.actual, i.unit), with_unit(i.target, i.unit)
    if i.actual <= i.target:
        return _fixed(i.points, f"完成值 {actual} ≤ 指标值 {target}（{_symbol(i.comparator)}），得满分 {score_text(i.points)}")
    if i.target <= 0:
        return _fixed(ZERO, f"指标值为 {target}，完成值 {actual} 超过指标值，得分 0.00", shortfall=True)
    score = min(i.target / i.actual, ONE) * i.points
    return _fixed(
        score,
        f"完成值 {actual} 超过指标值 {target}；得分 = {num(i.target)} ÷ {num(i.actual)} × {score_text(i.points)} = {score_text(score)}",
        shortfall=True,
    )


@register(C.EQ, label="等于型指标：指标值为0时完成即满分、否则0分；指标值非0时按正向指标计分")
def equality(i: RuleInput) -> Outcome:
    if i.actual is None:
        return _missing(i)
    if i.target == 0:
        if i.actual == 0:
            return _fixed(i.points, f"指标值为 0，完成值 {with_unit(i.actual, i.unit)}，得满分 {score_text(i.points)}")
        return _fixed(ZERO, f"指标值为 0，完成值 {with_unit(i.actual, i.unit)} ≠ 0，全有或全无，得分 0.00", shortfall=True)
    outcome = positive(i)
    return Outcome(**{**outcome.__dict__, "explanation": "等于型指标按正向计分：" + outcome.explanation})


def band_range(rule_set: RuleSet, band: str) -> tuple[Decimal, Decimal]:
    """The fraction range of a qualitative band, from the rule set (or the circular's default bands)."""
    bands = rule_set.qualitative_bands or {}
    low, high = bands.get(band) or DEFAULT_BANDS[band]
    return Decimal(str(low)), Decimal(str(high))


@register(
    C.QUALITATIVE, label="定性指标：按档次（达成80–100%、部分达成60–80%、未达成0–60%）由评价人在档次内选定得分，未选定不计分；审核人可在档次内调整"
)
def qualitative(i: RuleInput) -> Outcome:
    if not i.band:
        return _fixed(ZERO, f"定性指标未选择完成档次，未计分（分值 {score_text(i.points)}）", shortfall=True, missing=True, pending=True)
    label = IndicatorResult.Band(i.band).label
    band_low, band_high = band_range(i.rule_set, i.band)
    low, high = q2(band_low * i.points), q2(band_high * i.points)
    band_text = f"定性指标，档次“{label}”（{format_fraction(band_low)}–{format_fraction(band_high)}，即 {score_text(low)}–{score_text(high)} 分）"
    shortfall = i.band != IndicatorResult.Band.ACHIEVED
    if i.chosen is None:
        return Outcome(ZERO, f"{band_text}，尚未在档次内选定得分，未计分", low, high, shortfall=shortfall, pending=True)
    if not (low <= i.chosen <= high):
        return Outcome(ZERO, f"{band_text}，所选得分 {score_text(i.chosen)} 不在档次范围内，未计分", low, high, shortfall=shortfall, pending=True)
    return Outcome(q2(i.chosen), f"{band_text}，选定得分 {score_text(i.chosen)}", low, high, shortfall=shortfall)


def evaluate(*, indicator: Indicator, result: IndicatorResult | None, points: Decimal, rule_set: RuleSet) -> Outcome:
    rule = rule_for(indicator.comparator)
    return rule(
        RuleInput(
            comparator=indicator.comparator,
            target=indicator.target_value,
            unit=indicator.unit,
            actual=result.actual_value if result else None,
            band=result.band if result else "",
            points=points,
            rule_set=rule_set,
            chosen=result.chosen_score if result else None,
        )
    )
