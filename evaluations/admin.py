"""Admin of the evaluations app: the bureau administrator manages the scoring rule sets here.

Departments declare targets and enter self-evaluations on the pages under /evaluations/, which are
scoped to their department; in the admin, targets and evaluations are visible to the bureau only.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from disclosures.access import is_reviewer
from disclosures.admin import AmountWidgetsMixin
from disclosures.money import format_number

from .models import DepartmentTarget, Indicator, IndicatorResult, RuleSet, SelfEvaluation

GRADE_ROWS = 4


class RuleSetForm(forms.ModelForm):
    """The qualitative bands and the grades as labelled fields (the model stores them as JSON)."""

    class Meta:
        model = RuleSet
        fields = (
            "name",
            "province",
            "fiscal_year",
            "is_default",
            "execution_weight",
            "output_weight",
            "effect_weight",
            "satisfaction_weight",
            "pooled_indicator_weight",
            "execution_reason_below",
            "overachievement_ratio",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bands = self.instance.qualitative_bands or {}
        for band, label in IndicatorResult.Band.choices:
            low, high = (bands.get(band) or [None, None])[:2]
            for end, word, value in (("low", "最低", low), ("high", "最高", high)):
                self.fields[f"band_{band}_{end}"] = forms.DecimalField(
                    label=f"“{label}”得分比例{word}（0–1）",
                    min_value=Decimal("0"),
                    max_value=Decimal("1"),
                    decimal_places=2,
                    initial=None if value is None else format_number(value),
                )
        grades = list(self.instance.grades or [])
        for n in range(GRADE_ROWS):
            limit, name = grades[n] if n < len(grades) else (None, "")
            self.fields[f"grade_{n}_name"] = forms.CharField(label=f"第{n + 1}个等级名称", max_length=4, required=False, initial=name)
            self.fields[f"grade_{n}_limit"] = forms.DecimalField(
                label=f"第{n + 1}个等级最低得分", min_value=Decimal("0"), max_value=Decimal("100"), required=False, initial=limit
            )

    def clean(self):
        cleaned = super().clean()
        bands = {}
        for band, label in IndicatorResult.Band.choices:
            low, high = cleaned.get(f"band_{band}_low"), cleaned.get(f"band_{band}_high")
            if low is not None and high is not None and low > high:
                self.add_error(f"band_{band}_low", f"“{label}”的最低比例不能大于最高比例。")
            bands[band] = [format_number(low, places=2) if low is not None else "0.00", format_number(high, places=2) if high is not None else "0.00"]
        grades = []
        for n in range(GRADE_ROWS):
            name, limit = (cleaned.get(f"grade_{n}_name") or "").strip(), cleaned.get(f"grade_{n}_limit")
            if name and limit is None:
                self.add_error(f"grade_{n}_limit", "请填写该等级的最低得分。")
            elif name:
                grades.append([int(limit) if limit == limit.to_integral_value() else float(str(limit)), name])
        if not grades:
            self.add_error(None, "至少需要一个等级。")
        self.instance.qualitative_bands = bands
        self.instance.grades = sorted(grades, key=lambda g: g[0], reverse=True)
        return cleaned


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
        ("规则", {"fields": ("execution_reason_below", "overachievement_ratio")}),
        (
            "定性指标档次（得分占分值的比例）",
            {"fields": tuple(f"band_{band}_{end}" for band in IndicatorResult.Band.values for end in ("low", "high"))},
        ),
        ("等级（总分达到最低得分即为该等级）", {"fields": tuple(f"grade_{n}_{part}" for n in range(GRADE_ROWS) for part in ("name", "limit"))}),
    )
    form = RuleSetForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The band and grade fields are the form's own (not model fields): the admin builds the form
        from the model fields only, and RuleSetForm adds them per instance."""
        kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)


class BureauOnlyAdmin(AmountWidgetsMixin, admin.ModelAdmin):
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
    readonly_fields = ("execution_score", "total_score", "grade", "explanation_shown", "scored_at")
    exclude = ("explanation",)
    list_select_related = ("project", "department_target__department", "department_target__fiscal_year", "rule_set")

    @admin.display(description="计算过程")
    def explanation_shown(self, obj):
        """The scoring's own sentences (the stored explanation), one per line; never its JSON."""
        texts = [str(v) for v in (obj.explanation or {}).values() if isinstance(v, str) and v.strip()]
        return format_html_join(mark_safe("<br>"), "{}", ((t,) for t in texts)) if texts else "—"
