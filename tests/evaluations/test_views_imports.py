"""evaluations.views.imports: template with commented headers, preview with Chinese errors, all-or-nothing apply."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from evaluations.imports import HEADERS

pytestmark = pytest.mark.django_db


def workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("targets.xlsx", out.getvalue())


GOOD = [
    ["产出指标", "时效指标", "补助覆盖率", "以补助人数占应补助人数的比率", ">=", 90, "%", "", ""],
    ["效果指标", "经济效益指标", "补助金发放率", "实际发放补助金额占计划发放比率", ">=", 90.0, "     %", "", ""],
    ["满意度指标", "服务对象满意度指标", "服务对象满意度", "相关人员对补助发放工作满意度", "定性", "基本满意", "", "", ""],
]


def test_template_has_commented_chinese_headers(client, accountant):
    client.force_login(accountant)
    ws = load_workbook(BytesIO(client.get(reverse("evaluations:targets_template")).content))["绩效指标"]
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.comment and c.comment.text for c in ws[1])


def test_preview_then_apply_replaces_all(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[3]
    url = reverse("evaluations:targets_import", args=["projects", project.pk])
    page = client.post(url, {"file": workbook(GOOD)})
    assert page.context["preview"].ok and "确认导入 3 个指标" in page.content.decode()
    assert project.indicators.count() == 3 and project.indicators.filter(unit="     %").exists()  # nothing written yet
    assert client.post(url, {"confirm": "1"}).status_code == 302
    units = list(project.indicators.values_list("name", "unit", "comparator"))
    assert units == [("补助覆盖率", "%", "ge"), ("补助金发放率", "%", "ge"), ("服务对象满意度", "", "qualitative")]


def test_errors_named_by_row_and_column_and_nothing_applied(client, accountant, seed_001_projects):
    client.force_login(accountant)
    project = seed_001_projects[0]
    bad = GOOD + [
        ["产出指标", "社会效益指标", "x", "", "≥", 95, "%", "", ""],
        ["满意度指标", "服务对象满意度指标", "y", "", "≥", 150, "%", "", ""],
        ["产出指标", "数量指标", "z", "", "约等于", "abc", "", "", ""],
    ]
    page = client.post(reverse("evaluations:targets_import", args=["projects", project.pk]), {"file": workbook(bad)})
    errors = [e for row in page.context["preview"].rows for e in row.errors]
    assert "第5行“二级指标”列：产出指标的二级指标只能是：数量指标、质量指标、时效指标、成本指标。" in errors
    assert "第6行“指标值”列：单位为%时，指标值应在 0 到 100 之间。" in errors
    assert "第7行“符号”列：“约等于”应为 = ≥ ≤ > < 或 定性" in errors
    assert client.post(reverse("evaluations:targets_import", args=["projects", project.pk]), {"confirm": "1"}).status_code == 302
    assert project.indicators.count() == 6


def test_not_an_xlsx(client, accountant, seed_001_projects):
    client.force_login(accountant)
    page = client.post(
        reverse("evaluations:targets_import", args=["projects", seed_001_projects[0].pk]), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert page.status_code == 400 and page.context["preview"] is None
    assert "只能上传 .xlsx 文件" in page.content.decode()


def test_other_department_and_reviewer(client, outsider, reviewer, seed_001_projects):
    url = reverse("evaluations:targets_import", args=["projects", seed_001_projects[0].pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
