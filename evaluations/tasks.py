"""Celery tasks of evaluations: thin wrappers around evaluations.scoring (job plumbing: jobs.services)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from disclosures.models import FiscalYear, Project
from jobs.models import Job
from jobs.services import job_enqueue, job_progress, job_task
from evaluations.documents import build, grid_pdf
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
    evaluations = list(SelfEvaluation.objects.filter(project__filing__fiscal_year__year=year).order_by("pk")) + list(
        SelfEvaluation.objects.filter(department_target__fiscal_year__year=year).order_by("pk")
    )
    grades: dict[str, int] = {}
    for n, evaluation in enumerate(evaluations, start=1):
        sheet = evaluation_score(evaluation=evaluation)
        grades[sheet.grade] = grades.get(sheet.grade, 0) + 1
        job_progress(job.pk, int(n * 100 / len(evaluations)) - 1 if n < len(evaluations) else 99, f"已评分 {n}/{len(evaluations)}：{evaluation}")
    return {"year": year, "scored": len(evaluations), "grades": grades}


def score_evaluation_enqueue(*, evaluation: SelfEvaluation, user) -> Job:
    return job_enqueue(
        kind=Job.Kind.SCORE_EVALUATION,
        task=score_evaluation,
        filing=evaluation.project.filing if evaluation.project_id else None,
        params={"evaluation": evaluation.pk},
        user=user,
    )


def score_year_enqueue(*, fiscal_year: FiscalYear, user) -> Job:
    return job_enqueue(
        kind=Job.Kind.SCORE_EVALUATION,
        task=score_year,
        params={"year": fiscal_year.year},
        user=user,
        batch=f"evaluations-{fiscal_year.year}",
    )


#: Where rendered evaluation PDFs are kept (default storage, never served as static files: only through
#: evaluations.views.documents, which checks access and the job's owner).
PDF_FOLDER = "evaluation-forms"


@job_task(name="evaluations.render_form_pdf")
def render_form_pdf(job: Job) -> dict:
    """Render one evaluation form as PDF (params: form, and project or evaluation = its pk).

    PDFs render here and not in the request: a PDF's time and memory grow with the indicators (20,000
    indicators once took over 10 minutes and 3.7 GB inside a request).
    """
    params = job.params
    job_progress(job.pk, 10, "正在整理表格")
    if params["form"] == "targets":
        grid = build("targets", project=Project.objects.get(pk=params["project"]))
    else:
        grid = build(params["form"], evaluation=SelfEvaluation.objects.get(pk=params["evaluation"]))
    job_progress(job.pk, 40, "正在生成 PDF")
    body = grid_pdf([grid])
    name = default_storage.save(f"{PDF_FOLDER}/{job.pk}.pdf", ContentFile(body))
    return {"path": name, "filename": f"{grid.filename}.pdf", "bytes": len(body)}


def render_form_pdf_enqueue(*, form: str, user, project=None, evaluation=None) -> Job:
    params = {"form": form, **({"project": project.pk} if project is not None else {"evaluation": evaluation.pk})}
    filing = project.filing if project is not None else (evaluation.project.filing if evaluation.project_id else None)
    return job_enqueue(kind=Job.Kind.EVALUATION_PDF, task=render_form_pdf, filing=filing, params=params, user=user)
