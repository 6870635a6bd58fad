"""load_demo reproduces the seeds' published figures (aggregated from the stored lines) and is idempotent."""

import io
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Sum

from disclosures.access import is_reviewer, user_department
from demo.build import build_demo
from disclosures.models import ExpenseLine, Filing, FundingSource, IncomeLine, PriorYearFigure
from disclosures.money import to_wan
from evaluations.models import Indicator, SelfEvaluation

GPB = FundingSource.GENERAL_PUBLIC_BUDGET
THREE_PUBLIC = ("30212", "30231", "31013", "30217")


def wan(filing, field="actual_amount", **filters) -> Decimal:
    total = ExpenseLine.objects.filter(filing=filing, **filters).aggregate(s=Sum(field))["s"]
    return to_wan(total or Decimal("0"))


def yuan(filing, field="budget_amount", **filters) -> Decimal:
    return ExpenseLine.objects.filter(filing=filing, **filters).aggregate(s=Sum(field))["s"] or Decimal("0.00")


def test_maoxian_2019_final_accounts_as_published(demo):
    f = demo.maoxian.filing
    assert (f.kind, f.fiscal_year.year) == (Filing.Kind.FINAL, 2019)
    assert wan(f, funding_source=GPB) == Decimal("382.31")
    assert wan(f, expense_kind__in=["personnel", "public"]) == Decimal("317.41")
    assert wan(f, expense_kind="personnel") == Decimal("274.26")
    assert wan(f, expense_kind="public") == Decimal("43.16")
    assert wan(f, expense_kind="project") == Decimal("64.90")
    assert wan(f, dept_economic_item__code="30231") == Decimal("3.22")
    assert wan(f, dept_economic_item__code="30217") == Decimal("1.85")
    assert wan(f, dept_economic_item__code__in=THREE_PUBLIC) == Decimal("5.07")
    # 机关运行经费: 公用经费 of the administrative unit.
    assert wan(f, expense_kind="public", unit__nature="administrative") == Decimal("43.16")
    for prefix, expected in (("201", "302.75"), ("208", "36.58"), ("210", "16.57"), ("221", "24.01"), ("213", "0.4"), ("204", "2")):
        assert wan(f, function_item__code__startswith=prefix) == Decimal(expected), prefix
    for code, expected in (
        ("2010301", "173.67"),
        ("2010302", "23"),
        ("2010308", "34.5"),
        ("2010350", "66.58"),
        ("2013602", "5"),
        ("2040202", "2"),
        ("2080505", "25.03"),
        ("2080506", "11.55"),
        ("2101101", "10.45"),
        ("2101102", "6.12"),
        ("2210201", "22.99"),
        ("2210203", "1.02"),
        ("2130599", "0.4"),
    ):
        assert wan(f, function_item__code=code) == Decimal(expected), code
        assert wan(f, "budget_amount", function_item__code=code) == Decimal(expected), code  # 完成预算100%


def test_maoxian_projects_leave_the_published_gap(demo):
    f = demo.maoxian.filing
    projects = {p.name: to_wan(p.actual_amount) for p in f.projects.all()}
    assert projects == {"信访视频会议系统技术服务费": Decimal("23"), "特殊疑难信访问题专项资金": Decimal("25"), "信访维稳工作经费": Decimal("16.5")}
    assert sum(projects.values()) == Decimal("64.5")
    for project in f.projects.all():
        assert yuan(f, "actual_amount", project=project) == project.actual_amount
    assert wan(f, expense_kind="project", project__isnull=True) == Decimal("0.4")
    video = f.projects.get(name="信访视频会议系统技术服务费")
    assert [i.name for i in video.indicators.all()] == ["召开视频会议及接待群众数量", "工作完成度", "完成时间", "满意度"]
    result = video.self_evaluation.results.get(indicator__name="召开视频会议及接待群众数量")
    assert result.actual_text == "召开了视频会议4次，远程接访群众47人次"
    assert video.self_evaluation.rule_set.name == "四川"


