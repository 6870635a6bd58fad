"""export_filing / import_filing: a whole filing in one workbook, created from it and exported back identically."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from disclosures.models import (
    AuditEntry,
    Department,
    ExpenseLine,
    Filing,
    FiscalYear,
    IncomeLine,
    PriorYearFigure,
    Project,
    Unit,
)
from disclosures.services.catalog import catalog_load_starter
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db

SHEETS = ["填报", "单位", "收入", "项目", "支出", "三公数量", "政府采购", "资产", "上年数"]


@pytest.fixture
def seed_003(db):
    """Seed 003 (茂县信访局 2019 年部门决算) on the starter catalog, which carries the 对照表."""
    catalog_load_starter(fiscal_year=FiscalYear.objects.get_or_create(year=2019)[0])
    return build_seed_003(year=2019)


def cells(path):
    workbook = load_workbook(path)
    return {name: [[c.value for c in row] for row in workbook[name].iter_rows()] for name in SHEETS}


def remove(filing):
    department = filing.department
    filing.delete()
    Unit.objects.filter(department=department).delete()
    department.delete()


def test_round_trip(seed_003, tmp_path):
    first = tmp_path / "first.xlsx"
    call_command("export_filing", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "-o", str(first))
    exported = cells(first)
    assert load_workbook(first).sheetnames[: len(SHEETS)] == SHEETS
    assert exported["支出"][0][:2] == ["预算单位", "支出功能分类科目编码"]
    assert len(exported["支出"]) == 1 + ExpenseLine.objects.filter(filing=seed_003).count()
    expense_total = sum(Decimal(str(row[8])) for row in exported["支出"][1:])
    assert expense_total == Decimal("3823100.00")  # seed 003: 支出合计 382.31 万元

    remove(seed_003)
    call_command("import_filing", str(first))
    filing = Filing.objects.get(department__name="茂县信访局", fiscal_year__year=2019, kind="final")
    assert filing.reasons == {"change.total": "工资保险变动"}
    assert sum(ExpenseLine.objects.filter(filing=filing).values_list("actual_amount", flat=True)) == Decimal("3823100.00")
    assert sum(IncomeLine.objects.filter(filing=filing).values_list("actual_amount", flat=True)) == Decimal("3823100.00")
    # income by 功能分类 (收入决算表): the codes travel through the workbook
    assert IncomeLine.objects.filter(filing=filing, function_item__isnull=True).count() == 0
    assert IncomeLine.objects.get(filing=filing, function_item__code="2010350").actual_amount == Decimal("665800.00")
    assert Project.objects.filter(filing=filing).count() == 3
    assert filing.three_public_stats.reception_batches == 126
    assert PriorYearFigure.objects.filter(filing=filing).count() > 0
    assert ExpenseLine.objects.filter(filing=filing, gov_economic_item__isnull=True, dept_economic_item__isnull=False).count() == 0
    assert AuditEntry.objects.filter(filing=filing, action="导入Excel").count() == 1

    second = tmp_path / "second.xlsx"
    call_command("export_filing", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "-o", str(second))
    assert cells(second) == exported


def test_import_with_an_error_writes_nothing(seed_003, tmp_path):
    path = tmp_path / "filing.xlsx"
    call_command("export_filing", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "-o", str(path))
    remove(seed_003)
    workbook = load_workbook(path)
    workbook["支出"]["I3"] = "12,34a"
    workbook["项目"]["A4"] = workbook["项目"]["A2"].value  # a duplicate project code
    workbook.save(path)
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_filing", str(path))
    assert not Department.objects.filter(name="茂县信访局").exists()
    assert not Filing.objects.exists()


def test_export_unknown_filing(db):
    with pytest.raises(CommandError, match="没有找到"):
        call_command("export_filing", "--department", "没有的局", "--year", "2019", "--kind", "final", "-o", "/tmp/x.xlsx")


def test_arguments_override_the_info_sheet_and_locked_filings_are_refused(seed_003, tmp_path):
    path = tmp_path / "filing.xlsx"
    call_command("export_filing", "--department", "513223-XF", "--year", "2019", "--kind", "final", "-o", str(path))
    call_command("import_filing", str(path), "--department", "茂县信访局", "--year", "2019", "--kind", "budget")
    budget = Filing.objects.get(department=seed_003.department, kind="budget")
    assert budget.expense_lines.count() == seed_003.expense_lines.count()
    assert Unit.objects.filter(department=seed_003.department).count() == 2  # matched by code, not added again

    Filing.objects.filter(pk=budget.pk).update(status=Filing.Status.SUBMITTED)
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_filing", str(path), "--kind", "budget")


def test_round_trip_keeps_the_departments_province(seed_003, tmp_path):
    Department.objects.filter(pk=seed_003.department_id).update(province="四川")
    path = tmp_path / "filing.xlsx"
    call_command("export_filing", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "-o", str(path))
    info = cells(path)["填报"]
    assert info[0][2:4] == ["所属省份", "所属地区"] and info[1][2] == "四川"
    remove(seed_003)
    call_command("import_filing", str(path))
    assert Department.objects.get(name="茂县信访局").province == "四川"


def test_import_refuses_an_unknown_province(seed_003, tmp_path, capsys):
    path = tmp_path / "filing.xlsx"
    call_command("export_filing", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "-o", str(path))
    remove(seed_003)
    workbook = load_workbook(path)
    workbook["填报"]["C2"] = "四川省省"
    workbook.save(path)
    with pytest.raises(CommandError):
        call_command("import_filing", str(path))
    assert "“填报”表“所属省份”填写的“四川省省”不是省级行政区" in capsys.readouterr().err
    assert not Department.objects.filter(name="茂县信访局").exists()


def test_round_trip_keeps_the_amount_unit(seed_003, tmp_path):
    Filing.objects.filter(pk=seed_003.pk).update(amount_unit="yuan")
    path = tmp_path / "filing.xlsx"
    call_command("export_filing", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "-o", str(path))
    info = cells(path)["填报"]
    assert info[1][info[0].index("金额单位")] == "元"
    remove(seed_003)
    call_command("import_filing", str(path))
    assert Filing.objects.get(department__name="茂县信访局").amount_unit == "yuan"
    workbook = load_workbook(path)
    workbook["填报"].cell(row=2, column=info[0].index("金额单位") + 1).value = "千元"
    workbook.save(path)
    with pytest.raises(CommandError):
        call_command("import_filing", str(path))


def test_three_public_budget_round_trip(seed_003, tmp_path):
    """The 三公 预算数 entered per item travels in the 三公数量 sheet; an empty cell stays "not entered"."""
    stats = seed_003.three_public_stats
    stats.budget_vehicle_operation, stats.budget_reception = Decimal("32200.00"), Decimal("18500.00")
    stats.save()
    path = tmp_path / "filing.xlsx"
    call_command("export_filing", "--department", "茂县信访局", "--year", "2019", "--kind", "final", "-o", str(path))
    sheet = cells(path)["三公数量"]
    assert sheet[0][-4:] == ["因公出国（境）费预算数（元）", "公务用车购置费预算数（元）", "公务用车运行维护费预算数（元）", "公务接待费预算数（元）"]
    assert sheet[1][-4:] == [None, None, 32200, 18500]
    remove(seed_003)
    call_command("import_filing", str(path))
    stats = Filing.objects.get(department__name="茂县信访局", fiscal_year__year=2019, kind="final").three_public_stats
    assert (stats.budget_overseas, stats.budget_vehicle_purchase) == (None, None)
    assert (stats.budget_vehicle_operation, stats.budget_reception) == (Decimal("32200.00"), Decimal("18500.00"))
