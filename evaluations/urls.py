"""Routes of performance targets and self-evaluations, under /evaluations/ (namespace "evaluations")."""

from django.urls import path

from .views import county, documents, evaluation, imports, targets

app_name = "evaluations"

OWNER = "<str:kind>/<int:pk>"

urlpatterns = [
    path("", targets.index, name="index"),
    path("department-targets/new/", targets.department_target_create, name="department_target_create"),
    path(f"{OWNER}/targets/", targets.targets, name="targets"),
    path(f"{OWNER}/targets/import/", imports.targets_import, name="targets_import"),
    path("targets-template.xlsx", imports.template, name="targets_template"),
    path("indicators/<int:pk>/edit/", targets.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", targets.indicator_delete, name="indicator_delete"),
    path(f"{OWNER}/evaluation/start/", evaluation.evaluation_start, name="evaluation_start"),
    path("<int:pk>/", evaluation.evaluation, name="evaluation"),
    path("<int:pk>/score/", evaluation.evaluation_score, name="evaluation_score"),
    path("results/<int:pk>/adjust/", evaluation.result_adjust, name="result_adjust"),
    path("projects/<int:pk>/targets.<str:fmt>", documents.project_form, name="project_form"),
    path("<int:pk>/<str:form>.<str:fmt>", documents.evaluation_form, name="evaluation_form"),
    path("county/<int:year>/", county.county, name="county"),
    path("county/<int:year>/export.xlsx", county.county_export, name="county_export"),
    path("county/<int:year>/score/", county.county_score, name="county_score"),
]
