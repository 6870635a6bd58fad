"""The built-in checks on seed 003 and on small variations of it."""

from decimal import Decimal

import pytest

from disclosures.checks import ERROR, WARNING, Location, Problem, register, registered_checks, run_checks, unregister
from disclosures.models import (
    CatalogItem,
    ExpenseKind,
    ExpenseLine,
    Filing,
    IncomeLine,
    PriorYearFigure,
    Procurement,
    Project,
    ThreePublicStats,
)
from disclosures.money import from_wan
from evaluations.models import DepartmentTarget, RuleSet, SelfEvaluation
from tests.disclosures.seed003 import build_seed_003

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing():
    return build_seed_003()


def findings(filing, check: str):
    return [f for f in run_checks(filing=filing).findings if f.check == check]


def builtin_keys() -> set[str]:
    return {c.key for c in registered_checks() if c.function.__module__ == "disclosures.checks.builtin"}


def test_seed_003_projects_64_5_against_project_expense_64_90(filing):
    report = run_checks(filing=filing)
    assert not report.ok
    assert [f.check for f in report.errors if f.check in builtin_keys()] == ["projects_total"]
    [error] = [f for f in report.errors if f.check == "projects_total"]
    assert "所列3个项目的决算数合计64.50万元，而支出明细中的项目支出为64.90万元，相差0.40万元。" in error.message
    unattributed = ExpenseLine.objects.get(filing=filing, function_item__code="2130599")
    assert error.location.line_id == unattributed.pk
    assert f"支出明细#{unattributed.pk}（2130599 其他扶贫支出，0.40万元）恰好等于差额" in error.message
    assert "补录项目" in error.fix


def test_rounding_of_basic_expense_is_a_warning_that_explains_itself(filing):
    warnings = findings(filing, "basic_split_rounding")
    assert {w.severity for w in warnings} == {WARNING}
    assert warnings[0].location.table == "支出决算表"
    assert "公开为317.41万元，而人员经费274.26万元＋日常公用经费43.16万元＝317.42万元，相差-0.01万元" in warnings[0].message
    assert "按元计算两者相等（3174100.00元＝2742550.00元＋431550.00元）" in warnings[0].message
    assert "四舍五入" in warnings[0].fix


def test_balance_error_names_both_sides(filing):
    assert findings(filing, "balance") == []
    line = IncomeLine.objects.get(filing=filing, function_item__code="2010301")
    line.actual_amount -= from_wan("2.31")
    line.save()
    [error] = findings(filing, "balance")
    assert error.severity == ERROR
    assert "收入总计380.00万元" in error.message and "支出总计382.31万元" in error.message
    assert "相差-23100.00元" in error.message


def test_class_equals_sum_of_its_items_on_printed_figures(filing):
    """Seed 003 as published has no 尾差 in its tables; moving 0.50 元 between two 项 makes the 款 20103 print
    297.76 while its 项 print 297.77, in 公开03 and 公开05."""
    assert findings(filing, "table_rounding") == []
    ExpenseLine.objects.filter(filing=filing, function_item__code="2010302").update(actual_amount=Decimal("230050.00"))
    ExpenseLine.objects.filter(filing=filing, function_item__code="2010308").update(actual_amount=Decimal("345050.00"))
    warnings = findings(filing, "table_rounding")
    assert {w.severity for w in warnings} == {WARNING}
    gpb = next(w for w in warnings if w.location.table == "表5 一般公共预算财政拨款支出决算表" and w.location.cell.endswith("本年支出/小计"))
    assert gpb.message == (
        "“20103 政府办公厅（室）及相关机构事务 · 本年支出/小计”公开为297.76万元，其各分项按公开数相加为297.77万元，相差-0.01万元（按元计算相等）。"
    )
    assert "已在表下自动注明" in gpb.fix
    assert {(w.location.table, w.location.cell) for w in warnings} == {
        ("表3 支出决算表", "20103 政府办公厅（室）及相关机构事务 · 本年支出合计"),
        ("表3 支出决算表", "20103 政府办公厅（室）及相关机构事务 · 项目支出"),
        ("表5 一般公共预算财政拨款支出决算表", "20103 政府办公厅（室）及相关机构事务 · 本年支出/小计"),
        ("表5 一般公共预算财政拨款支出决算表", "20103 政府办公厅（室）及相关机构事务 · 本年支出/项目支出"),
    }


