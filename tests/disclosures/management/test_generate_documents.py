"""manage.py generate_documents: a filing's documents written to a directory by the generation job's own code."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from disclosures.models import FilingDocument
from disclosures.services.generation import filing_generate_documents
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_writes_the_documents_the_job_builds(tmp_path):
    filing = build_seed_003()
    out = tmp_path / "out" / "2019"
    call_command("generate_documents", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "--formats", "xlsx,html", "-o", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["茂县信访局2019年部门决算公开.html", "茂县信访局2019年部门决算公开.xlsx"]
    html = (out / "茂县信访局2019年部门决算公开.html").read_text(encoding="utf-8")
    assert "单位：万元" in html and "382.31" in html
    workbook = load_workbook(out / "茂县信访局2019年部门决算公开.xlsx")
    assert len(workbook.sheetnames) == 9
    # the same bytes as the generation job's HTML; the stored documents are not touched by the command
    assert not FilingDocument.objects.filter(filing=filing).exists()
    filing_generate_documents(filing=filing, formats=["html"])
    with FilingDocument.objects.get(filing=filing, format="html").file.open("rb") as handle:
        assert handle.read().decode("utf-8") == html


def test_department_code_and_a_filing_in_yuan_with_its_pdf(demo, tmp_path):
    """Seed 001 (山海关, 元): the PDF's tables say 单位：元 and print the 三公 145,950.50."""
    call_command("generate_documents", "--department", "130303-XFJ", "--year", "2020", "--kind", "budget", "--formats", "pdf", "-o", str(tmp_path))
    (pdf,) = tmp_path.glob("*.pdf")
    assert pdf.name == "山海关区信访局2020年部门预算公开.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "单位：元" in text and "单位：万元" not in text
    assert "145,950.50" in text and "“三公”经费预算数为145,950.50元" in text.replace("\n", "").replace(" ", "")


def test_missing_filing_is_a_chinese_error():
    build_seed_003()
    with pytest.raises(CommandError, match="没有找到茂县信访局2020年的部门决算填报。"):
        call_command("generate_documents", "--department", "茂县信访局", "--year", "2020", "--kind", "final", "-o", "/tmp/never")
    with pytest.raises(CommandError, match="格式“docx”无效"):
        call_command("generate_documents", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "--formats", "docx", "-o", "/tmp/never")
    assert not Path("/tmp/never").exists()


def test_exit_code_is_non_zero_when_the_filing_does_not_exist(tmp_path):
    """As a script sees it: a separate process on an empty database of its own."""
    database = tmp_path / "empty.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "CELERY_BROKER_URL": ""}
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, manage, "generate_documents", "--department", "不存在局", "--year", "2019", "--kind", "budget", "-o", str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "没有找到不存在局2019年的部门预算填报。" in result.stderr
    assert not (tmp_path / "out").exists()
