"""Data entry for the bureau and for department accountants (部门填报人).

Department accountants use the admin too, so every queryset is scoped through disclosures.access:
another department's object is simply not in the queryset and its URL answers 404. A filing can be
changed only while it is a draft or returned; status and snapshots change only through the workflow
services. Line saves go through disclosures.services.lines, which derives the 政府经济分类 and refuses
codes of another year.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
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
    PriorYearFigure,
    Procurement,
    Project,
    ReviewComment,
    ThreePublicStats,
    Unit,
)
from .selectors.figures import filing_figures, summary_rows
from .services import lines
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


class FilingInlineMixin(FilingScopedMixin):
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


class PriorYearFigureInline(FilingInlineMixin, admin.TabularInline):
    model = PriorYearFigure
    fields = ("key", "amount")


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
        PriorYearFigureInline,
    ]
    fieldsets = (
        (None, {"fields": ("department", "fiscal_year", "kind", "version", "status", "workspace_link", "line_pages")}),
        ("汇总（由明细自动计算）", {"fields": ("derived_totals",)}),
        ("说明文字", {"fields": ("amount_unit", "duties", "organisation", "reasons", "other_notes", "correction_note")}),
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
    )

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

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
        return render_to_string("disclosures/entry/_totals.html", {"rows": summary_rows(filing_figures(filing=obj))})

    def save_model(self, request, obj, form, change):
        """A change writes only the fields the form changed, through the service, under the filing's row
        lock with its status re-read (status is never a form field: it changes only in the workflow)."""
        if change:
            changed = [name for name in form.changed_data if name in lines.FILING_TEXT_FIELDS]
            lines.filing_fields_update(filing=obj, user=request.user, values={name: getattr(obj, name) for name in changed})
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


class StandaloneLineAdmin(FilingScopedMixin, CatalogFieldsMixin, ServiceSaveMixin, ExportMixin, admin.ModelAdmin):
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
    list_display = ("filing", "unit", "function_item", "dept_economic_item", "expense_kind", "funding_source", "budget_amount", "actual_amount")
    list_filter = ("filing__fiscal_year", "expense_kind", "funding_source")
    search_fields = ("function_item__code", "function_item__name", "dept_economic_item__code", "dept_economic_item__name", "note")
    readonly_fields = ("filing", "gov_economic_item")
    list_select_related = ("filing__department", "filing__fiscal_year", "unit", "function_item", "dept_economic_item")


@admin.register(IncomeLine)
class IncomeLineAdmin(StandaloneLineAdmin):
    resource_classes = [IncomeLineResource]
    list_display = ("filing", "unit", "category", "source", "function_item", "budget_amount", "actual_amount")
    list_filter = ("filing__fiscal_year", "category", "source")
    search_fields = ("filing__department__name", "function_item__code", "function_item__name")
    list_select_related = ("filing__department", "filing__fiscal_year", "unit", "function_item")


@admin.register(Project)
class ProjectAdmin(StandaloneLineAdmin):
    resource_classes = [ProjectResource]
    list_display = ("code", "name", "filing", "budget_amount", "actual_amount")
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


@admin.register(AuditEntry)
class AuditEntryAdmin(ReviewCommentAdmin):
    list_display = ("at", "filing", "actor", "action", "object_repr", "field", "before", "after")
    list_filter = ("action",)
    search_fields = ("object_repr", "comment", "action")
    date_hierarchy = "at"


@admin.register(Job)
class JobAdmin(ReviewCommentAdmin):
    list_display = ("pk", "kind", "status", "filing", "progress", "message", "created_by", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("message", "error", "batch")

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