def test_vehicle_equals_purchase_plus_operation_on_printed_figures(filing):
    catalog = CatalogItem.objects.get(fiscal_year=filing.fiscal_year, kind="dept_economic", code="31013")
    ExpenseLine.objects.create(
        filing=filing,
        unit=filing.department.units.get(is_main=True),
        function_item_id=ExpenseLine.objects.filter(filing=filing, function_item__code="2010301").first().function_item_id,
        dept_economic_item=catalog,
        expense_kind=ExpenseKind.PUBLIC,
        budget_amount=Decimal("50"),
        actual_amount=Decimal("50"),
    )
    ExpenseLine.objects.filter(filing=filing, dept_economic_item__code="30231").update(actual_amount=Decimal("32250.00"))
    warnings = [w for w in findings(filing, "table_rounding") if w.location.table == "表7 一般公共预算财政拨款“三公”经费支出决算表"]
    [vehicle] = [w for w in warnings if w.location.cell.endswith("决算数/公务用车购置及运行费/小计")]
    assert "公开为3.23万元，其各分项按公开数相加为3.24万元" in vehicle.message


def test_no_rounding_warning_in_yuan(filing):
    ExpenseLine.objects.filter(filing=filing, function_item__code="2010302").update(actual_amount=Decimal("230050.00"))
    Filing.objects.filter(pk=filing.pk).update(amount_unit="yuan")
    filing.refresh_from_db()
    assert findings(filing, "table_rounding") == [] and findings(filing, "basic_split_rounding") == []


def test_project_amount_against_its_linked_lines(filing):
    project = Project.objects.get(filing=filing, code="XF-01")
    assert [f for f in findings(filing, "project_lines") if f.location.project_code == "XF-01"] == []
    Project.objects.filter(pk=project.pk).update(actual_amount=from_wan("20"))
    [error] = [f for f in findings(filing, "project_lines") if f.location.project_code == "XF-01"]
    assert error.severity == ERROR
    assert "项目“信访视频会议系统技术服务费”填报的决算数为20.00万元，而关联的1条支出明细合计23.00万元，相差3.00万元" in error.message
    unlinked = [f for f in findings(filing, "project_lines") if f.severity == WARNING]
    assert {f.location.project_code for f in unlinked} == {"XF-02", "XF-03"}


def reasons_at(filing, **where):
    """The text_reasons warnings whose location matches `where` (table, cell, project_code)."""
    return [w for w in findings(filing, "text_reasons") if all(getattr(w.location, k) == v for k, v in where.items())]


def test_three_public_increase_without_reason(filing):
    assert reasons_at(filing, cell="公务接待费") == []
    PriorYearFigure.objects.filter(filing=filing, key="three_public.reception").update(amount=from_wan("1"))
    [warning] = reasons_at(filing, cell="公务接待费")
    assert warning.location.table == "一般公共预算财政拨款“三公”经费支出决算表"
    assert warning.message == "公务接待费比2018年增加0.85万元（85.0%），未说明原因。"
    Filing.objects.filter(pk=filing.pk).update(reasons={"three_public.reception": "承办全州信访工作现场会。"})
    filing.refresh_from_db()
    assert reasons_at(filing, cell="公务接待费") == []


def test_execution_below_budget_without_reason(filing):
    ExpenseLine.objects.filter(filing=filing, function_item__code="2010308").update(budget_amount=from_wan("40"))
    Project.objects.filter(filing=filing, code="XF-02").update(budget_amount=from_wan("30"))
    [item] = reasons_at(filing, table="一般公共预算财政拨款支出决算表")
    assert item.location.cell == "2010308 信访事务"
    assert item.message == "信访事务（2010308）决算数34.50万元小于预算数40.00万元（完成预算86.3%），未说明原因。"
    [project] = reasons_at(filing, project_code="XF-02")
    assert project.message == "项目“特殊疑难信访问题专项资金”执行数25.00万元小于预算数30.00万元（完成预算83.3%），未说明原因。"


