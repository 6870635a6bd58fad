"""Points per indicator: the rule set gives each 一级 its points (10/50/30/10, or Sichuan's pooled 90);
inside a group the points are shared equally unless weights (分值) are set.

Weights are relative: a group whose indicators carry weights 10, 10, 10, 10 but is worth 30 points
gives each 7.50 (seed 002's 效益指标 printed 4 × 10 = 40 under a 30-point heading; we scale and say so).
Where only some indicators have a weight, the others share what the set weights leave of the group's
points. Points are rounded with the largest-remainder method so that a group adds up exactly
(50 ÷ 3 → 16.67 + 16.67 + 16.66).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from evaluations.models import Indicator, RuleSet

from .numbers import CENT, ZERO, num, score_text

L1 = Indicator.Level1
POOLED = "pooled"


@dataclass
class Group:
    key: str
    label: str
    points: Decimal
    indicators: list[Indicator] = field(default_factory=list)
    allocation: dict[int, Decimal] = field(default_factory=dict)
    note: str = ""


def groups_for(*, indicators: Sequence[Indicator], rule_set: RuleSet) -> list[Group]:
    """The scoring groups of a rule set, each with its indicators (in order) and their points."""
    if rule_set.pooled_indicator_weight is not None:
        groups = [Group(POOLED, "绩效指标（产出、效益、满意度合计）", Decimal(rule_set.pooled_indicator_weight), list(indicators))]
    else:
        weights = {L1.OUTPUT: rule_set.output_weight, L1.EFFECT: rule_set.effect_weight, L1.SATISFACTION: rule_set.satisfaction_weight}
        groups = [
            Group(level1.value, level1.label, Decimal(weights[level1]), [i for i in indicators if i.level1 == level1])
            for level1 in (L1.OUTPUT, L1.EFFECT, L1.SATISFACTION)
        ]
    for group in groups:
        _allocate(group)
    return groups


def _allocate(group: Group) -> None:
    items = group.indicators
    if not items:
        group.note = f"未设{group.label}，该项 {score_text(group.points)} 分不得分"
        return
    set_weights = [Decimal(i.weight) for i in items if i.weight is not None]
    unset = [i for i in items if i.weight is None]
    if not set_weights:
        shares = {i.pk: Decimal(1) for i in items}
        group.note = f"{group.label} {score_text(group.points)} 分由 {len(items)} 个指标平均分配"
    else:
        remainder = max(group.points - sum(set_weights, ZERO), ZERO)
        each_unset = remainder / len(unset) if unset else ZERO
        shares = {i.pk: (Decimal(i.weight) if i.weight is not None else each_unset) for i in items}
        total = sum(shares.values(), ZERO)
        if total == 0:
            shares = {i.pk: Decimal(1) for i in items}
            group.note = f"{group.label}所设分值合计为 0，改为平均分配 {score_text(group.points)} 分"
        elif total != group.points:
            group.note = f"{group.label}所设分值合计 {num(total)}，按比例折算为 {score_text(group.points)} 分"
        else:
            group.note = f"{group.label}按所设分值计分，合计 {score_text(group.points)} 分"
    group.allocation = dict(zip(shares, largest_remainder(list(shares.values()), group.points)))


def largest_remainder(shares: list[Decimal], total: Decimal) -> list[Decimal]:
    """Split `total` in proportion to `shares`, in cents, so that the parts add up to `total` exactly."""
    whole = sum(shares, ZERO)
    exact = [total * s / whole for s in shares]
    floored = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    missing = int(((total - sum(floored, ZERO)) / CENT).to_integral_value())
    order = sorted(range(len(shares)), key=lambda k: (exact[k] - floored[k], -k), reverse=True)
    for k in order[:missing]:
        floored[k] += CENT
    return floored
