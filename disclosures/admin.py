"""Data entry for the bureau and for department accountants (部门填报人).

Department accountants use the admin too, so every queryset is scoped through disclosures.access:
another department's object is simply not in the queryset and its URL answers 404. A filing can be
changed only while it is a draft or returned; status and snapshots change only through the workflow
services. Line saves go through disclosures.services.lines, which derives the 政府经济分类 and refuses
codes of another year.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import access
from import_export.admin import ExportMixin

from .admin_formats import SAFE_FORMATS
from .amount_fields import AmountField
from .money import AmountUnit, format_figure
from .selectors.audit import action_label, field_label
from .text_forms import PRIOR_PREFIX, REASON_PREFIX, PriorFiguresForm, ReasonsForm
from .imports.apply import save_instance
from .imports.resources import ExpenseLineResource, IncomeLineResource, ProjectResource
from .models import (
    AssetHolding,
    AuditEntry,
    CatalogItem,
    Department,
    DepartmentMembership,
    ExpenseLine,
    Filing,
    FilingDocument,
    FiscalYear,
    IncomeLine,
    Notification,
    Procurement,
    Project,
    ReviewComment,
    ThreePublicStats,
    Unit,
)
from .selectors.figures import filing_figures, summary_rows
from .services import lines
from .services.reasons import filing_prior_figures_update, filing_reasons_update
from jobs.models import Job

YEAR_PARAMETER = "fiscal_year"


def sees_everything(user) -> bool:
    return access.is_reviewer(user)


def filing_locked_for(user, filing: Filing | None) -> bool:
    """True when the user may not change this filing's data (access.can_edit_filing): submitted, approved
    and published filings are read-only for everyone, superusers included; a correction is a new version."""
    return filing is not None and not access.can_edit_filing(user, filing)


class YearAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete widget, with the filing's fiscal year passed to the search view.

    CatalogItemAdmin.get_search_results reads the parameter; the catalog kind is already limited by the
    field's limit_choices_to, which Django's autocomplete view applies.
    """

    def __init__(self, field, admin_site, *, fiscal_year_id: int | None, **kwargs):
        self.fiscal_year_id = fiscal_year_id
        super().__init__(field, admin_site, **kwargs)

    def get_url(self):
        url = super().get_url()
        if self.fiscal_year_id:
            url = f"{url}?{YEAR_PARAMETER}={self.fiscal_year_id}"
        return url


def is_money_field(db_field) -> bool:
    """A DecimalField made by models.money_field (元, 16 digits, 2 places)."""
    return isinstance(db_field, models.DecimalField) and db_field.max_digits == 16 and db_field.decimal_places == 2


class AmountWidgetsMixin:
    """Every amount of the form is typed and shown as on the workspace's pages: '3,823,120.00' in a text
    box, read exactly by disclosures.money (no float, no exponent, Chinese messages)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if is_money_field(db_field):
            return AmountField(
                unit=AmountUnit.YUAN,
                label=db_field.verbose_name,
                required=not db_field.blank,
                help_text=db_field.help_text,
                initial=db_field.default if db_field.has_default() else None,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def amount_column(name: str, label: str):
    """A changelist column of an amount in 元 with thousands separators ('3,823,120.00')."""

    @admin.display(description=label, ordering=name)
    def column(self, obj):
        return format_figure(getattr(obj, name), AmountUnit.YUAN)

    column.__name__ = f"{name}_shown"
    return column


class HiddenIs404Mixin:
    """An object outside the user's queryset answers 404, like the rest of the site (not the admin's redirect)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("未找到该记录，或无权查看。")
        return obj


