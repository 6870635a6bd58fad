"""A repeated expense line is refused by the database on every backend, also when it has no project."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disclosures.models import ExpenseLine


@pytest.fixture
def project_line(demo):
    line = ExpenseLine.objects.filter(expense_kind="project", project__isnull=True).select_related("filing").first()
    assert line is not None
    return line


def twin(line: ExpenseLine) -> ExpenseLine:
    return ExpenseLine(
        filing=line.filing,
        unit=line.unit,
        function_item=line.function_item,
        dept_economic_item=line.dept_economic_item,
        expense_kind=line.expense_kind,
        funding_source=line.funding_source,
        project=None,
        budget_amount=line.budget_amount,
    )


def test_database_refuses_a_twin_without_project(project_line):
    with pytest.raises(IntegrityError), transaction.atomic():
        twin(project_line).save()


def test_validation_names_the_duplicate_in_chinese(project_line):
    with pytest.raises(ValidationError) as excinfo:
        twin(project_line).full_clean()
    assert "支出明细重复" in str(excinfo.value)
