"""Admin of the evaluations app: the bureau administrator manages the scoring rule sets here.

Departments declare targets and enter self-evaluations on the pages under /evaluations/, which are
scoped to their department; in the admin, targets and evaluations are visible to the bureau only.
"""

from django.contrib import admin

from disclosures.access import is_reviewer

from .models import DepartmentTarget, Indicator, RuleSet, SelfEvaluation


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "province",
        "fiscal_year",
        "is_default",
        "execution_weight",
        "output_weight",
        "effect_weight",
        "satisfaction_weight",
        "pooled_indicator_weight",
    )
    list_filter = ("is_default", "province")
    search_fields = ("name", "province")
    fieldsets = (
        (None, {"fields": ("name", "province", "fiscal_year", "is_default")}),
        ("分值", {"fields": ("execution_weight", "output_weight", "effect_weight", "satisfaction_weight", "pooled_indicator_weight")}),
        ("规则", {"fields": ("execution_reason_below", "overachievement_ratio", "qualitative_bands", "grades")}),
    )


class BureauOnlyAdmin(admin.ModelAdmin):
    """Visible to reviewers, changed by superusers only: departments use their own pages."""

    def has_module_permission(self, request):
        return is_reviewer(request.user)

    def has_view_permission(self, request, obj=None):
        return is_reviewer(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "level1", "level2", "name", "comparator", "target_value", "target_text", "unit", "weight")


@admin.register(DepartmentTarget)
class DepartmentTargetAdmin(BureauOnlyAdmin):
    list_display = ("department", "fiscal_year", "budget_amount")
    list_filter = ("fiscal_year",)
    search_fields = ("department__name",)
    inlines = [IndicatorInline]


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(BureauOnlyAdmin):
    list_display = ("__str__", "rule_set", "total_score", "grade", "status", "scored_at")
    list_filter = ("status", "grade", "rule_set")
    search_fields = ("project__name", "project__filing__department__name", "department_target__department__name")
    readonly_fields = ("execution_score", "total_score", "grade", "explanation", "scored_at")
    list_select_related = ("project", "department_target__department", "department_target__fiscal_year", "rule_set")
