"""evaluations.views.evaluation: starting, entering actuals with the reason rules, scoring, adjusting."""

from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.models import AuditEntry
from jobs.models import Job
from evaluations.models import IndicatorResult, SelfEvaluation

pytestmark = pytest.mark.django_db


def start(client, project):
    response = client.post(reverse("evaluations:evaluation_start", args=["projects", project.pk]))
    assert response.status_code == 302
    return SelfEvaluation.objects.get(project=project)


def entry(evaluation, actuals, **extra):
    data = {
        "budget_amount": "400000.00",
        "adjusted_amount": "",
        "executed_amount": "380000.00",
        "fiscal_budget_amount": "400000.00",
        "fiscal_executed_amount": "380000.00",
        "execution_reason": "",
        "goal_result": "未发生大规模集体访",
    }
    for result in evaluation.results.select_related("indicator"):
        name = result.indicator.name
        data[f"result-{result.indicator_id}-actual_value"] = actuals.get(name, "")
        data[f"result-{result.indicator_id}-actual_text"] = ""
        data[f"result-{result.indicator_id}-band"] = ""
        data[f"result-{result.indicator_id}-reason"] = extra.get(f"reason:{name}", "")
    data.update({k: v for k, v in extra.items() if not k.startswith("reason:")})
    return data


ALL_MET = {"劝返率": "100", "重大事件发生率": "96", "全区旅游旺季信访稳定": "95", "处置及时": "95", "协助公安工作": "95", "满意率": "100"}


