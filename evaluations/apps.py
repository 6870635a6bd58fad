from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = "绩效管理"

    def ready(self) -> None:
        from .checks import register_checks

        register_checks()
