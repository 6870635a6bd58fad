"""rule_set_for follows the department's province (Department.province), never its county name, and only reads."""

import pytest

from disclosures.models import Filing, Project, Province
from evaluations import services
from evaluations.models import RuleSet
from evaluations.rulesets import NATIONAL, SICHUAN, rule_set_for

pytestmark = pytest.mark.django_db


def test_sichuan_department_gets_the_sichuan_rules(year_2019):
    """Before: the rule set's province "四川" was compared with the county name ("茂县") and never matched."""
    assert rule_set_for(fiscal_year=year_2019, province=Province.SICHUAN).name == SICHUAN
    assert rule_set_for(fiscal_year=year_2019, province=Province.HUNAN).name == NATIONAL
    assert rule_set_for(fiscal_year=year_2019).name == NATIONAL


def test_a_years_own_rule_set_wins(year_2019, year_2020):
    sichuan_2020 = RuleSet.objects.create(name="四川2020", province=Province.SICHUAN, fiscal_year=year_2020, pooled_indicator_weight=80)
    national_2020 = RuleSet.objects.create(name="全国2020", fiscal_year=year_2020)
    assert rule_set_for(fiscal_year=year_2020, province=Province.SICHUAN) == sichuan_2020
    assert rule_set_for(fiscal_year=year_2019, province=Province.SICHUAN).name == SICHUAN
    assert rule_set_for(fiscal_year=year_2020, province=Province.HEBEI) == national_2020


def test_it_is_a_read(year_2019, django_assert_num_queries):
    RuleSet.objects.filter(name=SICHUAN).delete()
    count = RuleSet.objects.count()
    with django_assert_num_queries(4):  # (year, 四川), (all years, 四川), (year, national), then the default: SELECTs only
        rule_set_for(fiscal_year=year_2019, province=Province.SICHUAN)
    assert RuleSet.objects.count() == count  # nothing created (before: get_or_create of both standard sets)


def test_evaluation_started_for_a_maoxian_project_uses_sichuan(year_2019, department, accountant):
    department.region, department.province = "茂县", Province.SICHUAN
    department.save()
    filing = Filing.objects.create(department=department, fiscal_year=year_2019, kind=Filing.Kind.FINAL)
    project = Project.objects.create(filing=filing, code="XF-01", name="信访视频会议系统技术服务费")
    evaluation = services.evaluation_start(owner=project, user=accountant)
    assert evaluation.rule_set.name == SICHUAN
