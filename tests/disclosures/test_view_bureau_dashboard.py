"""GET /bureau/?year= — every department's filings, checks and the 20-day publication rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosures.models import Filing
from disclosures.services import workflow
from jobs.models import Job

pytestmark = pytest.mark.django_db
URL = reverse("disclosures:bureau_dashboard")


def test_reviewer_sees_every_department(client, reviewer, clean_filing, accountant, other_department):
    clean_filing.reasons = {"change.total": "工资保险变动"}  # as published: the other reasons are missing
    clean_filing.save(update_fields=["reasons"])
    submitted_filing = workflow.filing_submit(filing=clean_filing, user=accountant)
    client.force_login(reviewer)
    response = client.get(URL, {"year": 2019})
    assert response.status_code == 200
    text = response.content.decode()
    assert "茂县信访局" in text and "测试县教育局" in text
    assert "已提交" in text and "无错误" in text
    assert "未创建部门决算填报" in text  # 教育局 has no filing
    row = next(r for r in response.context["rows"] if r.department == submitted_filing.department)
    progress = row.filings[Filing.Kind.FINAL]
    assert progress.filing == submitted_filing and progress.checks.errors == 0
    # seed 003 gives no reason for the changes of 财政拨款收支总计, 一般公共预算支出 and 机关运行经费
    assert progress.checks.missing_reasons == 3 and "缺少3处变动原因" in text
    assert row.filings[Filing.Kind.BUDGET] is None


def test_check_errors_are_counted(client, reviewer, seed_filing):
    client.force_login(reviewer)
    response = client.get(URL, {"year": 2019})
    row = next(r for r in response.context["rows"] if r.department == seed_filing.department)
    assert row.filings[Filing.Kind.FINAL].checks.errors >= 1
    assert any("检查错误" in m for m in row.missing)


@pytest.mark.parametrize(
    ("days_ago", "css", "words"),
    [(25, "overdue", "已超期5天"), (17, "due-soon", "剩3天"), (3, "", "剩17天")],
)
def test_twenty_day_rule_is_highlighted(client, reviewer, approved_filing, days_ago, css, words):
    Filing.objects.filter(pk=approved_filing.pk).update(approved_at=timezone.now() - datetime.timedelta(days=days_ago))
    client.force_login(reviewer)
    text = client.get(URL, {"year": 2019}).content.decode()
    assert f"{days_ago}天" in text and words in text
    if css:
        assert f'class="num {css}"' in text
    else:
        assert 'class="num overdue"' not in text and 'class="num due-soon"' not in text


def test_generation_job_status_is_shown(client, reviewer, approved_filing):
    Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=approved_filing, status=Job.Status.FAILED, error="磁盘已满")
    client.force_login(reviewer)
    response = client.get(URL, {"year": 2019})
    assert "失败" in response.content.decode()


def test_department_user_is_forbidden(client, accountant):
    client.force_login(accountant)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_status_counts(client, reviewer, approved_filing, other_department):
    client.force_login(reviewer)
    counts = dict(client.get(URL, {"year": 2019}).context["counts"])
    assert counts["已审核"] == 1 and counts["草稿"] == 0 and counts["未创建"] == 3  # 2 kinds × 2 departments − 1


def test_published_version_and_version_in_progress_match_the_public_site(client, demo, settings, tmp_path):
    """The demo as load_demo leaves it: 山海关's 2020 budget 第1版 published, its correction 第2版 returned.
    Before, the dashboard showed only 第2版 已退回 and counted one 已公开 where the public site lists two."""
    from demo.workflow import advance_demo
    from tests.conftest import publication_jobs_run

    settings.MEDIA_ROOT = tmp_path
    with publication_jobs_run():
        advance_demo(demo)
    client.force_login(demo.reviewer)
    response = client.get(URL, {"year": 2020})
    row = next(r for r in response.context["rows"] if r.department == demo.shanhaiguan.department)
    budget = row.filings[Filing.Kind.BUDGET]
    assert (budget.public.version, budget.filing.version, budget.filing.status) == (1, 2, Filing.Status.RETURNED)
    cell = response.content.decode().split("山海关区信访局", 1)[1].split("</tr>", 1)[0]
    assert '第1版</a> <span class="badge published">已公开</span>' in cell
    assert '第2版</a> <span class="badge returned">已退回</span>' in cell
    assert reverse("disclosures:public_filing", args=[budget.public.pk]) in cell

    counts = dict(response.context["counts"])
    public_year = client.get(reverse("disclosures:public_year", args=[2020]))
    assert counts["已公开"] == public_year.context["count"] == 2  # 山海关 and 资阳 budgets
    assert counts["已退回"] == 1 and counts["草稿"] == 1  # 山海关's correction; 望城's final accounts
    assert (
        dict(client.get(URL, {"year": 2019}).context["counts"])["已公开"]
        == client.get(reverse("disclosures:public_year", args=[2019])).context["count"]
    )


def test_publication_waiting_for_its_documents_is_not_counted_public(client, reviewer, approved_filing, settings, tmp_path):
    from django.test import TestCase

    from disclosures.services import workflow

    settings.MEDIA_ROOT = tmp_path
    with TestCase.captureOnCommitCallbacks(execute=False):  # the publication job is queued, not yet run
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    client.force_login(reviewer)
    response = client.get(URL, {"year": 2019})
    counts = dict(response.context["counts"])
    assert counts["已公开"] == 0
    assert client.get(reverse("disclosures:public_year", args=[2019])).status_code == 404  # the public site has nothing of 2019 yet
    assert counts["公开文件生成中"] == 1
    text = response.content.decode()
    assert "公开文件生成中" in text and "公开文件未生成，公众尚看不到" in text


def test_failed_tables_job_stays_visible_after_a_later_pdf_job_succeeded(client, reviewer, approved_filing):
    Job.objects.create(
        kind=Job.Kind.GENERATE_FILING, filing=approved_filing, params={"formats": ["xlsx", "html"]}, status=Job.Status.FAILED, error="磁盘已满"
    )
    Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=approved_filing, params={"formats": ["pdf"]}, status=Job.Status.DONE)
    client.force_login(reviewer)
    response = client.get(URL, {"year": 2019})
    progress = next(r for r in response.context["rows"] if r.department == approved_filing.department).filings[Filing.Kind.FINAL]
    assert progress.job.status == Job.Status.DONE  # the newest job
    assert progress.failed_formats == ["Excel 表格", "HTML"]
    text = response.content.decode()
    assert "Excel 表格 生成失败" in text and "HTML 生成失败" in text and "生成失败：Excel 表格、HTML" in text


def test_running_generation_shows_one_progress_bar_that_polls_its_jobs(client, reviewer, approved_filing):
    """Publishing or generating returns at once; the dashboard and the filing's page follow the jobs."""
    from jobs.models import Job

    running = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=approved_filing, status=Job.Status.RUNNING, progress=30)
    client.force_login(reviewer)
    page = client.get(reverse("disclosures:bureau_dashboard") + f"?year={approved_filing.fiscal_year.year}").content.decode()
    assert 'id="generation-progress"' in page
    import re

    ids = re.search(r'data-job-status-url="/jobs/progress/\?ids=([\d,]+)" data-reload-on-done', page).group(1)
    assert str(running.pk) in ids.split(",")
    filing_page = client.get(reverse("disclosures:bureau_filing", args=[approved_filing.pk])).content.decode()
    assert f'data-job-status-url="{reverse("jobs:job_status", args=[running.pk])}"' in filing_page
    Job.objects.filter(kind=Job.Kind.GENERATE_FILING).update(status=Job.Status.DONE)
    page = client.get(reverse("disclosures:bureau_dashboard") + f"?year={approved_filing.fiscal_year.year}").content.decode()
    assert 'id="generation-progress"' not in page