def test_execution_above_budget_without_reason(filing):
    """决算 above budget needs a reason too (before: only below)."""
    ExpenseLine.objects.filter(filing=filing, function_item__code="2010308").update(budget_amount=from_wan("30"))
    [item] = reasons_at(filing, table="一般公共预算财政拨款支出决算表")
    assert item.message == "信访事务（2010308）决算数34.50万元大于预算数30.00万元（完成预算115.0%），未说明原因。"
    Filing.objects.filter(pk=filing.pk).update(reasons={**filing.reasons, "execution.2010308": "追加维稳经费"})
    filing.refresh_from_db()
    assert reasons_at(filing, table="一般公共预算财政拨款支出决算表") == []


def test_each_reason_reported_once(filing):
    """One rule, one finding: no second check repeats what the text asks for."""
    ExpenseLine.objects.filter(filing=filing, function_item__code="2010308").update(budget_amount=from_wan("40"))
    report = run_checks(filing=filing)
    about = [f for f in report.findings if "信访事务" in f.message and "预算数" in f.message]
    assert [f.check for f in about] == ["text_reasons"]


def test_execution_reason_is_for_final_accounts_only(filing):
    ExpenseLine.objects.filter(filing=filing, function_item__code="2010308").update(budget_amount=from_wan("40"))
    Filing.objects.filter(pk=filing.pk).update(kind=Filing.Kind.BUDGET)
    filing.refresh_from_db()
    assert reasons_at(filing, table="一般公共预算财政拨款支出决算表") == []


def test_missing_change_reasons_of_the_text(filing):
    cells = {w.location.cell for w in findings(filing, "text_reasons")}
    assert cells == {"财政拨款收入支出决算总体情况说明", "一般公共预算财政拨款支出决算情况说明", "机关运行经费支出情况"}


def test_vehicle_running_costs_without_vehicles(filing):
    """Seeds 001 and 002 print 公务用车运行维护费 with no 公务用车; seed 003 owns one."""
    from disclosures.models import AssetHolding, ThreePublicStats

    assert findings(filing, "vehicle_costs_without_vehicles") == []
    ThreePublicStats.objects.filter(filing=filing).update(vehicles_owned=0)
    AssetHolding.objects.filter(filing=filing).delete()
    [warning] = findings(filing, "vehicle_costs_without_vehicles")
    assert warning.message == "公务用车运行维护费决算数3.22万元，但公务用车保有量为0辆，国有资产占用中也没有车辆。"


def test_spending_plan_non_decreasing_and_ending_at_100(filing):
    Project.objects.filter(filing=filing, code="XF-01").update(
        plan_march=Decimal("30"), plan_june=Decimal("60"), plan_october=Decimal("50"), plan_december=Decimal("90")
    )
    Project.objects.filter(filing=filing, code="XF-02").update(plan_march=Decimal("30"))
    Project.objects.filter(filing=filing, code="XF-03").update(
        plan_march=Decimal("30"), plan_june=Decimal("60"), plan_october=Decimal("90"), plan_december=Decimal("100")
    )
    errors = findings(filing, "spending_plan")
    messages = {(e.location.project_code, e.message) for e in errors}
    assert ("XF-01", "项目“信访视频会议系统技术服务费”的累计支出进度出现下降：6月底60.00%→10月底50.00%。") in messages
    assert ("XF-01", "项目“信访视频会议系统技术服务费”12月底累计支出进度为90.00%，应为100%。") in messages
    assert ("XF-02", "项目“特殊疑难信访问题专项资金”的支出计划缺少6月底、10月底、12月底的累计进度。") in messages
    assert not any(code == "XF-03" for code, _ in messages)


def test_shares_above_100_percent(filing):
    Procurement.objects.filter(filing=filing).update(sme_amount=from_wan("30"))
    Project.objects.filter(filing=filing, code="XF-03").update(fiscal_amount=from_wan("20"))
    errors = findings(filing, "percentages")
    assert {e.location.cell for e in errors} == {"货物·授予中小企业合同金额", "其中财政拨款"}


