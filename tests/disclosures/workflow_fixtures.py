"""Fixtures of the workflow, bureau and public tests: seed 003 (茂县信访局 2019 年部门决算) in each status.

Import the fixtures a test module needs: `from tests.disclosures.workflow_fixtures import *  # noqa`.
The filing belongs to the shared `department` fixture, so `accountant` files for it and `outsider`
does not. Seed 003's project list (64.5 万元) disagrees with its 项目支出 (64.90 万元); `clean_filing`
corrects the third project so the checks pass, `seed_filing` keeps the published mistake.
"""

from decimal import Decimal

import pytest

from disclosures.models import Project
from disclosures.services import workflow
from tests.disclosures.seed003 import build_seed_003

__all__ = [
    "seed_filing",
    "clean_filing",
    "submitted_filing",
    "returned_filing",
    "approved_filing",
    "published_filing",
]


@pytest.fixture
def seed_filing(department):
    department.name = "茂县信访局"
    department.save()
    return build_seed_003(department=department, year=2019)


@pytest.fixture
def clean_filing(seed_filing):
    """Seed 003 with the project list made to agree with the 项目支出 lines (64.90 万元)."""
    Project.objects.filter(filing=seed_filing, code="XF-03").update(
        budget_amount=Decimal("169000.00"), actual_amount=Decimal("169000.00"), fiscal_amount=Decimal("169000.00")
    )
    return seed_filing


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


@pytest.fixture
def published_filing(approved_filing, reviewer):
    return workflow.filing_publish(filing=approved_filing, user=reviewer)