class FilingScopedMixin(HiddenIs404Mixin):
    """Scope by the filing the object belongs to; lock writes on filings the user may not change.

    `filing_path` is the lookup from the model to its Filing ("" for Filing itself). A write the services
    refuse (the filing was submitted or approved after the page was loaded: they re-read the status under
    the row lock) rolls the whole save back and is shown as a message, not a server error.
    """

    filing_path = "filing"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, "未保存：" + "；".join(error.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, "未删除：" + "；".join(error.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if sees_everything(request.user):
            return qs
        visible = access.filings_visible_to(request.user)
        if not self.filing_path:
            return qs.filter(pk__in=visible.values("pk"))
        return qs.filter(**{f"{self.filing_path}__in": visible.values("pk")})

    def filing_of(self, obj) -> Filing | None:
        if obj is None:
            return None
        if isinstance(obj, Filing):
            return obj
        return getattr(obj, "filing", None)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return not filing_locked_for(request.user, self.filing_of(obj))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return not filing_locked_for(request.user, self.filing_of(obj))

    def has_add_permission(self, request, obj=None):
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        if not super().has_add_permission(*args):
            return False
        return not filing_locked_for(request.user, self.filing_of(obj))


class CatalogFieldsMixin:
    """Code fields by autocomplete, limited to the filing's year; units and projects limited to the filing.

    Django hands the parent filing to get_formset/get_form but not to formfield_for_foreignkey, which
    builds the fields; the filing is kept on the request in between (Django's documented workaround).
    """

    catalog_fields = ("function_item", "dept_economic_item")

    def get_formset(self, request, obj=None, **kwargs):
        request._gongkai_filing = obj
        return super().get_formset(request, obj, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._gongkai_filing = obj.filing if obj is not None else None
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        filing: Filing | None = getattr(request, "_gongkai_filing", None)
        if db_field.name in self.catalog_fields:
            year_id = filing.fiscal_year_id if filing else None
            kwargs["widget"] = YearAutocompleteSelect(db_field, self.admin_site, fiscal_year_id=year_id)
            queryset = CatalogItem.objects.complex_filter(db_field.get_limit_choices_to())
            kwargs["queryset"] = queryset.filter(fiscal_year_id=year_id) if year_id else queryset
            return db_field.formfield(**kwargs)
        if db_field.name == "unit" and filing is not None:
            kwargs["queryset"] = Unit.objects.filter(department_id=filing.department_id)
        if db_field.name == "project" and filing is not None:
            kwargs["queryset"] = Project.objects.filter(filing=filing)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Saving through the line services ---------------------------------------------------------------


class ServiceSaveMixin:
    """A standalone line admin that saves through the services."""

    def save_model(self, request, obj, form, change):
        save_instance(instance=obj, user=request.user)

    def delete_model(self, request, obj):
        lines.line_delete(line=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        """The list's “delete selected” goes through the service too (status re-read under the lock)."""
        try:
            with transaction.atomic():
                for obj in queryset:
                    lines.line_delete(line=obj, user=request.user)
        except ValidationError as error:
            self.message_user(request, "未删除：" + "；".join(error.messages), level=messages.ERROR)


# --- Catalog, years, departments ---------------------------------------------------------------------


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ("year", "catalog_edition")
    search_fields = ("year",)


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "fiscal_year", "gov_economic")
    list_filter = ("fiscal_year", "kind")
    search_fields = ("code", "name")
    list_select_related = ("fiscal_year", "gov_economic")
    autocomplete_fields = ("parent", "gov_economic")
    ordering = ("fiscal_year", "kind", "code")

    def has_view_permission(self, request, obj=None):
        """The catalog is the published national classification: every staff user may look codes up
        (the code autocomplete of the entry forms needs it); changing it still needs the permission."""
        return super().has_view_permission(request, obj) or bool(request.user.is_active and request.user.is_staff)

    def get_search_results(self, request, queryset, search_term):
        """Codes for a filing's line: only that year's catalog (the kind comes from limit_choices_to).

        A code search matches from the start ("20103" finds its 项), a name search anywhere.
        """
        year_id = request.GET.get(YEAR_PARAMETER)
        if year_id:
            try:
                queryset = queryset.filter(fiscal_year_id=int(year_id))
            except ValueError:
                queryset = queryset.none()
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(code__startswith=term), False
        return super().get_search_results(request, queryset, search_term)


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ("code", "name", "is_main", "nature", "grade", "funding_form", "staff_quota", "staff_actual")


@admin.register(Department)
class DepartmentAdmin(HiddenIs404Mixin, admin.ModelAdmin):
    list_display = ("code", "name", "province", "region")
    list_filter = ("province",)
    search_fields = ("code", "name")
    inlines = [UnitInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=access.departments_visible_to(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        if sees_everything(request.user) or request.user.is_superuser:
            return ()
        return ("code", "name", "province", "region")


@admin.register(Unit)
class UnitAdmin(HiddenIs404Mixin, admin.ModelAdmin):
    list_display = ("name", "code", "department", "is_main", "nature", "funding_form")
    list_filter = ("nature", "funding_form")
    search_fields = ("name", "code", "department__name")
    list_select_related = ("department",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(department__in=access.departments_visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = access.departments_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(HiddenIs404Mixin, admin.ModelAdmin):
    list_display = ("user", "department")
    search_fields = ("user__username", "department__name")
    autocomplete_fields = ("department",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(department__in=access.departments_visible_to(request.user))


# --- The filing and its lines -----------------------------------------------------------------------


class FilingInlineMixin(AmountWidgetsMixin, FilingScopedMixin):
    extra = 0

    def filing_of(self, obj):
        return obj if isinstance(obj, Filing) else super().filing_of(obj)


class ExpenseLineInline(FilingInlineMixin, CatalogFieldsMixin, admin.TabularInline):
    model = ExpenseLine
    fields = (
        "unit",
        "function_item",
        "dept_economic_item",
        "gov_economic_item",
        "expense_kind",
        "project",
        "funding_source",
        "budget_amount",
        "adjusted_amount",
        "actual_amount",
        "note",
    )
    readonly_fields = ("gov_economic_item",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("function_item", "dept_economic_item", "gov_economic_item", "unit", "project")


class IncomeLineInline(FilingInlineMixin, CatalogFieldsMixin, admin.TabularInline):
    model = IncomeLine
    fields = ("unit", "category", "source", "function_item", "budget_amount", "adjusted_amount", "actual_amount")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("function_item", "unit")


class ProjectInline(FilingInlineMixin, CatalogFieldsMixin, admin.TabularInline):
    model = Project
    fields = ("order", "code", "name", "unit", "budget_amount", "adjusted_amount", "actual_amount", "fiscal_amount")
    show_change_link = True


class ProcurementInline(FilingInlineMixin, admin.TabularInline):
    model = Procurement
    fields = ("category", "budget_amount", "actual_amount", "sme_amount", "micro_amount")


class AssetHoldingInline(FilingInlineMixin, admin.TabularInline):
    model = AssetHolding
    fields = ("kind", "quantity", "value")


class ThreePublicStatsInline(FilingInlineMixin, admin.StackedInline):
    model = ThreePublicStats
    can_delete = False


@admin.register(Filing)
class FilingAdmin(FilingScopedMixin, admin.ModelAdmin):
    filing_path = ""
    list_display = ("__str__", "department", "fiscal_year", "kind", "version", "status", "updated_at")
    list_filter = ("fiscal_year", "kind", "status")
    search_fields = ("department__name", "department__code")
    list_select_related = ("department", "fiscal_year")
    inlines = [
        ExpenseLineInline,
        IncomeLineInline,
        ProjectInline,
        ThreePublicStatsInline,
        ProcurementInline,
        AssetHoldingInline,
    ]
    fieldsets = (
        (None, {"fields": ("department", "fiscal_year", "kind", "version", "status", "workspace_link", "line_pages")}),
        ("汇总（由明细自动计算）", {"fields": ("derived_totals",)}),
        ("说明文字", {"fields": ("amount_unit", "duties", "organisation", "other_notes", "correction_note")}),
        ("时间", {"classes": ("collapse",), "fields": ("submitted_at", "approved_at", "published_at", "supersedes")}),
    )
    add_fieldsets = ((None, {"fields": ("department", "fiscal_year", "kind", "duties", "organisation")}),)

    class Media:
        css = {"all": ("disclosures/admin-entry.css",)}

    ALWAYS_READONLY = (
        "status",
        "version",
        "supersedes",
        "submitted_at",
        "approved_at",
        "published_at",
        "workspace_link",
        "derived_totals",
        "line_pages",
        "reasons_shown",
        "prior_shown",
    )

    def get_fieldsets(self, request, obj=None):
        """The reasons and last year's figures as the workspace's text page has them: one labelled field
        each (services.reasons writes them), or their text where the filing cannot be changed."""
        if obj is None:
            return self.add_fieldsets
        forms_ = self.text_forms(request, obj)
        if forms_ is None:
            return (*self.fieldsets, ("变动原因和上年对比数", {"fields": ("reasons_shown", "prior_shown")}))
        reasons, prior = forms_
        return (
            *self.fieldsets,
            ("变动原因（说明中由部门填写的原因）", {"fields": tuple(reasons.fields)}),
            (f"上年对比数（{prior.unit.label}）", {"fields": tuple(prior.fields)}),
        )

    def text_forms(self, request, obj: Filing) -> tuple[ReasonsForm, PriorFiguresForm] | None:
        """The unbound reasons and prior-figure forms of an editable filing (built once per request)."""
        if not self.has_change_permission(request, obj):
            return None
        cache = request.__dict__.setdefault("_gongkai_text_forms", {})
        if obj.pk not in cache:
            cache[obj.pk] = (ReasonsForm(filing=obj), PriorFiguresForm(filing=obj))
        return cache[obj.pk]

    def get_form(self, request, obj=None, change=False, **kwargs):
        forms_ = self.text_forms(request, obj) if obj is not None else None
        if forms_ is not None:
            declared = {**forms_[0].fields, **forms_[1].fields}
            kwargs["form"] = type("FilingTextAdminForm", (forms.ModelForm,), declared)
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description="变动原因")
    def reasons_shown(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = [(field.label, field.initial or "（未填写）") for field in ReasonsForm(filing=obj).fields.values()]
        return format_html_join(mark_safe("<br>"), "{}：{}", rows) if rows else "说明中没有需要填写的原因。"

    @admin.display(description="上年对比数")
    def prior_shown(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        prior = PriorFiguresForm(filing=obj)
        rows = [(field.label, field.widget.format_value(field.initial) or "（未填写）") for field in prior.fields.values()]
        source = "取自上年已审核的填报" if prior.locked else "部门填写"
        return format_html("{}<br>{}", source, format_html_join(mark_safe("<br>"), "{}：{}", rows))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.ALWAYS_READONLY, "department", "fiscal_year", "kind")

    #: Lines edited on the filing's page only while they are few (settings.ADMIN_INLINE_MAX_LINES); beyond
    #: that, in their own paged changelist filtered by the filing, each with its change form. One form
    #: with 3,027 lines took 43 s to open and exceeded DATA_UPLOAD_MAX_NUMBER_FIELDS when saved.
    PAGED_LINES = ((ExpenseLine, "expense_lines", "支出明细"), (IncomeLine, "income_lines", "收入明细"), (Project, "projects", "项目"))

    def line_counts(self, obj) -> list[tuple[type, str, int]]:
        return [(model, label, getattr(obj, related).count()) for model, related, label in self.PAGED_LINES]

    def get_inline_instances(self, request, obj=None):
        if obj is None:
            return []
        paged = {model for model, _label, count in self.line_counts(obj) if count > settings.ADMIN_INLINE_MAX_LINES}
        return [inline for inline in super().get_inline_instances(request, obj) if inline.model not in paged]

    @admin.display(description="明细")
    def line_pages(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        links = []
        for model, label, count in self.line_counts(obj):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + f"?filing__id__exact={obj.pk}"
            where = (
                f"超过 {settings.ADMIN_INLINE_MAX_LINES} 行，请在分页列表中逐行修改"
                if count > settings.ADMIN_INLINE_MAX_LINES
                else "也可在本页下方修改"
            )
            links.append(format_html('<a href="{}">{} {} 行</a>（{}）', url, label, count, where))
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = access.departments_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="工作台")
    def workspace_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html('<a href="{}">打开填报工作台</a>', reverse("disclosures:filing_detail", args=[obj.pk]))

    @admin.display(description="汇总数（元）")
    def derived_totals(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return render_to_string(
            "disclosures/entry/_totals.html",
            {"rows": summary_rows(filing_figures(filing=obj)), "totals_unit": AmountUnit.YUAN, "totals_unit_label": AmountUnit.YUAN.label},
        )

    def save_model(self, request, obj, form, change):
        """A change writes only the fields the form changed, through the service, under the filing's row
        lock with its status re-read (status is never a form field: it changes only in the workflow)."""
        if change:
            changed = [name for name in form.changed_data if name in lines.FILING_TEXT_FIELDS]
            with lines.filing_write(filing=obj):
                lines.filing_fields_update(filing=obj, user=request.user, values={name: getattr(obj, name) for name in changed})
                reasons = {name[len(REASON_PREFIX) :]: value for name, value in form.cleaned_data.items() if name.startswith(REASON_PREFIX)}
                if reasons:
                    filing_reasons_update(filing=obj, user=request.user, reasons=reasons)
                prior = {name[len(PRIOR_PREFIX) :]: value for name, value in form.cleaned_data.items() if name.startswith(PRIOR_PREFIX)}
                text_forms = self.text_forms(request, obj)
                if prior and text_forms is not None and not text_forms[1].locked:
                    filing_prior_figures_update(filing=obj, user=request.user, figures=prior)
            return

        created = lines.filing_create(department=obj.department, fiscal_year=obj.fiscal_year, kind=obj.kind, user=request.user)
        obj.pk = created.pk
        for field in ("duties", "organisation"):
            setattr(created, field, getattr(obj, field))
        created.save(update_fields=["duties", "organisation"])
        obj.__dict__.update(created.__dict__)

    def save_formset(self, request, form, formset, change):
        """Every line of the inlines is saved and deleted through disclosures.services.lines."""
        with lines.filing_write(filing=form.instance):
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                lines.line_delete(line=obj, user=request.user)
            for instance in instances:
                save_instance(instance=instance, user=request.user)
            formset.save_m2m()


class StandaloneLineAdmin(AmountWidgetsMixin, FilingScopedMixin, CatalogFieldsMixin, ServiceSaveMixin, ExportMixin, admin.ModelAdmin):
    """A line found by search and changed on its own; new lines are added on the filing's page.

    The export (django-import-export) writes the upload template's columns, from the scoped queryset.
    """

    formats = SAFE_FORMATS  # no exported cell can become a formula (disclosures.admin_formats)

    list_select_related = ("filing__department", "filing__fiscal_year")
    readonly_fields = ("filing",)

    def has_add_permission(self, request):
        return False


@admin.register(ExpenseLine)
class ExpenseLineAdmin(StandaloneLineAdmin):
    resource_classes = [ExpenseLineResource]
    list_display = (
        "filing",
        "unit",
        "function_item",
        "dept_economic_item",
        "expense_kind",
        "funding_source",
        "budget_amount_shown",
        "actual_amount_shown",
    )
    budget_amount_shown = amount_column("budget_amount", "年初预算数（元）")
    actual_amount_shown = amount_column("actual_amount", "决算数（元）")
    list_filter = ("filing__fiscal_year", "expense_kind", "funding_source")
    search_fields = ("function_item__code", "function_item__name", "dept_economic_item__code", "dept_economic_item__name", "note")
    readonly_fields = ("filing", "gov_economic_item")
    list_select_related = ("filing__department", "filing__fiscal_year", "unit", "function_item", "dept_economic_item")


@admin.register(IncomeLine)
class IncomeLineAdmin(StandaloneLineAdmin):
    resource_classes = [IncomeLineResource]
    list_display = ("filing", "unit", "category", "source", "function_item", "budget_amount_shown", "actual_amount_shown")
    budget_amount_shown = amount_column("budget_amount", "年初预算数（元）")
    actual_amount_shown = amount_column("actual_amount", "决算数（元）")
    list_filter = ("filing__fiscal_year", "category", "source")
    search_fields = ("filing__department__name", "function_item__code", "function_item__name")
    list_select_related = ("filing__department", "filing__fiscal_year", "unit", "function_item")


@admin.register(Project)
class ProjectAdmin(StandaloneLineAdmin):
    resource_classes = [ProjectResource]
    list_display = ("code", "name", "filing", "budget_amount_shown", "actual_amount_shown")
    budget_amount_shown = amount_column("budget_amount", "年初预算数（元）")
    actual_amount_shown = amount_column("actual_amount", "决算数（元）")
    list_filter = ("filing__fiscal_year",)
    search_fields = ("code", "name")


# --- Records the workflow writes: read-only here -------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewComment)
class ReviewCommentAdmin(FilingScopedMixin, ReadOnlyAdmin):
    list_display = ("filing", "author", "target", "created_at", "resolved")
    list_filter = ("resolved",)
    search_fields = ("text", "target")


class AuditActionFilter(admin.SimpleListFilter):
    """The audit trail's actions by their Chinese names (older entries stored codes)."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        return sorted({(action, action_label(action)) for action in actions}, key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReviewCommentAdmin):
    list_display = ("at", "filing", "actor", "action_shown", "object_repr", "field_shown", "before", "after")
    list_filter = (AuditActionFilter,)
    fields = ("at", "filing", "actor", "action_shown", "object_repr", "field_shown", "before", "after", "comment")
    readonly_fields = fields

    @admin.display(description="操作", ordering="action")
    def action_shown(self, obj):
        return action_label(obj.action)

    @admin.display(description="字段", ordering="field")
    def field_shown(self, obj):
        return field_label(obj.field)

    search_fields = ("object_repr", "comment", "action")
    date_hierarchy = "at"


@admin.register(Job)
class JobAdmin(ReviewCommentAdmin):
    list_display = ("pk", "kind", "status", "filing", "progress", "message", "created_by", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("message", "error", "batch")
    fields = (
        "kind",
        "status",
        "filing",
        "batch",
        "progress",
        "message",
        "result_shown",
        "error",
        "attempts",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields

    @admin.display(description="结果")
    def result_shown(self, obj):
        """The job's summary as the pages show it (its stored result is internal data, not shown)."""
        summary = (obj.result or {}).get("summary")
        return summary or ("已完成" if obj.status == Job.Status.DONE else "—")

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if sees_everything(request.user):
            return qs
        visible = access.filings_visible_to(request.user).values("pk")
        return qs.filter(Q(filing__in=visible) | Q(filing__isnull=True, created_by=request.user))


@admin.register(FilingDocument)
class FilingDocumentAdmin(ReviewCommentAdmin):
    list_display = ("filing", "format", "size", "generated_at")
    list_filter = ("format",)
    search_fields = ("filing__department__name",)


class NotificationReadFilter(admin.SimpleListFilter):
    title = "阅读状态"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return (("no", "未读"), ("yes", "已读"))

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(HiddenIs404Mixin, ReadOnlyAdmin):
    """The messages (消息) the workflow and the overdue reminder send, for the bureau's administrators to
    follow: read only (they are written by disclosures.services.notifications, read by their recipient on
    /messages/). A reviewer sees every message; anyone else who has been given the view permission sees only
    the messages addressed to them, about filings they may see."""

    list_display = ("created_at", "recipient", "filing", "kind", "title", "read_shown", "emailed_at")
    list_filter = ("kind", NotificationReadFilter)
    list_select_related = ("recipient", "filing__department", "filing__fiscal_year")
    search_fields = ("title", "body", "recipient__username", "filing__department__name")
    date_hierarchy = "created_at"
    fields = ("recipient", "filing", "kind", "title", "body", "link", "created_at", "read_at", "emailed_at")
    readonly_fields = fields

    @admin.display(description="已读", boolean=True, ordering="read_at")
    def read_shown(self, obj):
        return obj.read_at is not None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if sees_everything(request.user):
            return qs
        visible = access.filings_visible_to(request.user).values("pk")
        return qs.filter(Q(filing__in=visible) | Q(filing__isnull=True), recipient=request.user)
