"""evaluations.views.targets: the indicator tree of a project, adding/editing/deleting indicators, access."""

from decimal import Decimal

import pytest
from django.urls import reverse

from disclosures.models import Filing
from evaluations.models import DepartmentTarget, Indicator

pytestmark = pytest.mark.django_db


def targets_url(project):
    return reverse("evaluations:targets", args=["projects", project.pk])


NEW = {
    "level1": "output",
    "level2": "quantity",
    "name": "接访人次",
    "description": "全年接待来访",
    "comparator": "ge",
    "target_value": "600",
    "target_text": "",
    "unit": " 人次 ",
    "basis": "上年实际",
    "weight": "",
}


def test_seed_001_tree_renders_as_in_the_seed(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[0]
    page = client.get(targets_url(project)).content.decode()
    assert "旅游旺季北戴河工作经费" in page
    for name in ["劝返率", "重大事件发生率", "全区旅游旺季信访稳定", "处置及时", "协助公安工作", "满意率"]:
        assert name in page
    assert "省市联席办相关要求" in page
    assert page.index("产出指标") < page.index("效益指标") < page.index("满意度指标")


def test_identical_goals_and_padded_units_are_flagged(client, accountant, seed_001_projects):
    client.force_login(accountant)
    page = client.get(targets_url(seed_001_projects[3])).content.decode()
    assert "目标1与目标2完全相同" in page
    assert "单位“     %”前后有空格" in page


def test_department_adds_an_indicator_and_unit_is_trimmed(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[0]
    response = client.post(targets_url(project), NEW)
    assert response.status_code == 302
    indicator = project.indicators.get(name="接访人次")
    assert indicator.unit == "人次" and indicator.target_value == Decimal("600") and indicator.order == 7


def test_level2_must_belong_to_level1(client, accountant, seed_001_projects):
    client.force_login(accountant)
    response = client.post(targets_url(seed_001_projects[0]), {**NEW, "level2": "social"})
    assert response.status_code == 200
    assert "产出指标的二级指标只能是：数量指标、质量指标、时效指标、成本指标。" in response.content.decode()


def test_numeric_comparator_needs_a_number_and_percent_in_range(client, accountant, seed_001_projects):
    client.force_login(accountant)
    url = targets_url(seed_001_projects[0])
    assert "必须填写数值型指标值" in client.post(url, {**NEW, "target_value": ""}).content.decode()
    assert "单位为%时，指标值应在 0 到 100 之间" in client.post(url, {**NEW, "unit": "%", "target_value": "120"}).content.decode()
    qualitative = client.post(url, {**NEW, "comparator": "qualitative", "target_value": "", "target_text": "全年未发生维稳事件"})
    assert qualitative.status_code == 302


def test_edit_and_delete(client, accountant, seed_001_projects):
    client.force_login(accountant)
    indicator = seed_001_projects[0].indicators.get(name="劝返率")
    data = {**NEW, "name": "劝返率", "target_value": "98", "unit": "%"}
    assert client.post(reverse("evaluations:indicator_edit", args=[indicator.pk]), data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("98")
    assert client.post(reverse("evaluations:indicator_delete", args=[indicator.pk])).status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert client.get(reverse("evaluations:indicator_delete", args=[indicator.pk])).status_code in (404, 405)


def test_other_department_gets_404(client, outsider, seed_001_projects):
    client.force_login(outsider)
    project = seed_001_projects[0]
    assert client.get(targets_url(project)).status_code == 404
    assert client.post(targets_url(project), NEW).status_code == 404
    indicator = project.indicators.first()
    assert client.post(reverse("evaluations:indicator_delete", args=[indicator.pk])).status_code == 404
    assert project.indicators.count() == 6


def test_reviewer_reads_but_cannot_write(client, reviewer, seed_001_projects):
    client.force_login(reviewer)
    project = seed_001_projects[0]
    page = client.get(targets_url(project))
    assert page.status_code == 200 and "添加指标" not in page.content.decode()
    assert client.post(targets_url(project), NEW).status_code == 403


def test_approved_filing_is_frozen(client, accountant, seed_001_projects):
    project = seed_001_projects[0]
    Filing.objects.filter(pk=project.filing_id).update(status=Filing.Status.APPROVED)
    client.force_login(accountant)
    assert "添加指标" not in client.get(targets_url(project)).content.decode()
    assert client.post(targets_url(project), NEW).status_code == 403


def test_anonymous_is_sent_to_login(client, seed_001_projects):
    response = client.get(targets_url(seed_001_projects[0]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_index_lists_own_projects_only(client, accountant, seed_001_projects, other_projects):
    client.force_login(accountant)
    page = client.get(reverse("evaluations:index")).content.decode()
    assert page.count("旅游旺季北戴河工作经费") == 1


def test_department_target_create(client, accountant, year_2020):
    client.force_login(accountant)
    response = client.post(
        reverse("evaluations:department_target_create"), {"fiscal_year": year_2020.pk, "overall_goal": "信访总量下降", "budget_amount": "10360300.00"}
    )
    target = DepartmentTarget.objects.get()
    assert response["Location"] == reverse("evaluations:targets", args=["department-targets", target.pk])
    assert target.budget_amount == Decimal("10360300.00")
