from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosures"
    verbose_name = "部门预决算公开"

    def ready(self) -> None:
        from jobs.selectors import visibility_register

        from .checks import builtin  # noqa: F401  (registers the built-in checks)
        from .access import jobs_visibility

        visibility_register(jobs_visibility)
