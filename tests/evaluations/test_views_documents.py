"""evaluations.views.documents: the four published forms as xlsx (merged like the seeds) and PDF."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import services
from evaluations.scoring import evaluation_score

pytestmark = pytest.mark.django_db


def sheet(response):
    return load_workbook(BytesIO(response.content)).worksheets[0]


def cells(ws):
    return [c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")]


def test_targets_form_of_seed_001(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[0]
    response = client.get(reverse("evaluations:project_form", args=[project.pk, "xlsx"]))
    assert response.status_code == 200
    ws = sheet(response)
    values = cells(ws)
    assert values[:6] == ["项目绩效目标表", "（2020年度）", "项目编码", "202-3202-YBN-67SQ", "项目名称", "旅游旺季北戴河工作经费"]
    assert ["产出指标", "数量指标", "劝返率", "到北戴河人员及时劝返", "="] == values[values.index("产出指标") : values.index("产出指标") + 5]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A12:A14" in merged and "A15:A16" in merged  # 产出指标 spans its three indicators, as in the seed
    assert ws["F12"].value == 100 and ws["F12"].number_format == "0.00"


def test_formula_like_text_is_neutralised(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[0]
    project.purpose = '=HYPERLINK("http://x")'
    project.save()
    ws = sheet(client.get(reverse("evaluations:project_form", args=[project.pk, "xlsx"])))
    assert ws["B5"].value == project.purpose and ws["B5"].data_type == "s"


def test_department_form_of_seed_002(client, reviewer, seed_002_evaluation, django_capture_on_commit_callbacks):
    evaluation_score(evaluation=seed_002_evaluation)
    client.force_login(reviewer)
    url = reverse("evaluations:evaluation_form", args=[seed_002_evaluation.pk, "department", "xlsx"])
    ws = sheet(client.get(url))
    values = cells(ws)
    assert values[0] == "部门（单位）整体支出绩效自评表"
    row = values.index("年度总预算")
    assert [str(v) for v in values[row : row + 6]] == ["年度总预算", "1036.03", "596.68", "57.59%", "10", "5.76"]
    assert "产出指标（50分）" in values and "效益指标（30分）" in values
    assert "原表填报执行率得分 6" in values[-1]
    pdf_url = reverse("evaluations:evaluation_form", args=[seed_002_evaluation.pk, "department", "pdf"])
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post(pdf_url, follow=True)  # a PDF renders as a job (in-process here)
    pdf = client.get(f"{pdf_url}?job={job_page.context['job'].pk}&download=1")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_project_forms(client, accountant, seed_001_projects):
    client.force_login(accountant)
    evaluation = services.evaluation_start(owner=seed_001_projects[0], user=accountant)
    evaluation_score(evaluation=evaluation)
    for form in ("self-evaluation", "completion"):
        response = client.get(reverse("evaluations:evaluation_form", args=[evaluation.pk, form, "xlsx"]))
        assert response.status_code == 200
    values = cells(sheet(client.get(reverse("evaluations:evaluation_form", args=[evaluation.pk, "completion", "xlsx"]))))
    assert values[:2] == ["项目绩效目标完成情况表", "(2020 年度)"]
    assert "=100%（到北戴河人员及时劝返）" in values
    wrong = reverse("evaluations:evaluation_form", args=[evaluation.pk, "department", "xlsx"])
    assert client.get(wrong).status_code == 404


def test_other_department_404(client, outsider, seed_001_projects):
    client.force_login(outsider)
    assert client.get(reverse("evaluations:project_form", args=[seed_001_projects[0].pk, "pdf"])).status_code == 404
