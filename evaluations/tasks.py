"""Celery tasks of evaluations: thin wrappers around evaluations.scoring (job plumbing: jobs.services)."""

from __future__ import annotations

from disclosures.models import FiscalYear
from jobs.models import Job
from jobs.services import job_enqueue, job_progress, job_task
from evaluations.models import SelfEvaluation
from evaluations.scoring import evaluation_score


@job_task(name="evaluations.score_evaluation")
def score_evaluation(job: Job) -> dict:
    """Score one self-evaluation (params: evaluation = its pk)."""
    evaluation = SelfEvaluation.objects.get(pk=job.params["evaluation"])
    job_progress(job.pk, 10, "正在计算得分")
    sheet = evaluation_score(evaluation=evaluation)
    return {"evaluation": evaluation.pk, "total": f"{sheet.total:.2f}", "grade": sheet.grade}


@job_task(name="evaluations.score_year")
def score_year(job: Job) -> dict:
    """Score every self-evaluation of a year (params: year), reporting progress per evaluation."""
    year = job.params["year"]
    evaluations = list(
        SelfEvaluation.objects.filter(project__filing__fiscal_year__year=year).order_by("pk")
    ) + list(SelfEvaluation.objects.filter(department_target__fiscal_year__year=year).order_by("pk"))
    grades: dict[str, int] = {}
    for n, evaluation in enumerate(evaluations, start=1):
        sheet = evaluation_score(evaluation=evaluation)
        grades[sheet.grade] = grades.get(sheet.grade, 0) + 1
        job_progress(job.pk, int(n * 100 / len(evaluations)) - 1 if n < len(evaluations) else 99, f"已评分 {n}/{len(evaluations)}：{evaluation}")
    return {"year": year, "scored": len(evaluations), "grades": grades}


def score_evaluation_enqueue(*, evaluation: SelfEvaluation, user) -> Job:
    return job_enqueue(
        kind=Job.Kind.SCORE_EVALUATION, task=score_evaluation,
        filing=evaluation.project.filing if evaluation.project_id else None,
        params={"evaluation": evaluation.pk}, user=user,
    )


def score_year_enqueue(*, fiscal_year: FiscalYear, user) -> Job:
    return job_enqueue(
        kind=Job.Kind.SCORE_EVALUATION, task=score_year, params={"year": fiscal_year.year}, user=user,
        batch=f"evaluations-{fiscal_year.year}",
    )
