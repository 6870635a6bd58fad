"""Evaluation PDFs render as jobs, not inside the request.

Before: GET …/targets.pdf rendered the PDF with WeasyPrint in the request (20,000 indicators: over 10
minutes and 3.7 GB). Now the GET answers a page at once; 生成 PDF (POST) starts a Job
(kind evaluation_pdf) whose progress the page follows; the file is served only to the job's owner.
"""

import re
import subprocess

import pytest
from django.urls import reverse

from jobs.models import Job
from evaluations import services
from evaluations.documents import build, grid_pdf

pytestmark = pytest.mark.django_db


def test_get_does_not_render_a_pdf(client, accountant, seed_001_projects):
    client.force_login(accountant)
    response = client.get(reverse("evaluations:project_form", args=[seed_001_projects[0].pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "生成 PDF" in response.content.decode()
    assert not Job.objects.filter(kind=Job.Kind.EVALUATION_PDF).exists()


def test_post_starts_a_job_and_the_owner_downloads_the_file(client, accountant, outsider, seed_001_projects, django_capture_on_commit_callbacks):
    client.force_login(accountant)
    project = seed_001_projects[0]
    url = reverse("evaluations:project_form", args=[project.pk, "pdf"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get(kind=Job.Kind.EVALUATION_PDF)
    assert response.status_code == 302 and response["Location"] == f"{url}?job={job.pk}"
    assert job.params == {"form": "targets", "project": project.pk} and job.created_by == accountant
    assert job.status == Job.Status.DONE, job.error  # in-process (eager) here; a worker with a broker
    page = client.get(f"{url}?job={job.pk}").content.decode()
    assert "下载 PDF" in page
    pdf = client.get(f"{url}?job={job.pk}&download=1")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    other_project = seed_001_projects[1]
    other_url = reverse("evaluations:project_form", args=[other_project.pk, "pdf"])
    assert client.get(f"{other_url}?job={job.pk}&download=1").status_code == 404, "a job of another object"
    client.force_login(outsider)
    assert client.get(f"{url}?job={job.pk}&download=1").status_code == 404


def test_a_queued_job_shows_the_progress_bar(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[0]
    job = Job.objects.create(kind=Job.Kind.EVALUATION_PDF, created_by=accountant, params={"form": "targets", "project": project.pk})
    page = client.get(reverse("evaluations:project_form", args=[project.pk, "pdf"]) + f"?job={job.pk}").content.decode()
    assert "job-progress" in page and "data-reload-on-done" in page
    assert client.get(reverse("evaluations:project_form", args=[project.pk, "pdf"]) + f"?job={job.pk}&download=1")["Content-Type"].startswith(
        "text/html"
    )


def test_evaluation_forms_render_as_jobs(client, accountant, seed_001_projects, django_capture_on_commit_callbacks):
    client.force_login(accountant)
    evaluation = services.evaluation_start(owner=seed_001_projects[0], user=accountant)
    url = reverse("evaluations:evaluation_form", args=[evaluation.pk, "completion", "pdf"])
    assert client.get(url)["Content-Type"].startswith("text/html")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = Job.objects.get(kind=Job.Kind.EVALUATION_PDF)
    assert job.params == {"form": "completion", "evaluation": evaluation.pk}
    assert job.status == Job.Status.DONE, job.error


def test_an_evaluation_form_is_printed_like_the_disclosure_with_its_text_and_page_footer(seed_001_projects):
    """The evaluation forms were the last PDFs WeasyPrint printed; they go through the disclosure's printer
    (headless Chromium), landscape A4 with 第 N 页 in the footer and the form's Chinese text extractable."""
    grid = build("targets", project=seed_001_projects[0])
    document = grid_pdf([grid])
    info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=True).stdout.decode()
    assert "Skia/PDF" in info
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=document, capture_output=True, check=True).stdout.decode()
    assert grid.title in " ".join(text.split()) or grid.title in text
    assert seed_001_projects[0].name in text
    assert re.search(r"第\s*1\s*页", text)