def test_round_enter_actuals_and_score(client, accountant, seed_001_projects, django_capture_on_commit_callbacks):
    client.force_login(accountant)
    project = seed_001_projects[0]
    evaluation = start(client, project)
    assert evaluation.budget_amount == Decimal("400000.00") and evaluation.results.count() == 6
    url = reverse("evaluations:evaluation", args=[evaluation.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(url, entry(evaluation, ALL_MET)).status_code == 302  # one action: saves and scores
    assert len(callbacks) == 1
    job = Job.objects.get(kind=Job.Kind.SCORE_EVALUATION)
    assert job.status == Job.Status.DONE and job.result["total"] == "99.50"
    evaluation.refresh_from_db()
    assert evaluation.execution_score == Decimal("9.50") and evaluation.grade == "优"
    page = client.get(url).content.decode()
    assert "执行率 = 38.00 ÷ 40.00 = 95.00%；得分 = 95.00% × 10 = 9.50" in page
    assert "99.50 分 · 优" in page


def test_shortfall_needs_a_reason(client, accountant, seed_001_projects):
    client.force_login(accountant)
    evaluation = start(client, seed_001_projects[0])
    url = reverse("evaluations:evaluation", args=[evaluation.pk])
    response = client.post(url, entry(evaluation, {**ALL_MET, "处置及时": "80"}))
    assert response.status_code == 200
    assert "未完成指标值，须说明原因及改进措施。" in response.content.decode()
    assert client.post(url, entry(evaluation, {**ALL_MET, "处置及时": "80"}, **{"reason:处置及时": "突发事件集中"})).status_code == 302
    assert IndicatorResult.objects.get(evaluation=evaluation, indicator__name="处置及时").reason == "突发事件集中"


def test_130_percent_needs_a_reason(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[0]
    indicator = project.indicators.get(name="处置及时")
    indicator.unit = "件"
    indicator.save()
    evaluation = start(client, project)
    url = reverse("evaluations:evaluation", args=[evaluation.pk])
    response = client.post(url, entry(evaluation, {**ALL_MET, "处置及时": "124"}))
    assert "130%" in response.content.decode()
    assert client.post(url, entry(evaluation, {**ALL_MET, "处置及时": "123"})).status_code == 302


def test_execution_below_90_percent_needs_a_reason(client, accountant, seed_001_projects):
    client.force_login(accountant)
    evaluation = start(client, seed_001_projects[0])
    url = reverse("evaluations:evaluation", args=[evaluation.pk])
    low = entry(evaluation, ALL_MET, executed_amount="300000.00")
    assert "执行率 75.00% 低于 90%，请说明原因。" in client.post(url, low).content.decode()
    assert client.post(url, {**low, "execution_reason": "年底资金未拨付"}).status_code == 302


def test_seed_002_page_shows_computed_next_to_published(
    client, seed_002_evaluation, django_user_model, department, django_capture_on_commit_callbacks
):
    from disclosures.models import DepartmentMembership

    user = django_user_model.objects.create_user("wangcheng")
    DepartmentMembership.objects.create(user=user, department=department)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluations:evaluation_score", args=[seed_002_evaluation.pk]))
    page = client.get(reverse("evaluations:evaluation", args=[seed_002_evaluation.pk])).content.decode()
    assert "执行率 = 596.68 ÷ 1036.03 = 57.59%；得分 = 57.59% × 10 = 5.76" in page
    assert '原表填报得分 <strong id="published-execution">6</strong>' in page
    assert '<span class="score-big" id="total-score">未完成</span>' in page
    assert "自评未完成：1 项指标尚未计分" in page


def test_reviewer_adjusts_within_band_only_and_is_audited(client, reviewer, seed_002_evaluation):
    from evaluations.scoring import evaluation_score

    seed_002_evaluation.results.filter(indicator__name="进京“非访”率同比下降。").update(band="partial", chosen_score=Decimal("5.00"))
    evaluation_score(evaluation=seed_002_evaluation)
    client.force_login(reviewer)
    result = seed_002_evaluation.results.get(indicator__name="接待群众来访")
    url = reverse("evaluations:result_adjust", args=[result.pk])
    client.post(url, {"score": "7.50", "comment": "超出档次"})
    result.refresh_from_db()
    assert result.adjusted_score is None
    client.post(url, {"score": "9.00", "comment": "接访量未达预计"})
    result.refresh_from_db()
    assert result.adjusted_score == Decimal("9.00")
    evaluation = SelfEvaluation.objects.get(pk=seed_002_evaluation.pk)
    assert evaluation.total_score == Decimal("92.26")  # 93.26 with the picked 10.00, now 9.00
    entry_ = AuditEntry.objects.get(action="调整自评得分")
    assert (entry_.before, entry_.after, entry_.actor) == ("10.00", "9.00", reviewer)
    quantitative = seed_002_evaluation.results.get(indicator__name="办结率")
    client.post(reverse("evaluations:result_adjust", args=[quantitative.pk]), {"score": "5", "comment": "x"})
    quantitative.refresh_from_db()
    assert quantitative.adjusted_score is None


def test_department_cannot_adjust(client, accountant, seed_002_evaluation):
    client.force_login(accountant)
    result = seed_002_evaluation.results.get(indicator__name="接待群众来访")
    response = client.post(reverse("evaluations:result_adjust", args=[result.pk]), {"score": "9", "comment": "x"})
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.adjusted_score is None


def test_other_department_404_and_reviewer_read_only(client, outsider, reviewer, accountant, seed_001_projects):
    client.force_login(accountant)
    evaluation = start(client, seed_001_projects[0])
    url = reverse("evaluations:evaluation", args=[evaluation.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(reverse("evaluations:evaluation_start", args=["projects", seed_001_projects[1].pk])).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    assert client.post(url, entry(evaluation, ALL_MET)).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_index_shows_an_unfinished_evaluation_as_such(client, accountant, seed_002_evaluation):
    from evaluations.scoring import evaluation_score

    evaluation_score(evaluation=seed_002_evaluation)
    client.force_login(accountant)
    page = client.get(reverse("evaluations:index")).content.decode()
    assert "自评（未完成）" in page  # seed 002's 进京“非访”率 indicator has no actual


def test_a_refused_save_keeps_every_input_lists_the_errors_and_scores_nothing(
    client, accountant, seed_001_projects, django_capture_on_commit_callbacks
):
    """A save refused for a missing reason used to drop the inputs, and 计算得分 then scored the stale data."""
    client.force_login(accountant)
    evaluation = start(client, seed_001_projects[0])
    url = reverse("evaluations:evaluation", args=[evaluation.pk])
    short = evaluation.results.get(indicator__name="处置及时").indicator_id
    typed = entry(evaluation, {**ALL_MET, "处置及时": "80"}, executed_amount="391234.56", goal_result="来访群众均得到答复")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, typed)
    assert response.status_code == 200 and callbacks == []
    page = response.content.decode()
    summary = page.index('id="error-summary"')
    assert summary < page.index('id="score-summary"') < page.index('id="evaluation-form"')
    assert f'href="#id_result-{short}-reason">处置及时 · ' in page[summary:]
    assert "未完成指标值，须说明原因及改进措施。" in page[summary:]
    assert 'value="391234.56"' in page and "来访群众均得到答复" in page
    for name, value in {**ALL_MET, "处置及时": "80"}.items():
        indicator = evaluation.results.get(indicator__name=name).indicator_id
        assert f'name="result-{indicator}-actual_value" value="{value}"' in page
    assert not Job.objects.filter(kind=Job.Kind.SCORE_EVALUATION).exists()
    evaluation.refresh_from_db()
    assert evaluation.executed_amount != Decimal("391234.56") and evaluation.total_score is None
    assert 'id="score-button">保存并计算得分' in page and 'form="evaluation-form"' in page

    typed[f"result-{short}-reason"] = "突发事件集中"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, typed).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.executed_amount == Decimal("391234.56")
    assert Job.objects.get(kind=Job.Kind.SCORE_EVALUATION).status == Job.Status.DONE
    assert evaluation.total_score is not None and evaluation.total_score > Decimal("90") and evaluation.grade == "优"


def test_index_tells_a_corrections_projects_from_the_published_versions(client, accountant, reviewer, clean_filing):
    """After 发起更正 each project of a final account stood twice in the list, under the same 部门决算, with the
    same self-evaluation: the correction's rows say which version they belong to."""
    from disclosures.services import workflow

    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    published = workflow.filing_publish(filing=clean_filing, user=reviewer)
    workflow.filing_correct(filing=published, user=accountant, note="更正")
    client.force_login(accountant)
    page = client.get(reverse("evaluations:index")).content.decode()
    projects = published.projects.count()
    assert projects > 0
    assert page.count("<td>部门决算（第2版）</td>") == projects
    assert page.count("<td>部门决算</td>") == projects
