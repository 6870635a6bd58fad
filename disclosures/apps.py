from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'disclosures'
    verbose_name = "部门预决算公开"

    def ready(self):
        from disclosures import admin_lookups

        admin_lookups.install()
