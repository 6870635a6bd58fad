"""The two standard rule sets (data frozen here; evaluations.rulesets.ensure_rule_sets creates the same)."""

from decimal import Decimal

from django.db import migrations

BANDS = {"achieved": ["0.80", "1.00"], "partial": ["0.60", "0.80"], "not_achieved": ["0.00", "0.60"]}
GRADES = [[90, "优"], [80, "良"], [60, "中"], [0, "差"]]
COMMON = {
    "execution_weight": Decimal("10"),
    "output_weight": Decimal("50"),
    "effect_weight": Decimal("30"),
    "satisfaction_weight": Decimal("10"),
    "qualitative_bands": BANDS,
    "grades": GRADES,
}


def create(apps, schema_editor):
    RuleSet = apps.get_model("evaluations", "RuleSet")
    has_default = RuleSet.objects.filter(is_default=True).exists()
    RuleSet.objects.get_or_create(
        name="全国通用（财预〔2020〕10号）",
        defaults={**COMMON, "province": "", "is_default": not has_default, "pooled_indicator_weight": None},
    )
    RuleSet.objects.get_or_create(
        name="四川", defaults={**COMMON, "province": "四川", "is_default": False, "pooled_indicator_weight": Decimal("90")}
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0002_published_execution_score")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