def test_maoxian_income_prior_year_counts_and_reasons(demo):
    f = demo.maoxian.filing
    income = IncomeLine.objects.filter(filing=f).aggregate(s=Sum("actual_amount"))["s"]
    assert to_wan(income) == Decimal("382.31")
    assert set(IncomeLine.objects.filter(filing=f).values_list("source", flat=True)) == {GPB}
    prior = {p.key: to_wan(p.amount) for p in PriorYearFigure.objects.filter(filing=f)}
    assert prior["total"] == Decimal("310.17") and prior["gpb_expense"] == Decimal("310.17")
    assert (prior["three_public.vehicle"], prior["three_public.reception"], prior["operating_costs"]) == (
        Decimal("8.14"),
        Decimal("3.15"),
        Decimal("50.98"),
    )
    stats = f.three_public_stats
    assert (stats.reception_batches, stats.reception_people, stats.overseas_groups, stats.vehicles_purchased, stats.vehicles_owned) == (
        126,
        357,
        0,
        0,
        1,
    )
    goods = f.procurements.get(category="goods")
    assert (to_wan(goods.actual_amount), to_wan(goods.sme_amount)) == (Decimal("23"), Decimal("2.3"))
    assert f.assets.get(kind="vehicle_other").quantity == 1
    assert f.reasons["three_public.reception"].startswith("进一步落实“八项规定”要求")
    assert demo.maoxian.units["centre"].nature == "public_institution"
    assert f.duties.startswith("1.起草有关信访工作的规范性文件草案")


def test_shanhaiguan_2020_budget_in_yuan(demo):
    f = demo.shanhaiguan.filing
    assert yuan(f) == Decimal("3828602.02")
    assert yuan(f, funding_source=GPB) == Decimal("3828602.02")
    assert yuan(f, expense_kind__in=["personnel", "public"]) == Decimal("916602.02")
    assert yuan(f, expense_kind="personnel") == Decimal("840105.75")
    assert yuan(f, expense_kind="public") == Decimal("76496.27")
    assert yuan(f, expense_kind="project") == Decimal("2912000.00")
    assert yuan(f, dept_economic_item__code__in=THREE_PUBLIC) == Decimal("145950.50")
    assert yuan(f, dept_economic_item__code="30231") == Decimal("126000.00")
    assert yuan(f, dept_economic_item__code="30217") == Decimal("19950.50")
    assert yuan(f, expense_kind="public", dept_economic_item__code="30217") == Decimal("650.50")
    assert yuan(f, expense_kind="public", dept_economic_item__code="30228") == Decimal("10586.50")
    published = {"202-3202-YBN-67SQ": "400000.00", "202-3202-YBN-9QYV": "1200000.00", "202-3301-YBN-NQ6M": "1000000.00"}
    for code, amount in published.items():
        project = f.projects.get(code=code)
        assert project.budget_amount == Decimal(amount) == yuan(f, project=project)
    shared = f.projects.filter(code__in=["202-3301-YBN-Q1IZ", "202-3301-YBN-UL6B"]).aggregate(s=Sum("budget_amount"))["s"]
    assert shared == Decimal("312000.00")


def test_shanhaiguan_indicators_exactly_as_published(demo):
    f = demo.shanhaiguan.filing
    assert Indicator.objects.filter(project__filing=f).count() == 20
    agent = f.projects.get(code="202-3301-YBN-Q1IZ")
    assert agent.goal_1 == agent.goal_2 == "人事代理专项补助按月及时发放到位"
    assert list(agent.indicators.values_list("unit", flat=True)) == ["%", "     %", "      %"]
    padded = f.projects.get(code="202-3202-YBN-67SQ").indicators.get(name="重大事件发生率")
    assert (padded.target_value, padded.target_text, padded.comparator) == (Decimal("95"), "   95.00 ", "ge")
    plan = f.projects.get(code="202-3202-YBN-9QYV")
    assert (plan.plan_march, plan.plan_june, plan.plan_october, plan.plan_december) == (40, 60, 90, 100)


