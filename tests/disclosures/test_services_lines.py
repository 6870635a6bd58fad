"""The line write services, and the database triggers that keep a line's catalog codes in its filing's year."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disclosures.models import (
    AuditEntry,
    CatalogItem,
    ExpenseKind,
    ExpenseLine,
    Filing,
    FundingSource,
    IncomeLine,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.services import lines
from disclosures.services.catalog import catalog_load_starter

F, D = CatalogItem.Kind.FUNCTION, CatalogItem.Kind.DEPT_ECONOMIC


@pytest.fixture
def catalogs(year_2019, year_2020):
    catalog_load_starter(fiscal_year=year_2019)
    catalog_load_starter(fiscal_year=year_2020)
    return {2019: year_2019, 2020: year_2020}


def code(year, kind, value):
    return CatalogItem.objects.get(fiscal_year=year, kind=kind, code=value)


@pytest.fixture
def filing(catalogs, department):
    department.duties = "受理信访事项。"
    department.organisation = "下属事业单位1个。"
    department.save()
    return lines.filing_create(department=department, fiscal_year=catalogs[2020], kind=Filing.Kind.BUDGET)


@pytest.fixture
def main_unit(department):
    return department.units.get(is_main=True)


@pytest.fixture
def institution(department):
    return Unit.objects.create(department=department, code="901002", name="群众接待中心", nature=Unit.Nature.PUBLIC_INSTITUTION)


def new_line(filing, unit, function="2010301", economic="30101", kind=ExpenseKind.PERSONNEL, amount="1305160.00", **extra):
    year = filing.fiscal_year
    return ExpenseLine(
        filing=filing,
        unit=unit,
        function_item=code(year, F, function),
        dept_economic_item=code(year, D, economic) if economic else None,
        expense_kind=kind,
        budget_amount=Decimal(amount),
        **extra,
    )


def test_filing_create_copies_texts_and_creates_three_public_stats(filing, department, catalogs):
    assert (filing.version, filing.status) == (1, Filing.Status.DRAFT)
    assert (filing.duties, filing.organisation) == ("受理信访事项。", "下属事业单位1个。")
    assert ThreePublicStats.objects.filter(filing=filing).count() == 1
    assert AuditEntry.objects.filter(filing=filing, action="创建填报").exists()
    with pytest.raises(ValidationError, match="测试县信访局2020年部门预算已存在"):
        lines.filing_create(department=department, fiscal_year=catalogs[2020], kind="budget")


def test_expense_line_derives_gov_economic_item_by_unit_nature(filing, main_unit, institution):
    line = lines.expense_line_save(line=new_line(filing, main_unit))
    assert line.gov_economic_item.code == "50101"
    assert line.gov_economic_item.fiscal_year == filing.fiscal_year
    centre = lines.expense_line_save(line=new_line(filing, institution, function="2010350", amount="665800.00"))
    assert centre.gov_economic_item.code == "50501"
    car = lines.expense_line_save(line=new_line(filing, main_unit, economic="30231", kind=ExpenseKind.PUBLIC, amount="32200.00"))
    assert car.gov_economic_item.code == "50208"
    # Changing the economic code re-derives the mapping.
    car.dept_economic_item = code(filing.fiscal_year, D, "30217")
    lines.expense_line_save(line=car)
    car.refresh_from_db()
    assert car.gov_economic_item.code == "50206"


def test_project_line_without_economic_code_has_no_gov_item(filing, main_unit):
    project = lines.project_save(project=Project(filing=filing, code="P1", name="信访维稳工作经费", budget_amount=Decimal("165000.00")))
    line = lines.expense_line_save(
        line=new_line(filing, main_unit, function="2010308", economic=None, kind=ExpenseKind.PROJECT, amount="165000.00", project=project)
    )
    assert line.gov_economic_item is None and line.project == project


def test_codes_of_another_year_are_refused_with_a_chinese_message(filing, main_unit, catalogs):
    line = new_line(filing, main_unit)
    line.function_item = code(catalogs[2019], F, "2010301")
    line.dept_economic_item = code(catalogs[2019], D, "30101")
    with pytest.raises(ValidationError) as caught:
        lines.expense_line_save(line=line)
    errors = caught.value.message_dict
    assert errors["function_item"] == ["支出功能分类科目“2010301 行政运行”属于2019年分类科目，与本填报年度（2020年）不一致，请选择2020年的科目。"]
    assert "属于2019年分类科目" in errors["dept_economic_item"][0]
    assert not ExpenseLine.objects.exists()


def test_function_code_must_be_a_xiang_and_economic_code_a_kuan(filing, main_unit):
    line = new_line(filing, main_unit)
    line.function_item = code(filing.fiscal_year, F, "20103")
    line.dept_economic_item = code(filing.fiscal_year, D, "301")
    with pytest.raises(ValidationError) as caught:
        lines.expense_line_save(line=line)
    assert caught.value.message_dict["function_item"] == ["支出功能分类应填到项（7位编码），“20103 政府办公厅（室）及相关机构事务”是5位编码。"]
    assert caught.value.message_dict["dept_economic_item"] == ["部门预算支出经济分类应填到款（5位编码），“301 工资福利支出”是3位编码。"]
    line = new_line(filing, main_unit)
    line.function_item = code(filing.fiscal_year, D, "30101")
    with pytest.raises(ValidationError, match="不是支出功能分类科目"):
        lines.expense_line_save(line=line)


def test_unit_must_belong_to_the_department_and_project_to_the_filing(filing, main_unit, other_department, catalogs):
    stranger = other_department.units.get()
    with pytest.raises(ValidationError, match="预算单位“测试县教育局”不属于测试县信访局"):
        lines.expense_line_save(line=new_line(filing, stranger))
    other_filing = lines.filing_create(department=filing.department, fiscal_year=catalogs[2020], kind=Filing.Kind.FINAL)
    foreign_project = lines.project_save(project=Project(filing=other_filing, code="X", name="别的填报的项目"))
    with pytest.raises(ValidationError, match="项目“X 别的填报的项目”不属于本填报"):
        lines.expense_line_save(line=new_line(filing, main_unit, economic=None, kind=ExpenseKind.PROJECT, project=foreign_project))
    own = lines.project_save(project=Project(filing=filing, code="P", name="本填报项目"))
    with pytest.raises(ValidationError, match="只有项目支出可以关联项目"):
        lines.expense_line_save(line=new_line(filing, main_unit, project=own))


def test_missing_mapping_is_refused(filing, main_unit):
    item = code(filing.fiscal_year, D, "30101")
    CatalogItem.objects.filter(pk=item.pk).update(gov_economic=None)
    with pytest.raises(ValidationError, match="没有对应的政府预算经济分类科目"):
        lines.expense_line_save(line=new_line(filing, main_unit))


def test_model_rules_are_checked_by_full_clean(filing, main_unit):
    with pytest.raises(ValidationError, match="基本支出必须填写部门预算经济分类科目"):
        lines.expense_line_save(line=new_line(filing, main_unit, economic=None))
    lines.expense_line_save(line=new_line(filing, main_unit))
    with pytest.raises(ValidationError, match="支出明细重复"):
        lines.expense_line_save(line=new_line(filing, main_unit))
    with pytest.raises(ValidationError):
        lines.expense_line_save(line=new_line(filing, main_unit, economic="30102", amount="-1.00"))


@pytest.mark.parametrize("status", [Filing.Status.SUBMITTED, Filing.Status.APPROVED, Filing.Status.PUBLISHED])
def test_locked_filings_refuse_changes_from_everyone(filing, main_unit, status, reviewer):
    line = lines.expense_line_save(line=new_line(filing, main_unit))
    Filing.objects.filter(pk=filing.pk).update(status=status)
    filing.refresh_from_db()
    line.filing = filing
    line.budget_amount = Decimal("1.00")
    with pytest.raises(ValidationError, match="不能修改；只有草稿或已退回的填报可以修改"):
        lines.expense_line_save(line=line)
    with pytest.raises(ValidationError, match="不能修改"):
        lines.income_line_save(line=IncomeLine(filing=filing, unit=main_unit, source=FundingSource.GENERAL_PUBLIC_BUDGET))
    with pytest.raises(ValidationError, match="不能修改"):
        lines.project_save(project=Project(filing=filing, code="P", name="项目"))
    with pytest.raises(ValidationError, match="不能修改"):
        lines.line_delete(line=line)
    assert ExpenseLine.objects.get(pk=line.pk).budget_amount == Decimal("1305160.00")


def test_returned_filing_is_editable(filing, main_unit):
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.RETURNED)
    filing.refresh_from_db()
    assert lines.expense_line_save(line=new_line(filing, main_unit)).pk


def test_income_line_and_filing_items(filing, main_unit, other_department):
    income = lines.income_line_save(
        line=IncomeLine(filing=filing, unit=main_unit, source=FundingSource.GENERAL_PUBLIC_BUDGET, budget_amount=Decimal("3823120.00"))
    )
    assert income.pk
    with pytest.raises(ValidationError, match="不属于测试县信访局"):
        lines.income_line_save(line=IncomeLine(filing=filing, unit=other_department.units.get(), source=FundingSource.OTHER))
    procurement = lines.filing_item_save(
        item=Procurement(filing=filing, category="goods", actual_amount=Decimal("230000.00"), sme_amount=Decimal("23000.00"))
    )
    with pytest.raises(ValidationError):
        procurement.micro_amount = Decimal("30000.00")  # more than the SME share
        lines.filing_item_save(item=procurement)
    lines.line_delete(line=income)
    assert not IncomeLine.objects.filter(pk=income.pk).exists()
    with pytest.raises(ValidationError, match="不能删除"):
        lines.line_delete(line=filing.three_public_stats)


def test_deleting_a_project_keeps_its_lines_unlinked(filing, main_unit):
    project = lines.project_save(project=Project(filing=filing, code="P", name="项目"))
    line = lines.expense_line_save(line=new_line(filing, main_unit, economic=None, kind=ExpenseKind.PROJECT, project=project))
    lines.line_delete(line=project)
    line.refresh_from_db()
    assert line.project is None


# ---------------------------------------------------------------- the database layer, bypassing the service


def test_database_refuses_a_line_with_codes_of_another_year(filing, main_unit, catalogs):
    line = new_line(filing, main_unit)
    line.gov_economic_item = code(catalogs[2020], CatalogItem.Kind.GOV_ECONOMIC, "50101")
    line.function_item = code(catalogs[2019], F, "2010301")
    with pytest.raises(IntegrityError, match="another fiscal year"), transaction.atomic():
        line.save()
    for field, kind, value in (("dept_economic_item", D, "30101"), ("gov_economic_item", CatalogItem.Kind.GOV_ECONOMIC, "50101")):
        line = new_line(filing, main_unit)
        setattr(line, field, code(catalogs[2019], kind, value))
        with pytest.raises(IntegrityError), transaction.atomic():
            ExpenseLine.objects.bulk_create([line])
    assert not ExpenseLine.objects.exists()


def test_database_refuses_an_update_to_another_years_code(filing, main_unit, catalogs):
    line = lines.expense_line_save(line=new_line(filing, main_unit))
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpenseLine.objects.filter(pk=line.pk).update(function_item=code(catalogs[2019], F, "2010301"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Filing.objects.filter(pk=filing.pk).update(fiscal_year=catalogs[2019])
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogItem.objects.filter(pk=line.function_item_id).update(fiscal_year=catalogs[2019])
    line.refresh_from_db()
    assert line.function_item.fiscal_year == catalogs[2020]
    # Same-year changes pass.
    ExpenseLine.objects.filter(pk=line.pk).update(function_item=code(catalogs[2020], F, "2010350"))
