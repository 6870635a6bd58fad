"""Targets pages: the department's list of projects, a project's (or department's) indicator tree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from disclosures.access import is_reviewer, user_department
from disclosures.models import FiscalYear
from evaluations import selectors, services
from evaluations.checks import owner_checks, where
from evaluations.forms import DepartmentTargetForm, IndicatorForm
from evaluations.models import Indicator, SelfEvaluation

from .common import add_errors, owner_for_user, owner_kind


@login_required
def index(request):
    """The department's projects and department targets by year, with their target and evaluation state."""
    projects = (
        selectors.projects_visible_to(request.user)
        .prefetch_related("indicators")
        .order_by("-filing__fiscal_year__year", "filing__department__code", "filing__kind", "order")
    )
    targets = selectors.department_targets_visible_to(request.user).order_by("-fiscal_year__year")
    evaluations = {e.project_id: e for e in SelfEvaluation.objects.filter(project__in=projects)}
    return render(
        request,
        "evaluations/index.html",
        {
            "projects": [(p, evaluations.get(p.pk)) for p in projects],
            "department_targets": targets,
            "department_form": DepartmentTargetForm() if user_department(request.user) else None,
            "is_reviewer": is_reviewer(request.user),
            "years": FiscalYear.objects.all(),
        },
    )


@login_required
@require_POST
def department_target_create(request):
    department = user_department(request.user)
    if department is None:
        messages.error(request, "只有部门填报人可以设置部门整体绩效目标。")
        return redirect("evaluations:index")
    form = DepartmentTargetForm(request.POST)
    if form.is_valid():
        target = services.department_target_save(department=department, user=request.user, **form.cleaned_data)
        return redirect("evaluations:targets", kind="department-targets", pk=target.pk)
    messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields))
    return redirect("evaluations:index")


@login_required
def targets(request, kind: str, pk: int):
    """The indicator tree of a project or department target; POST adds an indicator."""
    owner = owner_for_user(user=request.user, kind=kind, pk=pk)
    editable = selectors.can_edit_targets(user=request.user, owner=owner)
    form = IndicatorForm()
    if request.method == "POST":
        owner = owner_for_user(user=request.user, kind=kind, pk=pk, write=True)
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                indicator = services.indicator_save(owner=owner, user=request.user, data=form.cleaned_data)
            except ValidationError as e:
                add_errors(form, e)
            else:
                messages.success(request, f"已添加指标“{indicator.name}”。")
                return redirect("evaluations:targets", kind=kind, pk=pk)
    return render(
        request,
        "evaluations/targets.html",
        {
            "owner": owner,
            "kind": kind,
            "is_project": kind == "projects",
            "tree": selectors.indicator_tree(owner=owner),
            "findings": owner_checks(owner=owner),
            "where": where(owner),
            "form": form,
            "editable": editable,
            "can_start": user_department(request.user) == selectors.owner_department(owner),
            "evaluation": getattr(owner, "self_evaluation", None),
            "level2_of_level1": {k.value: [v.value for v in vs] for k, vs in Indicator.LEVEL2_OF_LEVEL1.items()},
        },
    )


@login_required
def indicator_edit(request, pk: int):
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk, write=True)
    owner = indicator.project or indicator.department_target
    form = IndicatorForm.for_indicator(indicator)
    if request.method == "POST":
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                services.indicator_save(owner=owner, user=request.user, data=form.cleaned_data, indicator=indicator)
            except ValidationError as e:
                add_errors(form, e)
            else:
                messages.success(request, "指标已保存。")
                return redirect("evaluations:targets", kind=owner_kind(owner), pk=owner.pk)
    return render(request, "evaluations/indicator_edit.html", {"form": form, "indicator": indicator, "owner": owner, "kind": owner_kind(owner)})


@login_required
@require_POST
def indicator_delete(request, pk: int):
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk, write=True)
    owner = indicator.project or indicator.department_target
    try:
        services.indicator_delete(indicator=indicator, user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已删除指标“{indicator.name}”。")
    return redirect("evaluations:targets", kind=owner_kind(owner), pk=owner.pk)
