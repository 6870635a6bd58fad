import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("disclosure_figures", *args, stdout=out)
    return out.getvalue()


def test_text_prints_key_figures_in_wan():
    build_seed_003()
    text = run("--department", "茂县信访局", "--year", "2019", "--kind", "final", "--format", "text")
    assert "本年支出合计 382.31" in text
    assert "基本支出 317.41（人员经费 274.26，日常公用经费 43.16），项目支出 64.90" in text
    assert "  201 一般公共服务支出 302.75，预算 302.75，完成 100.0%" in text
    assert "    2010308 信访事务 34.50" in text
    assert "“三公”经费 5.07" in text and "公务接待 1.85" in text
    assert "机关运行经费 43.16" in text
    assert "中小企业 2.30（10.0%）" in text
    assert "与上年比 total：+72.14（23.3%）" in text


def test_json_output():
    build_seed_003()
    data = json.loads(run("--department", "茂县信访局", "--year", "2019", "--kind", "final", "--format", "json"))
    assert data["expense"]["basic"]["amount"] == "317.41"
    assert data["gpb"]["function_rows"][0]["code"] == "201"


def test_missing_filing_is_an_error():
    with pytest.raises(CommandError, match="没有找到"):
        run("--department", "茂县信访局", "--year", "2019", "--kind", "budget")
