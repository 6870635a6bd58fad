"""evaluations.views.county: the bureau's view of a year (reviewers only), sorting, attention, xlsx, year scoring."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import Job
from evaluations import services
from evaluations.models import SelfEvaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_data(seed_001_projects, seed_002_evaluation, accountant):
    evaluation = services.evaluation_start(owner=seed_001_projects[0], user=accountant)
    SelfEvaluation.objects.filter(pk=evaluation.pk).update(executed_amount=Decimal("380000.00"))
    for result in evaluation.results.select_related("indicator"):
        result.actual_value = result.indicator.target_value
        result.save()
    return evaluation


def test_reviewer_sees_every_row_and_attention(client, reviewer, year_data, django_capture_on_commit_callbacks):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluations:county_score", args=[2020]))
    job = Job.objects.get(batch="evaluations-2020")
    assert job.status == Job.Status.DONE and job.result["scored"] == 2 and job.result["grades"] == {"优": 1, "未完成": 1}
    page = client.get(reverse("evaluations:county", args=[2020]))
    rows = page.context["rows"]
    assert len(rows) == 6  # five projects of seed 001 + the department-wide evaluation of seed 002
    by_subject = {r.subject: r for r in rows}
    assert by_subject["旅游旺季北戴河工作经费"].score == Decimal("99.50")
    department = by_subject["部门整体支出"]
    assert department.score is None and department.grade == "未完成"
    assert "自评未完成：“进京“非访”率同比下降。”未计分" in department.problems
    assert "执行率偏低（57.59%）" in department.problems
    assert by_subject["车辆保险费"].problems == ["未开展自评"]
    attention = client.get(reverse("evaluations:county", args=[2020]), {"attention": "1", "sort": "problems"}).context["rows"]
    assert "旅游旺季北戴河工作经费" not in [r.subject for r in attention] and len(attention) == 5


def test_sorting_by_score(client, reviewer, year_data):
    from evaluations.scoring import evaluation_score

    for evaluation in SelfEvaluation.objects.all():
        evaluation_score(evaluation=evaluation)
    client.force_login(reviewer)
    rows = client.get(reverse("evaluations:county", args=[2020]), {"sort": "-score"}).context["rows"]
    assert [r.score for r in rows[:1]] == [Decimal("99.50")]
    assert all(r.score is None for r in rows[1:])  # seed 002's unfinished evaluation has no total


def test_xlsx_download(client, reviewer, year_data):
    from evaluations.scoring import evaluation_score

    evaluation_score(evaluation=year_data)
    client.force_login(reviewer)
    ws = load_workbook(BytesIO(client.get(reverse("evaluations:county_export", args=[2020])).content)).active
    header = [c.value for c in ws[1]]
    assert header[:7] == ["部门", "项目编码", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "自评得分"]
    rows = {r[2]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["旅游旺季北戴河工作经费"][3:7] == (40, 38, 0.95, 99.5)


@pytest.mark.parametrize("who", ["accountant", "outsider"])
def test_department_users_get_404(client, who, request, year_data):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("evaluations:county", args=[2020])).status_code == 404
    assert client.get(reverse("evaluations:county_export", args=[2020])).status_code == 404
    assert client.post(reverse("evaluations:county_score", args=[2020])).status_code == 404


def test_anonymous_redirected(client, year_data):
    assert client.get(reverse("evaluations:county", args=[2020])).status_code == 302
