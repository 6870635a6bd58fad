"""Self-evaluation pages: start, enter actuals and reasons, score (a background job), reviewer adjustment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from disclosures.access import is_reviewer, user_department
from jobs.models import Job
from evaluations import selectors, services
from evaluations.forms import AdjustForm, EvaluationForm
from evaluations.scoring import score_sheet
from evaluations.scoring.engine import subject_indicators
from evaluations.tasks import score_evaluation_enqueue

from .common import add_errors, owner_for_user


@login_required
@require_POST
def evaluation_start(request, kind: str, pk: int):
    owner = owner_for_user(user=request.user, kind=kind, pk=pk)
    if user_department(request.user) != selectors.owner_department(owner):
        raise PermissionDenied("只有本部门填报人可以开展自评。")
    try:
        evaluation = services.evaluation_start(owner=owner, user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("evaluations:targets", kind=kind, pk=pk)
    return redirect("evaluations:evaluation", pk=evaluation.pk)


@login_required
def evaluation(request, pk: int):
    """The department enters amounts, actuals and reasons; everyone who may see it sees the scores.

    One action saves and scores: a valid save queues the scoring of what was just saved and the page
    shows the job's progress. A refused save re-renders every input as typed, with a summary of the
    errors at the top, and scores nothing."""
    evaluation = selectors.evaluation_get_for_user(user=request.user, pk=pk)
    editable = selectors.can_edit_evaluation(user=request.user, evaluation=evaluation)
    indicators = subject_indicators(evaluation)
    form = EvaluationForm(evaluation=evaluation, indicators=indicators)
    if request.method == "POST":
        evaluation = selectors.evaluation_get_for_user(user=request.user, pk=pk, write=True)
        form = EvaluationForm(request.POST, evaluation=evaluation, indicators=indicators)
        if form.is_valid():
            data = form.cleaned_data
            results = [
                services.ResultInput(
                    indicator=indicator,
                    actual_value=data[f"result-{indicator.pk}-actual_value"],
                    actual_text=data[f"result-{indicator.pk}-actual_text"],
                    band=data[f"result-{indicator.pk}-band"],
                    reason=data[f"result-{indicator.pk}-reason"],
                    chosen_score=data[f"result-{indicator.pk}-chosen_score"],
                )
                for indicator in indicators
            ]
            amounts = {name: data[name] for name in services.AMOUNT_FIELDS if data.get(name) is not None or name == "adjusted_amount"}
            try:
                services.evaluation_save(
                    evaluation=evaluation,
                    user=request.user,
                    amounts=amounts,
                    execution_reason=data["execution_reason"],
                    goal_result=data["goal_result"],
                    results=results,
                )
            except ValidationError as e:
                add_errors(form, e)
            else:
                score_evaluation_enqueue(evaluation=evaluation, user=request.user)
                messages.success(request, "自评已保存，正在计算得分。")
                return redirect("evaluations:evaluation", pk=pk)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    sheet = score_sheet(evaluation=evaluation)
    lines = {line.indicator.pk: line for line in sheet.lines}
    job = Job.objects.filter(kind=Job.Kind.SCORE_EVALUATION, params__evaluation=evaluation.pk).first()
    return render(
        request,
        "evaluations/evaluation.html",
        {
            "evaluation": evaluation,
            "subject": evaluation.project or evaluation.department_target,
            "is_project": bool(evaluation.project_id),
            "form": form,
            "rows": [(indicator, fields, lines[indicator.pk]) for indicator, fields in form.rows()],
            "sheet": sheet,
            "editable": editable,
            "is_reviewer": is_reviewer(request.user),
            "adjust_form": AdjustForm(),
            "job": job,
            "error_summary": error_summary(form, rows=form.rows()) if form.is_bound and form.errors else [],
        },
    )


def error_summary(form: EvaluationForm, *, rows) -> list[dict[str, str]]:
    """Every error of a refused save as (where, message, anchor), the indicator named for its row."""
    owner_of = {field.name: indicator for indicator, fields in rows for field in fields.values()}
    summary = []
    for name, errors in form.errors.items():
        if name == "__all__":
            where, anchor = "", ""
        elif name in owner_of:
            field = form[name]
            where, anchor = f"{owner_of[name].name} · {field.label}", field.auto_id
        else:
            field = form[name]
            where, anchor = str(field.label), field.auto_id
        for message in errors:
            summary.append({"where": where, "message": message, "anchor": anchor})
    return summary


@login_required
@require_POST
def evaluation_score(request, pk: int):
    """Queue the scoring of what is saved (the bureau's 重新计算得分; the department's page scores by
    saving). The page shows the job's progress and reloads when it is done."""
    evaluation = selectors.evaluation_get_for_user(user=request.user, pk=pk)
    if not (selectors.can_edit_evaluation(user=request.user, evaluation=evaluation) or is_reviewer(request.user)):
        raise PermissionDenied
    score_evaluation_enqueue(evaluation=evaluation, user=request.user)
    messages.success(request, "已提交评分任务。")
    return redirect("evaluations:evaluation", pk=pk)


@login_required
@require_POST
def result_adjust(request, pk: int):
    result = selectors.result_get_for_user(user=request.user, pk=pk)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            services.result_adjust(result=result, user=request.user, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"已调整“{result.indicator.name}”的得分。")
    else:
        messages.error(request, "请填写调整后得分和调整说明。")
    return redirect("evaluations:evaluation", pk=result.evaluation_id)
