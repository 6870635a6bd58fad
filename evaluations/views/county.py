"""The bureau's county view: every project of a year with score, grade and execution rate (reviewers only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from disclosures.access import is_reviewer
from disclosures.models import FiscalYear
from jobs.models import Job
from evaluations import selectors
from evaluations.county_export import county_workbook
from evaluations.tasks import score_year_enqueue


def _year(request, year: int) -> FiscalYear:
    if not is_reviewer(request.user):
        raise Http404("未找到，或无权查看。")
    return get_object_or_404(FiscalYear, year=year)


@login_required
def county(request, year: int):
    fiscal_year = _year(request, year)
    sort = request.GET.get("sort", "department")
    attention = request.GET.get("attention") == "1"
    rows = selectors.county_rows(user=request.user, fiscal_year=fiscal_year, sort=sort, attention_only=attention)
    job = Job.objects.filter(kind=Job.Kind.SCORE_EVALUATION, batch=f"evaluations-{year}").first()
    return render(
        request,
        "evaluations/county.html",
        {
            "year": fiscal_year,
            "rows": rows,
            "sort": sort,
            "attention": attention,
            "job": job,
            "years": FiscalYear.objects.all(),
            "attention_count": sum(1 for r in rows if r.needs_attention),
        },
    )


@login_required
def county_export(request, year: int):
    fiscal_year = _year(request, year)
    rows = selectors.county_rows(user=request.user, fiscal_year=fiscal_year, sort=request.GET.get("sort", "department"))
    response = HttpResponse(
        county_workbook(rows=rows, fiscal_year=fiscal_year), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{year}-%E7%BB%A9%E6%95%88%E8%87%AA%E8%AF%84%E6%B1%87%E6%80%BB.xlsx"
    return response


@login_required
@require_POST
def county_score(request, year: int):
    fiscal_year = _year(request, year)
    score_year_enqueue(fiscal_year=fiscal_year, user=request.user)
    messages.success(request, f"已提交{year}年全部自评的评分任务。")
    return redirect("evaluations:county", year=year)
