"""The scoring rules, weights, grades and reason rules, and seed 002 scored end to end."""

from decimal import Decimal

import pytest

from evaluations.models import Indicator, IndicatorResult, RuleSet, SelfEvaluation
from evaluations.rulesets import NATIONAL, RULE_SETS, SICHUAN
from evaluations.scoring import evaluation_score, reason_required, score_sheet
from evaluations.scoring.engine import execution
from evaluations.scoring.grades import grade_for
from evaluations.scoring.rules import RuleInput, rule_for
from evaluations.scoring.weights import groups_for
from evaluations.services import results_pick_published

C = Indicator.Comparator
B = IndicatorResult.Band
D = Decimal
NATIONAL_RULES = RuleSet(name="t", **RULE_SETS[NATIONAL])


def run(comparator, target, actual, points="10", band="", unit="%", rule_set=NATIONAL_RULES, chosen=None):
    rule = rule_for(comparator)
    return rule(
        RuleInput(
            comparator,
            None if target is None else D(target),
            unit,
            None if actual is None else D(actual),
            band,
            D(points),
            rule_set,
            None if chosen is None else D(chosen),
        )
    )


class TestPositive:
    @pytest.mark.parametrize("comparator", [C.GE, C.GT])
    def test_met_scores_full(self, comparator):
        outcome = run(comparator, "95", "95")
        assert outcome.score == D("10.00") and not outcome.shortfall
        assert "完成值 95% ≥ 指标值 95%" in outcome.explanation

    def test_shortfall_is_proportional(self):
        outcome = run(C.GE, "95", "80")
        assert outcome.score == D("8.42")  # 80/95*10 = 8.421
        assert outcome.shortfall
        assert outcome.explanation.endswith("得分 = 80 ÷ 95 × 10.00 = 8.42")

    def test_actual_zero(self):
        assert run(C.GE, "95", "0").score == D("0.00")

    def test_target_zero_is_always_met(self):
        assert run(C.GE, "0", "0").score == D("10.00")

    def test_missing_actual_is_not_scored_and_says_so(self):
        outcome = run(C.GE, "95", None)
        assert outcome.missing and outcome.pending
        assert "未填写完成值，未计分" in outcome.explanation

    def test_overachievement_flag_at_130_percent(self):
        assert run(C.GE, "100", "130").overachieved
        assert not run(C.GE, "100", "129.99").overachieved
        assert run(C.GE, "100", "130").score == D("10.00")

    def test_negative_actual_never_scores_below_zero(self):
        assert run(C.GE, "10", "-5").score == D("0.00")


class TestReverse:
    """指标值 ÷ 完成值 × 分值, capped at the points (common practice), the formula shown."""

    @pytest.mark.parametrize("comparator", [C.LE, C.LT])
    def test_at_or_below_target_full(self, comparator):
        # seed 002's cost indicator: 596.68 万元 against ≤ 1036.03 万元
        assert run(comparator, "1036.03", "596.68", unit="万元").score == D("10.00")
        assert run(comparator, "100", "100").score == D("10.00")

    def test_above_target_is_target_over_actual(self):
        outcome = run(C.LE, "100", "125")
        assert outcome.score == D("8.00")  # 100 / 125 * 10; the old rule gave (1 - 25/100) * 10 = 7.50
        assert outcome.shortfall
        assert outcome.explanation == "完成值 125% 超过指标值 100%；得分 = 100 ÷ 125 × 10.00 = 8.00"

    def test_double_the_target_scores_half_not_zero(self):
        # the old rule gave 0 at twice the target
        assert run(C.LE, "100", "200").score == D("5.00")
        assert run(C.LE, "1036.03", "2072.06", unit="万元").score == D("5.00")

    def test_never_above_the_points(self):
        assert run(C.LE, "100", "100.01").score == D("10.00")  # 9.9990 rounds to 10.00, never above
        assert run(C.LT, "5", "0").score == D("10.00")

    def test_target_zero(self):
        assert run(C.LE, "0", "0").score == D("10.00")
        assert run(C.LE, "0", "1").score == D("0.00")

    def test_no_overachievement_reason_for_reverse(self):
        assert not run(C.LE, "100", "10").overachieved


class TestEquality:
    def test_target_zero_all_or_nothing(self):
        assert run(C.EQ, "0", "0").score == D("10.00")
        assert run(C.EQ, "0", "0.5").score == D("0.00")

    def test_nonzero_target_scores_as_positive(self):
        outcome = run(C.EQ, "100", "97")
        assert outcome.score == D("9.70")
        assert outcome.explanation.startswith("等于型指标按正向计分")

    def test_missing(self):
        assert run(C.EQ, "100", None).score == D("0.00")


