from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosures"
    verbose_name = "部门预决算公开"

    def ready(self) -> None:
        from jobs.selectors import visibility_register

        from . import admin_lookups, public_stamp
        from .access import jobs_visibility
        from .checks import builtin  # noqa: F401  (registers the built-in checks)

        admin_lookups.install()
        public_stamp.connect()
        visibility_register(jobs_visibility)
