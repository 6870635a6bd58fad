"""新建填报: the accountant creates a filing of the own department in the workspace; the bureau creates
every missing filing of a year from the dashboard. Thin views over disclosures.services.filings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from disclosures.access import user_department
from disclosures.create_forms import FilingNewForm, MissingFilingsForm
from disclosures.models import Filing
from disclosures.services import filings
from disclosures.views.bureau import reviewer_required

#: Codes listed in a message after a copy; the audit entry of the filing keeps all of them.
MAX_PROBLEMS_SHOWN = 20


def _report_messages(request, created: filings.CreatedFiling) -> None:
    report = created.report
    if report is None:
        return
    messages.info(request, f"{created.filing}：{report.summary()}")
    problems = report.code_problems()
    if problems:
        messages.warning(
            request,
            f"{created.filing}：以下科目编码在{created.filing.fiscal_year.year}年分类科目中不存在，相关明细未复制，请按新科目补录："
            + _listed(problems, "个编码")
            + "。",
        )
    if report.skipped:
        messages.warning(request, f"{created.filing}：以下内容未复制，请补录：" + _listed(report.skipped, "项") + "。")


def _listed(problems: list[str], counted: str) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = f"；另有{len(problems) - len(shown)}{counted}见操作记录" if len(problems) > len(shown) else ""
    return "；".join(shown) + more


@require_http_methods(["GET", "POST"])
@login_required
def filing_new(request):
    department = user_department(request.user)
    if department is None:
        raise PermissionDenied("只有部门填报人可以在填报工作台新建填报；财政局请在“公开进度”页面创建未创建的填报。")
    years = filings.years_with_catalog()
    form = FilingNewForm(request.POST or None, initial={"year": years[0] if years else None, "kind": Filing.Kind.BUDGET})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = filings.filing_start(
                user=request.user,
                department=department,
                year=data["year"],
                kind=data["kind"],
                copy_from_last_year=data["copy_from_last_year"],
                keep_amounts=data["amounts"] == "keep",
            )
        except filings.CreateRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"已创建{created.filing}（草稿）。")
            _report_messages(request, created)
            return redirect("disclosures:filing_detail", pk=created.filing.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "disclosures/entry/filing_new.html",
        {"form": form, "department": department, "years": years, "copied_with_projects": filings.copied_with_projects()},
        status=status,
    )


@require_POST
@reviewer_required
def bureau_create_missing(request, year: int):
    """POST without confirm=yes: the confirmation page listing the filings to create; with it: create them."""
    back = reverse("disclosures:bureau_dashboard") + f"?year={year}"
    form = MissingFilingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要创建的填报类型和复制方式。")
        return redirect(back)
    data = form.cleaned_data
    kinds = [data["kind"]] if data["kind"] else None
    options = {"copy_from_last_year": data["copy_from_last_year"], "keep_amounts": data["amounts"] == "keep"}
    try:
        filings.catalog_year(year=year)
    except filings.CreateRefused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    if request.POST.get("confirm") != "yes":
        missing = filings.missing_filings(year=year, kinds=kinds)
        rows = [
            (
                department,
                Filing.Kind(kind).label,
                filings.last_year_filing(department=department, year=year, kind=kind) if options["copy_from_last_year"] else None,
            )
            for department, kind in missing
        ]
        return render(
            request,
            "bureau/create_missing.html",
            {"year": year, "rows": rows, "form": form, "data": data, "copied_with_projects": filings.copied_with_projects()},
        )
    try:
        created = filings.filings_create_missing(user=request.user, year=year, kinds=kinds, **options)
    except filings.CreateRefused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    if created:
        messages.success(request, f"已创建{len(created)}份{year}年填报：" + "；".join(str(c.filing) for c in created))
    else:
        messages.info(request, f"{year}年没有需要创建的填报。")
    for item in created:
        _report_messages(request, item)
    return redirect(back)
