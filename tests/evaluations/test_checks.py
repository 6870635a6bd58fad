"""evaluations.checks: target checks on seed 001, and their registration in disclosures.checks."""

import pytest

from disclosures.checks.registry import run_checks
from evaluations.checks import evaluation_checks, target_checks

pytestmark = pytest.mark.django_db


def keys(findings):
    return [f.check for f in findings]


def test_seed_001_identical_goals_and_padded_units(seed_001_projects):
    findings = target_checks(project=seed_001_projects[3])  # 人事代理专项补助
    assert keys(findings) == ["targets.unit_padded", "targets.unit_padded", "targets.identical_goals"]
    assert "目标1与目标2完全相同" in findings[2].message


def test_seed_001_other_projects_are_clean(seed_001_projects):
    for project in (seed_001_projects[0], seed_001_projects[1], seed_001_projects[2], seed_001_projects[4]):
        assert target_checks(project=project) == []


def test_missing_level1_and_percent_range(seed_001_projects):
    project = seed_001_projects[0]
    project.indicators.filter(level1="satisfaction").delete()
    indicator = project.indicators.get(name="处置及时")
    indicator.target_value = 120
    indicator.save()
    found = target_checks(project=project)
    assert ("targets.level1_missing", "error") in [(f.check, f.severity) for f in found]
    assert any(f.check == "targets.percent_range" and "120" in f.message for f in found)


def test_registered_in_the_filing_checks(seed_001_projects):
    report = run_checks(filing=seed_001_projects[0].filing)
    ours = [f for f in report.errors + report.warnings if f.check.startswith("targets.")]
    assert sorted(f.check for f in ours) == ["targets.identical_goals", "targets.unit_padded", "targets.unit_padded"]
    assert ours[0].location.project_code == "202-3301-YBN-Q1IZ"


def test_evaluation_checks_name_missing_reasons(seed_002_evaluation):
    seed_002_evaluation.execution_reason = ""
    seed_002_evaluation.save()
    assert [f.message for f in evaluation_checks(evaluation=seed_002_evaluation)] == ["执行率 57.59% 低于 90.00%，须说明原因"]


def test_a_filing_run_checks_each_project_once(seed_001_projects, monkeypatch):
    """The nine target checks share one run per project (they used to rerun every check for every key)."""
    from evaluations import checks

    calls = []
    original = checks.target_checks
    monkeypatch.setattr(checks, "target_checks", lambda *, project: calls.append(project.pk) or original(project=project))
    filing = seed_001_projects[0].filing
    run_checks(filing=filing)
    assert sorted(calls) == sorted(filing.projects.values_list("pk", flat=True))


def test_findings_carry_structured_locations(seed_001_projects):
    [padded, _, _] = target_checks(project=seed_001_projects[3])
    assert (padded.location.table, padded.location.project_code) == ("项目绩效目标表", seed_001_projects[3].code)
    assert padded.location.cell.startswith("产出指标 · ") or padded.location.cell.startswith("效益指标 · ")
    assert padded.title == "指标单位无多余空格"


def test_demo_seed_checks_of_issue_10(demo):
    """On the demo's seeds: 望城's self-evaluation budget 1036.03 against its 决算's 753.18, and the 公务用车运行维护费
    that seeds 001 (山海关) and 002 (望城) print while owning no 公务用车."""
    from disclosures.checks import run_checks

    wangcheng = run_checks(filing=demo.wangcheng.filing)
    [budget] = [f for f in wangcheng.findings if f.check == "evaluation.budget_matches_filing"]
    assert budget.severity == "warning" and budget.location.table == "部门整体支出绩效自评表"
    assert budget.message == "部门整体支出绩效自评表的全年预算数为1036.03万元，而本部门2020年决算的本年支出预算数为753.18万元，相差282.85万元。"
    for filing in (demo.wangcheng.filing, demo.shanhaiguan.filing):
        [vehicle] = [f for f in run_checks(filing=filing).findings if f.check == "vehicle_costs_without_vehicles"]
        assert "但公务用车保有量为0辆" in vehicle.message
    assert not [f for f in run_checks(filing=demo.maoxian.filing).findings if f.check == "vehicle_costs_without_vehicles"]
