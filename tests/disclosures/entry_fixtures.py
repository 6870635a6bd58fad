"""Fixtures of the data-entry tests (admin, workspace, upload): a 2020 budget filing with the starter catalog.

Loaded for the whole suite by tests/conftest.py (pytest_plugins); import the helpers (`item`) by name. The
accountant (shared `accountant` fixture) is put in the 部门填报人 group with the model permissions the
demo gives it; `outsider` files for another department.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, FiscalYear, Unit
from disclosures.services import lines
from disclosures.services.catalog import catalog_load_starter

__all__ = [
    "catalog_2020",
    "catalog_2019",
    "entry_group",
    "filing",
    "other_filing",
    "expense_line",
    "item",
    "ENTRY_MODELS",
]

ENTRY_MODELS = (
    "filing",
    "expenseline",
    "incomeline",
    "project",
    "procurement",
    "assetholding",
    "threepublicstats",
    "prioryearfigure",
)
VIEW_ONLY_MODELS = ("catalogitem", "fiscalyear", "department", "unit", "reviewcomment", "auditentry")


@pytest.fixture
def catalog_2020(db):
    year = FiscalYear.objects.get_or_create(year=2020)[0]
    catalog_load_starter(fiscal_year=year)
    return year


@pytest.fixture
def catalog_2019(db):
    year = FiscalYear.objects.get_or_create(year=2019)[0]
    catalog_load_starter(fiscal_year=year)
    return year


@pytest.fixture
def catalog_2021(db):
    year = FiscalYear.objects.get_or_create(year=2021)[0]
    catalog_load_starter(fiscal_year=year)
    return year


@pytest.fixture
def entry_group(db, accountant, outsider):
    group, _ = Group.objects.get_or_create(name="部门填报人")
    codenames = [f"{action}_{model}" for model in ENTRY_MODELS for action in ("view", "add", "change", "delete")]
    codenames += [f"view_{model}" for model in VIEW_ONLY_MODELS]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="disclosures", codename__in=codenames)
        | Permission.objects.filter(content_type__app_label="jobs", codename="view_job")
    )
    accountant.groups.add(group)
    outsider.groups.add(group)
    return group


def item(year, kind, code) -> CatalogItem:
    return CatalogItem.objects.get(fiscal_year=year, kind=kind, code=code)


@pytest.fixture
def filing(catalog_2020, department, entry_group):
    department.name = "茂县信访局"
    department.save()
    return lines.filing_create(department=department, fiscal_year=catalog_2020, kind="budget")


@pytest.fixture
def other_filing(catalog_2020, other_department, entry_group):
    return lines.filing_create(department=other_department, fiscal_year=catalog_2020, kind="budget")


@pytest.fixture
def expense_line(filing, catalog_2020):
    line = ExpenseLine(
        filing=filing,
        unit=Unit.objects.get(department=filing.department, is_main=True),
        function_item=item(catalog_2020, "function", "2010301"),
        dept_economic_item=item(catalog_2020, "dept_economic", "30101"),
        expense_kind=ExpenseKind.PERSONNEL,
        budget_amount=Decimal("1036.03"),
    )
    return lines.expense_line_save(line=line)
