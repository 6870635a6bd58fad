"""GET /bureau/?year= — every department's filings, checks and the 20-day publication rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosures.models import Filing
from jobs.models import Job

pytestmark = pytest.mark.django_db
URL = reverse("disclosures:bureau_dashboard")


def test_reviewer_sees_every_department(client, reviewer, submitted_filing, other_department):
    submitted_filing.reasons = {"change.total": "工资保险变动"}  # as published: the other reasons are missing
    submitted_filing.save(update_fields=["reasons"])
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
