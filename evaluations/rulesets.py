"""The two rule sets every installation starts with, created by a data migration and by `ensure_rule_sets`
(which `load_demo` calls too; both use get_or_create on the name, so they agree), and `rule_set_for`, the
read that picks the rule set of a department's province.
"""

from __future__ import annotations

from decimal import Decimal

from disclosures.models import FiscalYear
from evaluations.models import RuleSet

NATIONAL = "全国通用（财预〔2020〕10号）"
SICHUAN = "四川"

BANDS = {"achieved": ["0.80", "1.00"], "partial": ["0.60", "0.80"], "not_achieved": ["0.00", "0.60"]}
GRADES = [[90, "优"], [80, "良"], [60, "中"], [0, "差"]]

RULE_SETS = {
    NATIONAL: {
        "province": "",
        "is_default": True,
        "execution_weight": Decimal("10"),
        "output_weight": Decimal("50"),
        "effect_weight": Decimal("30"),
        "satisfaction_weight": Decimal("10"),
        "pooled_indicator_weight": None,
        "qualitative_bands": BANDS,
        "grades": GRADES,
    },
    SICHUAN: {
        "province": "四川",
        "is_default": False,
        "execution_weight": Decimal("10"),
        "output_weight": Decimal("50"),
        "effect_weight": Decimal("30"),
        "satisfaction_weight": Decimal("10"),
        "pooled_indicator_weight": Decimal("90"),
        "qualitative_bands": BANDS,
        "grades": GRADES,
    },
}


def ensure_rule_sets() -> list[RuleSet]:
    """Create the standard rule sets if missing; existing ones (perhaps edited by the admin) are kept."""
    found = []
    for name, values in RULE_SETS.items():
        defaults = dict(values)
        if defaults["is_default"] and RuleSet.objects.filter(is_default=True).exclude(name=name).exists():
            defaults["is_default"] = False
        found.append(RuleSet.objects.get_or_create(name=name, defaults=defaults)[0])
    return found


def rule_set_for(*, fiscal_year: FiscalYear | None = None, province: str = "") -> RuleSet:
    """The rule set that applies to a department of `province` (Department.province, e.g. "四川") in a year:
    the province's for that year, else the province's for every year, else the year's national one, else the
    default. A read: it never creates rule sets (the data migration and `ensure_rule_sets` do)."""
    candidates = RuleSet.objects.all()
    lookups = []
    if province:
        if fiscal_year is not None:
            lookups.append({"fiscal_year": fiscal_year, "province": province})
        lookups.append({"fiscal_year__isnull": True, "province": province})
    if fiscal_year is not None:
        lookups.append({"fiscal_year": fiscal_year, "province": ""})
    for lookup in lookups:
        match = candidates.filter(**lookup).order_by("pk").first()
        if match:
            return match
    found = candidates.filter(is_default=True).first() or candidates.filter(name=NATIONAL).first()
    if found is None:
        raise RuleSet.DoesNotExist("没有可用的绩效评分规则：请由系统管理员在“评分规则”中设置默认规则。")
    return found
