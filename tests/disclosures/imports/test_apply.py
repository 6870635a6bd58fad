"""Applying income and project sheets: upsert by natural key, amounts exact, project plans as percentages."""

from decimal import Decimal

import pytest

from disclosures.imports.apply import apply_rows
from disclosures.imports.context import ImportContext
from disclosures.imports.preview import preview_upload
from disclosures.imports.resources import UPLOAD_RESOURCES
from disclosures.models import IncomeLine, Project
from tests.disclosures.imports.helpers import filled_template, save

pytestmark = pytest.mark.django_db


def run(filing, kind, rows, tmp_path):
    path = save(filled_template(filing, kind, rows), tmp_path / f"{kind}.xlsx")
    preview = preview_upload(filing=filing, kind=kind, path=path, file_format="xlsx")
    assert preview.ok, preview.errors
    return apply_rows(
        resource=UPLOAD_RESOURCES[kind](),
        context=ImportContext.for_filing(filing),
        rows=[(row.number, row.values) for row in preview.data_rows],
        user=None,
    )


def test_income_upsert(filing, tmp_path):
    row = {"收入来源": "一般公共预算财政拨款", "年初预算数（元）": 3823100.00}
    summary = run(filing, "income", [row, {**row, "类别": "年初结转和结余", "年初预算数（元）": 0.5}], tmp_path)
    assert (summary.created, summary.updated) == (2, 0)
    summary = run(filing, "income", [{**row, "年初预算数（元）": 3823120}], tmp_path)
    assert (summary.created, summary.updated) == (0, 1)
    line = IncomeLine.objects.get(filing=filing, category="income")
    assert line.budget_amount == Decimal("3823120.00")
    assert IncomeLine.objects.get(filing=filing, category="opening").budget_amount == Decimal("0.50")


def test_projects_with_plan(filing, tmp_path):
    project = {
        "项目编码": "202-3202-YBN-67SQ",
        "项目名称": "信访工作经费",
        "全年预算数（元）": 649000,
        "其中财政拨款（元）": 649000,
        "3月底支出进度（%）": 25,
        "6月底支出进度（%）": "50%",
        "10月底支出进度（%）": 80.5,
        "12月底支出进度（%）": 100,
        "年度目标1": "按时办理信访事项。",
    }
    run(filing, "project", [project], tmp_path)
    saved = Project.objects.get(filing=filing)
    assert saved.budget_amount == Decimal("649000.00")
    assert [saved.plan_march, saved.plan_june, saved.plan_october, saved.plan_december] == [
        Decimal("25.00"),
        Decimal("50.00"),
        Decimal("80.50"),
        Decimal("100.00"),
    ]


def test_project_percent_and_fiscal_share_checked(filing, tmp_path):
    project = {"项目编码": "P1", "项目名称": "甲", "全年预算数（元）": 100, "其中财政拨款（元）": 200, "12月底支出进度（%）": 120}
    path = save(filled_template(filing, "project", [project]), tmp_path / "p.xlsx")
    preview = preview_upload(filing=filing, kind="project", path=path, file_format="xlsx")
    assert preview.errors == ["第3行“12月底支出进度（%）”：应在 0 到 100 之间"]
    project["12月底支出进度（%）"] = 100
    path = save(filled_template(filing, "project", [project]), tmp_path / "p.xlsx")
    preview = preview_upload(filing=filing, kind="project", path=path, file_format="xlsx")
    assert preview.errors == ["第3行“其中财政拨款（元）”：财政拨款不能超过项目预算数"]
