"""Fixtures of the workflow, bureau and public tests: seed 003 (茂县信访局 2019 年部门决算) in each status.

Loaded for the whole suite by tests/conftest.py (pytest_plugins); import the helpers (`publish`,
`make_clean`, `STAND_IN_PDF`) by name. The filing belongs to the shared `department` fixture, so `accountant` files for it and `outsider`
does not. Seed 003's project list (64.5 万元) disagrees with its 项目支出 (64.90 万元); `clean_filing`
corrects the third project so the checks pass, `seed_filing` keeps the published mistake.
"""

from decimal import Decimal

import pytest

from disclosures.models import ExpenseLine, Project
from disclosures.services import workflow
from tests.conftest import STAND_IN_PDF, publication_jobs_run
from tests.disclosures.seed003 import build_seed_003

__all__ = [
    "make_clean",
    "seed_filing",
    "clean_filing",
    "submitted_filing",
    "returned_filing",
    "approved_filing",
    "published_filing",
    "publish",
    "approved_correction",
    "STAND_IN_PDF",
]


@pytest.fixture
def seed_filing(department):
    department.name = "茂县信访局"
    department.save()
    return build_seed_003(department=department, year=2019)


def make_clean(filing):
    """Correct seed 003's two mistakes the checks block: the project list is made to agree with the
    项目支出 lines (64.90 万元), and every project gets the 效益 indicator the seed lacks next to its
    产出 (召开视频会议4次) and 满意度 (≥90%) indicators; the reasons of the seed's text are filled in."""
    from evaluations.models import Indicator

    Project.objects.filter(filing=filing, code="XF-03").update(
        budget_amount=Decimal("169000.00"), actual_amount=Decimal("169000.00"), fiscal_amount=Decimal("169000.00")
    )
    for project in Project.objects.filter(filing=filing):
        Indicator.objects.bulk_create(
            [
                Indicator(
                    project=project, level1="output", level2="quantity", name="召开视频会议次数", comparator="ge", target_value=4, unit="次", order=1
                ),
                Indicator(
                    project=project,
                    level1="effect",
                    level2="social",
                    name="推动信访工作信息化",
                    comparator="qualitative",
                    target_text="有所推动",
                    order=2,
                ),
                Indicator(
                    project=project,
                    level1="satisfaction",
                    level2="satisfaction",
                    name="群众满意度",
                    comparator="ge",
                    target_value=90,
                    unit="%",
                    order=3,
                ),
            ]
        )
    # The reasons seed 003 gives for its changes against 2018, so the text has no 【待填写】 left.
    filing.reasons = {
        **filing.reasons,
        "change.fiscal_total": "工资保险变动",
        "change.gpb_expense": "工资、保险变动",
        "change.operating_costs": "厉行勤俭节约，出差下乡减少",
    }
    filing.save(update_fields=["reasons"])
    return filing


@pytest.fixture
def clean_filing(seed_filing):
    return make_clean(seed_filing)


@pytest.fixture
def submitted_filing(clean_filing, accountant):
    return workflow.filing_submit(filing=clean_filing, user=accountant)


@pytest.fixture
def returned_filing(submitted_filing, reviewer):
    return workflow.filing_return(
        filing=submitted_filing, user=reviewer, comments=[("表7 一般公共预算财政拨款“三公”经费支出决算表", "请说明公务接待费下降原因")]
    )


@pytest.fixture
def approved_filing(submitted_filing, reviewer):
    return workflow.filing_approve(filing=submitted_filing, user=reviewer)


def publish(filing, user):
    """Publish as the bureau does, then run the publication job the commit would send (publication_jobs_run)."""
    with publication_jobs_run():
        workflow.filing_publish(filing=filing, user=user)
    filing.refresh_from_db()
    return filing


@pytest.fixture
def published_filing(approved_filing, reviewer, settings, tmp_path):
    """Published, with its publication's documents (xlsx, HTML, stand-in PDF) frozen under a temp MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return publish(approved_filing, reviewer)


def approved_correction(filing, accountant, reviewer):
    """The published filing's correction 公务接待费应为1.35万元 (30217 at 13,500.00 元, 30201 at 96,550.00 元
    so that the totals stand), submitted and approved."""
    correction = workflow.filing_correct(filing=filing, user=accountant, note="公务接待费应为1.35万元")
    ExpenseLine.objects.filter(filing=correction, dept_economic_item__code="30217").update(
        actual_amount=Decimal("13500.00"), budget_amount=Decimal("13500.00")
    )
    ExpenseLine.objects.filter(filing=correction, dept_economic_item__code="30201").update(
        actual_amount=Decimal("96550.00"), budget_amount=Decimal("96550.00")
    )
    workflow.filing_submit(filing=correction, user=accountant)
    return workflow.filing_approve(filing=correction, user=reviewer)