class TestQualitative:
    @pytest.mark.parametrize(
        "band, low, high",
        [(B.ACHIEVED, "8.00", "10.00"), (B.PARTIAL, "6.00", "8.00"), (B.NOT_ACHIEVED, "0.00", "6.00")],
    )
    def test_band_alone_is_not_scored(self, band, low, high):
        outcome = run(C.QUALITATIVE, None, None, band=band, unit="")
        assert outcome.pending and not outcome.missing
        assert (outcome.low, outcome.high) == (D(low), D(high))
        assert outcome.adjustable
        assert outcome.shortfall is (band != B.ACHIEVED)
        assert "尚未在档次内选定得分，未计分" in outcome.explanation

    def test_not_achieved_no_longer_defaults_to_60_percent(self):
        # before: 未达成 scored 6.00 of 10 by default, so a project that reached no qualitative target scored 中
        outcome = run(C.QUALITATIVE, None, None, band=B.NOT_ACHIEVED, unit="")
        assert outcome.pending and outcome.score == D("0.00")
        picked = run(C.QUALITATIVE, None, None, band=B.NOT_ACHIEVED, unit="", chosen="2.5")
        assert not picked.pending and picked.score == D("2.50")

    def test_picked_score_inside_the_band(self):
        outcome = run(C.QUALITATIVE, None, None, points="7.5", band=B.PARTIAL, unit="", chosen="5")
        assert (outcome.low, outcome.high, outcome.score) == (D("4.50"), D("6.00"), D("5.00"))
        assert not outcome.pending
        assert outcome.explanation == "定性指标，档次“部分达成年度指标并具有一定效果”（60.00%–80.00%，即 4.50–6.00 分），选定得分 5.00"

    def test_picked_score_outside_the_band_is_not_scored(self):
        outcome = run(C.QUALITATIVE, None, None, band=B.ACHIEVED, unit="", chosen="7")
        assert outcome.pending and "不在档次范围内" in outcome.explanation

    def test_no_band_is_not_scored(self):
        outcome = run(C.QUALITATIVE, None, None, unit="")
        assert outcome.pending and "未选择完成档次" in outcome.explanation

    def test_rule_set_bands_are_data(self):
        strict = RuleSet(name="s", **{**RULE_SETS[NATIONAL], "qualitative_bands": {"achieved": ["0.9", "1"]}})
        outcome = run(C.QUALITATIVE, None, None, band=B.ACHIEVED, unit="", rule_set=strict)
        assert (outcome.low, outcome.high) == (D("9.00"), D("10.00"))


class TestExecution:
    def test_seed_002_rate_and_score(self):
        result = execution(budget=D("10360300.00"), executed=D("5966800.00"), rule_set=NATIONAL_RULES)
        assert result.rate == D("0.5759")
        assert result.score == D("5.76")
        assert result.explanation == "执行率 = 596.68 ÷ 1036.03 = 57.59%；得分 = 57.59% × 10 = 5.76"
        assert result.needs_reason

    def test_over_100_percent_capped(self):
        result = execution(budget=D("100.00"), executed=D("120.00"), rule_set=NATIONAL_RULES)
        assert result.score == D("10.00") and "超过 100% 按 100% 计" in result.explanation

    def test_reason_threshold_is_90_percent(self):
        assert not execution(budget=D("100.00"), executed=D("90.00"), rule_set=NATIONAL_RULES).needs_reason
        assert execution(budget=D("100.00"), executed=D("89.99"), rule_set=NATIONAL_RULES).needs_reason

    def test_zero_budget(self):
        result = execution(budget=D("0"), executed=D("0"), rule_set=NATIONAL_RULES)
        assert result.score == D("0.00") and result.rate is None


@pytest.mark.parametrize("total, grade", [("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"), ("59.99", "差"), ("0", "差")])
def test_grade_boundaries(total, grade):
    assert grade_for(total=D(total), rule_set=NATIONAL_RULES) == grade


def indicators(*specs):
    """Unsaved indicators with ids, enough for the weight allocation."""
    return [Indicator(pk=n, level1=level1, weight=None if weight is None else D(weight)) for n, (level1, weight) in enumerate(specs, 1)]