def test_ziyang_2020_budget(demo):
    f = demo.ziyang.filing
    assert wan(f, "budget_amount") == Decimal("230.06")
    assert wan(f, "budget_amount", funding_source=GPB) == Decimal("228.39")
    assert wan(f, "budget_amount", funding_source=GPB, expense_kind__in=["personnel", "public"]) == Decimal("126.39")
    assert wan(f, "budget_amount", expense_kind="project") == Decimal("102")
    assert f.projects.count() == 8
    assert wan(f, "budget_amount", funding_source=GPB, expense_kind="public", unit__nature="administrative") == Decimal("17.92")
    assert wan(f, "budget_amount", dept_economic_item__code__in=THREE_PUBLIC) == Decimal("0")
    prior = {p.key: to_wan(p.amount) for p in PriorYearFigure.objects.filter(filing=f)}
    assert (prior["total"], prior["operating_costs"]) == (Decimal("215.04"), Decimal("5.00"))
    centre = demo.ziyang.units["centre"]
    assert (centre.name, centre.staff_quota) == ("益阳市资阳区社会矛盾纠纷调处中心办公室", 4)
    # Its lines carry the institution mapping of the 政府经济分类.
    assert set(ExpenseLine.objects.filter(filing=f, unit=centre, expense_kind="personnel").values_list("gov_economic_item__code", flat=True)) == {
        "50501"
    }


def test_wangcheng_self_evaluation_and_final_accounts(demo):
    evaluation = SelfEvaluation.objects.get(department_target__department=demo.wangcheng.department)
    assert (to_wan(evaluation.budget_amount), to_wan(evaluation.executed_amount)) == (Decimal("1036.03"), Decimal("596.68"))
    assert (evaluation.published_execution_score, evaluation.published_score) == (Decimal("6"), Decimal("106"))
    assert evaluation.rule_set.is_default
    assert evaluation.results.count() == 10
    assert sum(r.published_score for r in evaluation.results.all()) == Decimal("100")
    levels = list(evaluation.department_target.indicators.values_list("level1", flat=True))
    assert (levels.count("output"), levels.count("effect"), levels.count("satisfaction")) == (5, 4, 1)
    f = demo.wangcheng.filing
    assert wan(f, expense_kind__in=["personnel", "public"]) == Decimal("596.68")
    assert wan(f, expense_kind="project") == Decimal("156.50")
    assert wan(f) == Decimal("753.18")


def test_users_groups_and_rule_sets(demo):
    accountant = demo.users["maoxian"]
    assert user_department(accountant) == demo.maoxian.department
    assert accountant.groups.filter(name="部门填报人").exists()
    assert accountant.has_perm("disclosures.change_expenseline") and not accountant.has_perm("disclosures.review_filing")
    assert is_reviewer(demo.reviewer) and demo.reviewer.has_perm("disclosures.publish_filing") and demo.reviewer.is_staff
    assert demo.admin.is_superuser
    perms = set(Group.objects.get(name="部门填报人").permissions.values_list("codename", flat=True))
    assert {"view_filing", "change_filing", "add_project", "delete_indicator", "change_threepublicstats"} <= perms
    assert "delete_filing" not in perms
    assert accountant.check_password(demo.passwords["maoxian"])
    assert demo.national_rule_set.is_default and demo.sichuan_rule_set.pooled_indicator_weight == 90


def counts() -> dict[str, int]:
    models = [*apps.get_app_config("disclosures").get_models(), *apps.get_app_config("evaluations").get_models()]
    return {m.__name__: m.objects.count() for m in models if m.__name__ != "AuditEntry"}


def test_load_demo_twice_gives_the_same_data(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    assert "maoxian / Gongkai-Maoxian-2020 / 部门填报人（茂县信访局）" in out.getvalue()
    totals = {f.pk and str(f): to_wan(ExpenseLine.objects.filter(filing=f).aggregate(s=Sum("budget_amount"))["s"]) for f in Filing.objects.all()}
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert {str(f): to_wan(ExpenseLine.objects.filter(filing=f).aggregate(s=Sum("budget_amount"))["s"]) for f in Filing.objects.all()} == totals
    assert first["Filing"] >= 4 and first["ExpenseLine"] > 100


def test_the_build_leaves_drafts_for_the_post_build_steps(db, monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr("demo.build.POST_BUILD_STEPS", [])
    demo = build_demo()
    assert set(Filing.objects.values_list("status", flat=True)) == {Filing.Status.DRAFT}
    assert Filing.objects.count() == 6
    assert {
        demo.maoxian.filing,
        demo.shanhaiguan.filing,
        demo.ziyang.filing,
        demo.wangcheng.filing,
        demo.ziyang_prior.budget,
        demo.ziyang_prior.final,
    } == set(Filing.objects.all())
