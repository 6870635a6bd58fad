"""job_status (/jobs/<pk>/): the JSON the progress bar polls, visible only to those who may see the filing."""

import pytest
from django.urls import reverse

from jobs.models import Job
from tests.factories import FilingFactory, JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(department, year_2020):
    return FilingFactory(department=department, fiscal_year=year_2020)


@pytest.fixture
def job(filing, accountant):
    return JobFactory(
        kind=Job.Kind.GENERATE_FILING,
        filing=filing,
        created_by=accountant,
        status=Job.Status.RUNNING,
        progress=40,
        message="正在生成表5",
    )


def test_owner_sees_status(client, accountant, job):
    client.force_login(accountant)

    response = client.get(reverse("jobs:job_status", args=[job.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["status"] == "running"
    assert data["status_display"] == "运行中"
    assert data["progress"] == 40
    assert data["message"] == "正在生成表5"
    assert data["finished"] is False
    assert data["error"] == "" and data["result"] == {}


def test_department_colleague_sees_a_job_on_their_filing(client, django_user_model, department, job):
    from disclosures.models import DepartmentMembership

    colleague = django_user_model.objects.create_user("colleague", password="pw-Colleague-1")
    DepartmentMembership.objects.create(user=colleague, department=department)
    client.force_login(colleague)

    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 200


def test_reviewer_sees_any_job(client, reviewer, job):
    client.force_login(reviewer)

    assert client.get(reverse("jobs:job_status", args=[job.pk])).json()["progress"] == 40


def test_finished_job_reports_result_and_error(client, accountant, filing):
    done = JobFactory(kind=Job.Kind.PING, created_by=accountant, status=Job.Status.DONE, progress=100, result={"pong": True})
    failed = JobFactory(kind=Job.Kind.GENERATE_FILING, filing=filing, status=Job.Status.FAILED, error="表5 合计不平")
    client.force_login(accountant)

    assert client.get(reverse("jobs:job_status", args=[done.pk])).json()["result"] == {"pong": True}
    data = client.get(reverse("jobs:job_status", args=[failed.pk])).json()
    assert (data["finished"], data["error"]) == (True, "表5 合计不平")


def test_other_department_gets_404(client, outsider, job):
    client.force_login(outsider)

    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404


def test_job_without_filing_is_private_to_its_creator(client, accountant, outsider):
    job = JobFactory(kind=Job.Kind.PING, created_by=accountant)
    client.force_login(outsider)

    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404


def test_anonymous_is_redirected_to_login(client, job):
    response = client.get(reverse("jobs:job_status", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_is_refused(client, accountant, job):
    client.force_login(accountant)

    assert client.post(reverse("jobs:job_status", args=[job.pk])).status_code == 405


def test_progress_partial_polls_this_jobs_status(job, settings):
    from django.template.loader import render_to_string

    html = render_to_string("jobs/_progress.html", {"job": job, "reload": True})

    assert f'data-job-status-url="{reverse("jobs:job_status", args=[job.pk])}"' in html
    assert 'value="40"' in html and "正在生成表5" in html
    assert "data-reload-on-done" in html
    assert 'src="/static/js/job-progress.js"' in html  # the polling script (a static file, for the CSP)
    assert "setTimeout(poll" in (settings.BASE_DIR / "static" / "js" / "job-progress.js").read_text()


def test_progress_partial_does_not_poll_a_finished_job(job):
    from django.template.loader import render_to_string

    job.status = Job.Status.DONE
    html = render_to_string("jobs/_progress.html", {"job": job})

    assert "setTimeout(poll, 300)" not in html