class TestWeights:
    def test_equal_shares_add_up(self):
        items = indicators(("output", None), ("output", None), ("output", None), ("effect", None), ("satisfaction", None))
        output, effect, satisfaction = groups_for(indicators=items, rule_set=NATIONAL_RULES)
        assert list(output.allocation.values()) == [D("16.67"), D("16.67"), D("16.66")]
        assert effect.allocation == {4: D("30.00")}
        assert satisfaction.allocation == {5: D("10.00")}

    def test_set_weights_are_scaled_to_the_group(self):
        # seed 002: 4 effect indicators printed at 10 each under a 30-point heading
        items = indicators(*[("effect", "10")] * 4)
        effect = groups_for(indicators=items, rule_set=NATIONAL_RULES)[1]
        assert set(effect.allocation.values()) == {D("7.50")}
        assert "所设分值合计 40，按比例折算为 30.00 分" in effect.note

    def test_set_weights_matching_the_group(self):
        items = indicators(("output", "30"), ("output", "20"))
        assert list(groups_for(indicators=items, rule_set=NATIONAL_RULES)[0].allocation.values()) == [D("30.00"), D("20.00")]

    def test_mixed_weights_share_the_remainder(self):
        items = indicators(("output", "20"), ("output", None), ("output", None))
        assert list(groups_for(indicators=items, rule_set=NATIONAL_RULES)[0].allocation.values()) == [D("20.00"), D("15.00"), D("15.00")]

    def test_missing_group_loses_its_points(self):
        output, effect, satisfaction = groups_for(indicators=indicators(("output", None)), rule_set=NATIONAL_RULES)
        assert satisfaction.allocation == {} and "未设满意度指标" in satisfaction.note

    def test_sichuan_pools_90_points(self):
        sichuan = RuleSet(name="s", **RULE_SETS[SICHUAN])
        items = indicators(("output", None), ("output", None), ("effect", None), ("satisfaction", None))
        (pooled,) = groups_for(indicators=items, rule_set=sichuan)
        assert list(pooled.allocation.values()) == [D("22.50")] * 4


def test_reason_required_for_shortfall_and_overachievement(db):
    rule_set = RuleSet.objects.get(name=NATIONAL)
    indicator = Indicator(comparator=C.GE, target_value=D("90"), unit="%")
    assert "未完成" in reason_required(indicator=indicator, actual_value=D("80"), band="", rule_set=rule_set)
    assert reason_required(indicator=indicator, actual_value=D("100"), band="", rule_set=rule_set) == ""
    assert "130%" in reason_required(indicator=indicator, actual_value=D("117"), band="", rule_set=rule_set)
    qualitative = Indicator(comparator=C.QUALITATIVE)
    assert reason_required(indicator=qualitative, actual_value=None, band=B.ACHIEVED, rule_set=rule_set) == ""
    assert reason_required(indicator=qualitative, actual_value=None, band=B.PARTIAL, rule_set=rule_set)


