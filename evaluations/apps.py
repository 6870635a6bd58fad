from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = "绩效管理"

    def ready(self) -> None:
        from disclosures.parts import register_part
        from disclosures.services.filings import register_copy_hook
        from evaluations.copying import WHAT, indicators_copy
        from evaluations.publication import PART_KEY, performance_parts, performance_parts_many

        from .checks import register_checks

        register_checks()
        # the performance targets / self-evaluations a published filing carries (disclosures never imports evaluations)
        register_part(PART_KEY, performance_parts, many=performance_parts_many)
        # a project copied from last year's filing takes its performance targets along
        register_copy_hook("evaluations.indicators", label=WHAT, copy=indicators_copy)
