"""The performance-targets import has the filing upload's limits.

Before: no size limit (a 60 MB file was read), no bound on the number of indicators (20,000 were
accepted and then made the evaluation PDF render for over 10 minutes), and the xlsx was read by
openpyxl without the bomb checks.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from evaluations import services
from evaluations.imports import HEADERS
from tests.hardening import bombs

pytestmark = pytest.mark.django_db
ROW = ["产出指标", "数量指标", "补助人数", "", ">=", 90, "人", "", ""]


def targets_file(count: int, *, padding: int = 0) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for number in range(count):
        sheet.append([*ROW[:2], f"{ROW[2]}{number}", *ROW[3:]])
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("targets.xlsx", out.getvalue() + b"\x00" * padding)


@pytest.fixture
def url(client, accountant, seed_001_projects):
    client.force_login(accountant)
    return reverse("evaluations:targets_import", args=["projects", seed_001_projects[3].pk])


def test_file_above_the_upload_limit_is_refused_before_reading(client, url, settings):
    settings.MAX_UPLOAD_BYTES = 8 * 1024
    response = client.post(url, {"file": targets_file(3, padding=10 * 1024)})
    assert response.status_code == 413
    assert "文件太大：不能超过 0 MB。" in response.content.decode() or "文件太大" in response.content.decode()
    assert response.context["preview"] is None
    assert not any(key.startswith("evaluations-targets-import") for key in client.session.keys())


def test_more_indicators_than_the_limit_are_refused(client, url, settings, seed_001_projects):
    settings.EVALUATION_MAX_INDICATORS = 50
    response = client.post(url, {"file": targets_file(51)})
    assert response.context["preview"].errors == ["指标超过 50 个的上限（第52行起），请精简绩效指标后再上传。"]
    assert 'name="confirm"' not in response.content.decode()
    response = client.post(url, {"file": targets_file(50)})
    assert response.context["preview"].ok


def test_the_service_refuses_an_indicator_beyond_the_limit(settings, seed_001_projects, accountant):
    project = seed_001_projects[3]
    settings.EVALUATION_MAX_INDICATORS = project.indicators.count()
    with pytest.raises(ValidationError) as error:
        services.indicator_save(
            owner=project,
            user=accountant,
            data={
                "level1": "output",
                "level2": "quantity",
                "name": "再一个",
                "comparator": "ge",
                "target_value": 1,
                "unit": "人",
            },
        )
    assert f"绩效指标最多 {settings.EVALUATION_MAX_INDICATORS} 个" in str(error.value)


def test_a_zip_bomb_is_refused_naming_the_limit(client, url, tmp_path):
    path = bombs.empty_rows_bomb(tmp_path / "targets.xlsx", 20)
    response = client.post(url, {"file": SimpleUploadedFile("targets.xlsx", path.read_bytes())})
    assert "压缩比" in response.content.decode() and "100:1 的上限" in response.content.decode()