class TestSeed002:
    def test_unfinished_is_shown_as_such_next_to_published(self, seed_002_evaluation):
        """进京“非访”率同比下降 has no actual in seed 002: the evaluation is 未完成, not a total and a grade."""
        sheet = evaluation_score(evaluation=seed_002_evaluation)
        evaluation = SelfEvaluation.objects.get(pk=seed_002_evaluation.pk)
        assert evaluation.execution_score == D("5.76")
        assert evaluation.published_execution_score == D("6")
        # output 5 × 10 = 50; effect 30 shared by 4 (7.50 each), one without an actual; satisfaction 10
        assert [sheet.group_score(g) for g in sheet.groups] == [D("50.00"), D("22.50"), D("10.00")]
        assert not sheet.complete
        assert evaluation.total_score is None
        assert evaluation.grade == "未完成"
        assert evaluation.explanation["execution"] == "执行率 = 596.68 ÷ 1036.03 = 57.59%；得分 = 57.59% × 10 = 5.76"
        assert evaluation.explanation["total"] == (
            "自评未完成：1 项指标尚未计分（“进京“非访”率同比下降。”：未填写完成值或未在档次内选定得分），不计总分和等级；"
            "已计分部分 = 执行率得分 5.76 + 产出指标 50.00 + 效益指标 22.50 + 满意度指标 10.00 = 88.26"
        )
        missing = evaluation.results.get(indicator__name="进京“非访”率同比下降。")
        assert missing.score is None and "未选择完成档次" in missing.explanation
        assert missing.published_score == D("10")
        picked = evaluation.results.get(indicator__name="全年未发生维稳事件。")
        assert (picked.chosen_score, picked.score) == (D("7.50"), D("7.50"))
        cost = evaluation.results.get(indicator__name="不超过预算指标数")
        assert cost.explanation == "分值 10.00；完成值 596.68万元 ≤ 指标值 1036.03万元（≤），得满分 10.00"

    def test_finished_once_the_last_indicator_is_scored(self, seed_002_evaluation):
        missing = seed_002_evaluation.results.get(indicator__name="进京“非访”率同比下降。")
        missing.band, missing.chosen_score = B.PARTIAL, D("5.00")
        missing.save()
        evaluation_score(evaluation=seed_002_evaluation)
        evaluation = SelfEvaluation.objects.get(pk=seed_002_evaluation.pk)
        assert (evaluation.total_score, evaluation.grade) == (D("93.26"), "优")

    def test_a_new_evaluation_is_not_graded_poor(self, seed_002_evaluation):
        """Before: a started evaluation without actuals scored its 执行率 points alone and was graded 差."""
        seed_002_evaluation.results.update(actual_value=None, band="", chosen_score=None)
        sheet = evaluation_score(evaluation=seed_002_evaluation)
        evaluation = SelfEvaluation.objects.get(pk=seed_002_evaluation.pk)
        assert sheet.total == D("5.76") and len(sheet.pending_lines) == 10
        assert (evaluation.total_score, evaluation.grade) == (None, "未完成")

    def test_scoring_is_idempotent(self, seed_002_evaluation):
        evaluation_score(evaluation=seed_002_evaluation)
        evaluation_score(evaluation=seed_002_evaluation)
        assert seed_002_evaluation.results.count() == 10
        assert SelfEvaluation.objects.get(pk=seed_002_evaluation.pk).grade == "未完成"

    def test_missing_reasons_listed(self, seed_002_evaluation):
        seed_002_evaluation.execution_reason = ""
        seed_002_evaluation.save()
        reasons = score_sheet(evaluation=seed_002_evaluation).missing_reasons
        assert reasons[0] == "执行率 57.59% 低于 90.00%，须说明原因"

    def test_sichuan_rule_set(self, seed_002_evaluation):
        seed_002_evaluation.rule_set = RuleSet.objects.get(name=SICHUAN)
        seed_002_evaluation.save()
        sheet = score_sheet(evaluation=seed_002_evaluation)
        # 90 points pooled over 10 indicators = 9 each (band 达成 7.20–9.00): the national picks of 10.00 for
        # the two 产出 qualitative indicators fall outside it and are not scored until picked again
        assert sheet.total == D("5.76") + 4 * D("9.00") + 3 * D("7.50")
        assert len(sheet.pending_lines) == 3
        results_pick_published(evaluation=seed_002_evaluation, published_points={r.indicator_id: D("10") for r in seed_002_evaluation.results.all()})
        sheet = evaluation_score(evaluation=seed_002_evaluation)
        assert sheet.total == D("5.76") + D("81.00")  # 9 scored full, one missing
        assert sheet.grade == "未完成"


class TestPickedScoreEntry:
    """The department picks a qualitative indicator's score inside its band when it saves the evaluation."""

    def _save(self, evaluation, **item):
        from evaluations.services import ResultInput, evaluation_save

        indicator = evaluation.results.get(indicator__name="进京“非访”率同比下降。").indicator
        return evaluation_save(
            evaluation=evaluation,
            user=None,
            amounts={},
            execution_reason=evaluation.execution_reason,
            goal_result=evaluation.goal_result,
            results=[ResultInput(indicator=indicator, reason="非访量统计口径调整", **item)],
        )

    def test_outside_the_band_is_refused_with_the_range(self, seed_002_evaluation):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as refused:
            self._save(seed_002_evaluation, band=B.PARTIAL, chosen_score=D("7"))
        key = next(k for k in refused.value.message_dict if k.endswith("-chosen_score"))
        assert refused.value.message_dict[key] == ["得分须在档次“部分达成年度指标并具有一定效果”的范围 4.50–6.00 之内。"]

    def test_inside_the_band_finishes_the_evaluation(self, seed_002_evaluation):
        self._save(seed_002_evaluation, band=B.PARTIAL, chosen_score=D("6"))
        evaluation_score(evaluation=seed_002_evaluation)
        evaluation = SelfEvaluation.objects.get(pk=seed_002_evaluation.pk)
        assert (evaluation.total_score, evaluation.grade) == (D("94.26"), "优")
