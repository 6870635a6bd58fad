"""Grades (等级) from the rule set: the first threshold the total reaches, e.g. 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差."""

from __future__ import annotations

from decimal import Decimal

from evaluations.models import RuleSet

DEFAULT_GRADES = [[90, "优"], [80, "良"], [60, "中"], [0, "差"]]


def grade_for(*, total: Decimal, rule_set: RuleSet) -> str:
    thresholds = sorted(((Decimal(str(limit)), label) for limit, label in (rule_set.grades or DEFAULT_GRADES)), reverse=True)
    for limit, label in thresholds:
        if total >= limit:
            return label
    return thresholds[-1][1] if thresholds else ""
