"""Scoring of performance self-evaluations (绩效自评): rules as data, keyed by comparator.

- rules.py: the registry of indicator rules (positive, reverse, equality, qualitative)
- weights.py: points per indicator from the rule set's weights
- grades.py: grade from the rule set's thresholds
- engine.py: `score_sheet` (compute) and `evaluation_score` (compute and store)
"""

from .engine import INCOMPLETE, ScoreSheet, evaluation_score, reason_required, score_sheet
from .rules import RULE_LABELS, RULES, register, rule_for

__all__ = ["INCOMPLETE", "RULES", "RULE_LABELS", "ScoreSheet", "evaluation_score", "reason_required", "register", "rule_for", "score_sheet"]