def test_economic_code_must_match_the_kind(filing):
    assert findings(filing, "economic_codes") == []
    reception = ExpenseLine.objects.get(filing=filing, dept_economic_item__code="30217")
    ExpenseLine.objects.filter(pk=reception.pk).update(expense_kind=ExpenseKind.PERSONNEL)
    salary = ExpenseLine.objects.filter(filing=filing, dept_economic_item__code="30101").first()
    ExpenseLine.objects.filter(pk=salary.pk).update(expense_kind=ExpenseKind.PUBLIC)
    by_line = {e.location.line_id: e for e in findings(filing, "economic_codes")}
    assert set(by_line) == {reception.pk, salary.pk}
    assert "标为人员经费，但经济分类30217 公务接待费不属于工资福利支出（301）或对个人和家庭的补助（303）" in by_line[reception.pk].message
    assert "标为日常公用经费，但经济分类30101 基本工资属于人员经费" in by_line[salary.pk].message
    assert by_line[salary.pk].location.cell.startswith("2010301 行政运行，30101 基本工资")


def test_vehicle_counts_agree(filing):
    assert findings(filing, "vehicle_counts") == []
    ThreePublicStats.objects.filter(filing=filing).update(vehicles_owned=2)
    [warning] = findings(filing, "vehicle_counts")
    assert "公务用车保有量为2辆，国有资产占用中的车辆合计为1辆" in warning.message


def test_self_evaluation_executed_amount_against_the_final_accounts(department):
    """Seed 002: 全年执行数 596.68 is the 基本支出 alone, while 项目支出 156.5 was spent too."""
    filing = build_seed_003(department=department)
    ExpenseLine.objects.filter(filing=filing).delete()
    main = department.units.get(is_main=True)
    function = CatalogItem.objects.get(fiscal_year=filing.fiscal_year, kind="function", code="2010301")
    economic = CatalogItem.objects.get(fiscal_year=filing.fiscal_year, kind="dept_economic", code="30101")
    ExpenseLine.objects.create(
        filing=filing,
        unit=main,
        function_item=function,
        dept_economic_item=economic,
        expense_kind=ExpenseKind.PERSONNEL,
        actual_amount=from_wan("596.68"),
    )
    ExpenseLine.objects.create(filing=filing, unit=main, function_item=function, expense_kind=ExpenseKind.PROJECT, actual_amount=from_wan("156.5"))
    target = DepartmentTarget.objects.create(department=department, fiscal_year=filing.fiscal_year)
    evaluation = SelfEvaluation.objects.create(
        department_target=target,
        rule_set=RuleSet.objects.create(name="测试规则"),
        budget_amount=from_wan("1036.03"),
        executed_amount=from_wan("596.68"),
    )
    [error] = findings(filing, "self_evaluation_total")
    assert error.severity == ERROR
    assert error.message == (
        "部门整体支出绩效自评表的全年执行数为596.68万元，而部门决算的本年支出合计为753.18万元，相差156.50万元。"
        "自评执行数只等于基本支出，漏计了项目支出156.50万元。"
    )
    SelfEvaluation.objects.filter(pk=evaluation.pk).update(executed_amount=from_wan("753.18"))
    assert findings(filing, "self_evaluation_total") == []


def test_other_apps_register_their_own_checks(filing):
    def every_project_named(ctx):
        for project in ctx.figures.projects.rows:
            if "经费" in project.name:
                yield Problem(location=Location(project_code=project.code), message=f"{project.name}", fix="改名")

    register("test_extension", severity=WARNING, title="扩展检查", function=every_project_named)
    try:
        [finding] = findings(filing, "test_extension")
        assert (finding.severity, finding.title, finding.location.project_code) == (WARNING, "扩展检查", "XF-03")
        assert str(finding.location) == "项目 XF-03"
    finally:
        unregister("test_extension")
    assert findings(filing, "test_extension") == []


def test_register_refuses_an_unknown_severity():
    with pytest.raises(ValueError):
        register("bad", severity="fatal", title="x", function=lambda ctx: [])
