"""新建填报 (disclosures.services.filings): an accountant creates the own department's filing of a year and
kind, the bureau every missing one; either may start from last year's filing (seed 003, 茂县信访局 2019
年部门决算: 28 expense lines, 3 projects, 支出合计 3,823,100.00 元)."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from disclosures.models import AuditEntry, CatalogItem, ExpenseLine, Filing, FiscalYear, IncomeLine, Project
from disclosures.services import filings

pytestmark = pytest.mark.django_db


def test_accountant_creates_an_empty_draft_of_the_own_department(accountant, department, catalog_2020):
    created = filings.filing_start(user=accountant, department=department, year=2020, kind="budget")
    filing = created.filing
    assert (filing.department, filing.fiscal_year.year, filing.kind, filing.version, filing.status) == (department, 2020, "budget", 1, "draft")
    assert created.report is None
    assert AuditEntry.objects.filter(filing=filing, action="创建填报", actor=accountant).count() == 1


@pytest.mark.parametrize("make_year", [False, True])
def test_a_year_without_catalog_is_refused_with_a_chinese_message(accountant, department, make_year):
    if make_year:
        FiscalYear.objects.create(year=2021)
    with pytest.raises(filings.CreateRefused) as refused:
        filings.filing_start(user=accountant, department=department, year=2021, kind="budget")
    assert refused.value.message.startswith("2021年的政府收支分类科目（支出功能分类、部门预算支出经济分类）尚未导入")
    assert not Filing.objects.exists()


def test_no_duplicate(accountant, department, catalog_2020):
    filings.filing_start(user=accountant, department=department, year=2020, kind="final")
    with pytest.raises(filings.CreateRefused, match="测试县信访局2020年部门决算已存在，不能重复创建"):
        filings.filing_start(user=accountant, department=department, year=2020, kind="final")
    assert Filing.objects.filter(department=department).count() == 1


def test_an_accountant_cannot_create_for_another_department(outsider, department, catalog_2020):
    with pytest.raises(filings.NotPermitted):
        filings.filing_start(user=outsider, department=department, year=2020, kind="budget")
    assert not Filing.objects.exists()


def test_copy_asked_without_last_years_filing_is_refused(accountant, department, catalog_2020):
    with pytest.raises(filings.CreateRefused, match="没有2019年的部门决算填报"):
        filings.filing_start(user=accountant, department=department, year=2020, kind="final", copy_from_last_year=True)


def test_copy_with_amounts_cleared(accountant, seed_filing, catalog_2020):
    created = filings.filing_start(user=accountant, department=seed_filing.department, year=2020, kind="final", copy_from_last_year=True)
    filing = created.filing
    lines = ExpenseLine.objects.filter(filing=filing)
    assert lines.count() == ExpenseLine.objects.filter(filing=seed_filing).count() == 28
    assert set(lines.values_list("function_item__fiscal_year__year", flat=True)) == {2020}
    assert set(lines.exclude(gov_economic_item=None).values_list("gov_economic_item__fiscal_year__year", flat=True)) == {2020}
    assert lines.aggregate(b=Sum("budget_amount"), a=Sum("actual_amount")) == {"b": Decimal("0.00"), "a": Decimal("0.00")}
    assert not lines.exclude(adjusted_amount=None).exists()
    assert list(Project.objects.filter(filing=filing).values_list("code", "budget_amount")) == [
        ("XF-01", Decimal("0.00")),
        ("XF-02", Decimal("0.00")),
        ("XF-03", Decimal("0.00")),
    ]
    # Project lines point at the copied projects, never at last year's.
    assert set(lines.exclude(project=None).values_list("project__filing", flat=True)) == {filing.pk}
    assert IncomeLine.objects.filter(filing=filing).count() == IncomeLine.objects.filter(filing=seed_filing).count()
    assert created.report.missing == [] and created.report.copied["支出明细"] == 28
    assert filing.duties == "负责处理群众来信来访。"
    assert AuditEntry.objects.filter(filing=filing, action="复制上年填报").count() == 1


def test_copy_keeping_amounts(accountant, seed_filing, catalog_2020):
    filing = filings.filing_start(
        user=accountant, department=seed_filing.department, year=2020, kind="final", copy_from_last_year=True, keep_amounts=True
    ).filing
    total = ExpenseLine.objects.filter(filing=filing).aggregate(a=Sum("actual_amount"))["a"]
    assert total == ExpenseLine.objects.filter(filing=seed_filing).aggregate(a=Sum("actual_amount"))["a"] == Decimal("3823100.00")
    assert Project.objects.get(filing=filing, code="XF-02").budget_amount == Decimal("250000.00")


def test_codes_missing_in_the_new_catalog_are_reported_and_not_copied(accountant, seed_filing, catalog_2020):
    CatalogItem.objects.filter(fiscal_year=catalog_2020, kind="function", code="2010350").delete()  # 事业运行
    CatalogItem.objects.filter(fiscal_year=catalog_2020, kind="dept_economic", code="30239").delete()  # 其他交通费用
    created = filings.filing_start(user=accountant, department=seed_filing.department, year=2020, kind="final", copy_from_last_year=True)
    report = created.report
    assert [(m.kind, m.code, m.lines) for m in report.missing] == [("dept_economic", "30239", 1), ("function", "2010350", 4)]
    # 3 expense lines of 2010350 and 1 of 30239; the fourth line of 2010350 is an income line.
    assert ExpenseLine.objects.filter(filing=created.filing).count() == 28 - 3 - 1
    assert IncomeLine.objects.filter(filing=created.filing).count() == IncomeLine.objects.filter(filing=seed_filing).count() - 1
    problems = report.problems()
    assert problems[0] == "部门预算支出经济分类30239 其他交通费用：2020年分类科目中没有该编码，1条明细未复制"
    assert "支出功能分类2010350 事业运行：2020年分类科目中没有该编码，4条明细未复制" in problems[1]
    assert "2010350" in AuditEntry.objects.get(filing=created.filing, action="复制上年填报").comment


def test_bureau_creates_every_missing_filing_once(reviewer, department, other_department, accountant, catalog_2020):
    filings.filing_start(user=accountant, department=department, year=2020, kind="budget")
    created = filings.filings_create_missing(user=reviewer, year=2020)
    assert sorted((c.filing.department.code, c.filing.kind) for c in created) == [("901", "final"), ("902", "budget"), ("902", "final")]
    assert filings.filings_create_missing(user=reviewer, year=2020) == []
    assert Filing.objects.filter(fiscal_year=catalog_2020).count() == 4


def test_bureau_copies_where_last_year_exists(reviewer, seed_filing, other_department, catalog_2020):
    created = filings.filings_create_missing(user=reviewer, year=2020, kinds=["final"], copy_from_last_year=True, keep_amounts=True)
    by_department = {c.filing.department_id: c for c in created}
    assert by_department[seed_filing.department_id].report.copied["支出明细"] == 28
    assert by_department[other_department.pk].report is None
    assert not ExpenseLine.objects.filter(filing=by_department[other_department.pk].filing).exists()


def test_only_the_bureau_creates_missing_filings(accountant, catalog_2020):
    with pytest.raises(filings.NotPermitted):
        filings.filings_create_missing(user=accountant, year=2020)


def test_years_with_catalog(catalog_2020, catalog_2021):
    FiscalYear.objects.create(year=2022)
    assert filings.years_with_catalog() == [2021, 2020]


def test_copy_hooks_get_the_copied_projects_in_the_copys_transaction(accountant, seed_filing, catalog_2020, monkeypatch):
    """What other apps keep per project follows through the registered copy hooks (evaluations registers
    the indicators'); what a hook cannot copy is reported with the codes, in the summary and the 操作记录."""
    seen = []

    def hook(copied: filings.ProjectsCopied) -> filings.HookCopied:
        seen.append({old: (new.pk, new.filing_id, new.code) for old, new in copied.projects.items()})
        assert copied.source == seed_filing and not copied.keep_amounts
        return filings.HookCopied(label="测试行", count=2, skipped=["测试行X：新年度不适用，未复制"])

    monkeypatch.setattr(filings, "COPY_HOOKS", {"test": filings.CopyHook(label="测试行", copy=hook)})
    created = filings.filing_start(user=accountant, department=seed_filing.department, year=2020, kind="final", copy_from_last_year=True)
    old_projects = dict(Project.objects.filter(filing=seed_filing).values_list("pk", "code"))
    assert {old: code for old, (_, _, code) in seen[0].items()} == old_projects
    assert {(pk, filing_id) for pk, filing_id, _ in seen[0].values()} == set(
        Project.objects.filter(filing=created.filing).values_list("pk", "filing_id")
    )
    report = created.report
    assert "项目3、测试行2、支出明细28" in report.summary()
    assert report.problems() == ["测试行X：新年度不适用，未复制"] and report.code_problems() == []
    assert "测试行X：新年度不适用，未复制" in AuditEntry.objects.get(filing=created.filing, action="复制上年填报").comment


def test_a_failing_copy_hook_leaves_no_filing(accountant, seed_filing, catalog_2020, monkeypatch):
    def hook(copied):
        raise RuntimeError("hook failed")

    monkeypatch.setattr(filings, "COPY_HOOKS", {"test": filings.CopyHook(label="测试行", copy=hook)})
    with pytest.raises(RuntimeError):
        filings.filing_start(user=accountant, department=seed_filing.department, year=2020, kind="final", copy_from_last_year=True)
    assert not Filing.objects.filter(fiscal_year=catalog_2020).exists()
    assert not Project.objects.exclude(filing=seed_filing).exists()
