"""Performance targets (绩效目标) and self-evaluation (绩效自评).

Targets belong to a project (项目支出绩效目标) or to a department's year (部门整体支出绩效目标); both
use the same indicator tree. A self-evaluation records actuals per indicator; its scores are computed
by the rule set's registry of rules and stored with the explanation of how they were computed.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from disclosures.models import Department, Filing, FiscalYear, Project, Province, money_field, non_negative
from disclosures.money import AmountUnit


class RuleSet(models.Model):
    """Scoring rules for a year/province: weights, thresholds, qualitative bands and grades."""

    name = models.CharField("名称", max_length=100, unique=True)
    province = models.CharField(
        "适用省份",
        max_length=50,
        blank=True,
        choices=Province.choices,
        help_text="与部门的“所属省份”相同时适用；留空为全国通用。",
    )
    fiscal_year = models.ForeignKey(FiscalYear, null=True, blank=True, on_delete=models.PROTECT, related_name="rule_sets", verbose_name="适用年度")
    is_default = models.BooleanField("默认规则", default=False)
    execution_weight = models.DecimalField("预算执行率分值", max_digits=5, decimal_places=2, default=Decimal("10"))
    output_weight = models.DecimalField("产出指标分值", max_digits=5, decimal_places=2, default=Decimal("50"))
    effect_weight = models.DecimalField("效益指标分值", max_digits=5, decimal_places=2, default=Decimal("30"))
    satisfaction_weight = models.DecimalField("满意度指标分值", max_digits=5, decimal_places=2, default=Decimal("10"))
    pooled_indicator_weight = models.DecimalField(
        "指标合计分值",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="设置后，产出、效益、满意度指标不分一级，共享该分值（如四川：执行率10分+指标90分）。",
    )
    execution_reason_below = models.DecimalField("执行率低于此值须说明原因", max_digits=5, decimal_places=4, default=Decimal("0.90"))
    overachievement_ratio = models.DecimalField("完成值超过目标值此倍数须说明原因", max_digits=5, decimal_places=2, default=Decimal("1.30"))
    qualitative_bands = models.JSONField(
        "定性指标档次",
        default=dict,
        help_text='如 {"achieved": [0.8, 1.0], "partial": [0.6, 0.8], "not_achieved": [0, 0.6]}，为分值的比例区间。',
    )
    grades = models.JSONField("等级", default=list, help_text='如 [[90, "优"], [80, "良"], [60, "中"], [0, "差"]]。')

    class Meta:
        verbose_name = verbose_name_plural = "评分规则"
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_rule_set"),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentTarget(models.Model):
    """部门整体支出绩效目标 for one department and year."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="performance_targets", verbose_name="部门")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="department_targets", verbose_name="年度")
    overall_goal = models.TextField("年度总体目标", blank=True)
    budget_amount = money_field("年度预算（元）")

    class Meta:
        verbose_name = verbose_name_plural = "部门整体绩效目标"
        constraints = [models.UniqueConstraint(fields=["department", "fiscal_year"], name="department_target_unique")]

    def __str__(self) -> str:
        return f"{self.department}{self.fiscal_year.year}年整体绩效目标"

    def amount_unit(self, kind: str = "") -> str:
        """The unit the department publishes this year in (万元 or 元): its filing's of `kind` (budget for the
        targets, final for the self-evaluation), else any of the year's, newest version first; else 万元.
        The year's filings are read in one query, or given (`year_filings_read`, for many targets at once)."""
        filings = self.__dict__.get("year_filings")
        if filings is None:
            filings = year_filings_units(self.department_id, self.fiscal_year_id)
        return next((unit for of_kind, unit in filings if of_kind == kind), None) or next((unit for _kind, unit in filings), AmountUnit.WAN)


def year_filings_units(department_id: int, fiscal_year_id: int) -> list[tuple[str, str]]:
    """(kind, amount unit) of a department's filings of a year, newest version first."""
    rows = Filing.objects.filter(department_id=department_id, fiscal_year_id=fiscal_year_id).order_by("-version", "pk")
    return list(rows.values_list("kind", "amount_unit"))


def department_years(rows: Iterable[Any]) -> Q:
    """The rows of the (department, year) pairs of these rows (filings, targets: anything with a
    `department_id` and a `fiscal_year_id`), one condition for a query of all of them."""
    condition = Q()
    for row in rows:
        condition |= Q(department_id=row.department_id, fiscal_year_id=row.fiscal_year_id)
    return condition


def year_filings_read(targets: list[DepartmentTarget]) -> None:
    """Read the filings `DepartmentTarget.amount_unit` chooses from, of all these targets in one query."""
    if not targets:
        return
    condition = department_years(targets)
    found: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for department_id, fiscal_year_id, kind, unit in (
        Filing.objects.filter(condition).order_by("-version", "pk").values_list("department_id", "fiscal_year_id", "kind", "amount_unit")
    ):
        found.setdefault((department_id, fiscal_year_id), []).append((kind, unit))
    for target in targets:
        target.__dict__["year_filings"] = found.get((target.department_id, target.fiscal_year_id), [])


class Indicator(models.Model):
    """A 三级 indicator with its 一级 and 二级 kinds."""

    class Level1(models.TextChoices):
        OUTPUT = "output", "产出指标"
        EFFECT = "effect", "效益指标"
        SATISFACTION = "satisfaction", "满意度指标"

    class Level2(models.TextChoices):
        QUANTITY = "quantity", "数量指标"
        QUALITY = "quality", "质量指标"
        TIMELINESS = "timeliness", "时效指标"
        COST = "cost", "成本指标"
        ECONOMIC = "economic", "经济效益指标"
        SOCIAL = "social", "社会效益指标"
        ECOLOGICAL = "ecological", "生态效益指标"
        SUSTAINABLE = "sustainable", "可持续影响指标"
        SATISFACTION = "satisfaction", "服务对象满意度指标"

    LEVEL2_OF_LEVEL1 = {
        Level1.OUTPUT: (Level2.QUANTITY, Level2.QUALITY, Level2.TIMELINESS, Level2.COST),
        Level1.EFFECT: (Level2.ECONOMIC, Level2.SOCIAL, Level2.ECOLOGICAL, Level2.SUSTAINABLE),
        Level1.SATISFACTION: (Level2.SATISFACTION,),
    }

    class Comparator(models.TextChoices):
        EQ = "eq", "="
        GE = "ge", "≥"
        LE = "le", "≤"
        GT = "gt", ">"
        LT = "lt", "<"
        QUALITATIVE = "qualitative", "定性"

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators", verbose_name="项目")
    department_target = models.ForeignKey(
        DepartmentTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators", verbose_name="部门整体目标"
    )
    level1 = models.CharField("一级指标", max_length=20, choices=Level1.choices)
    level2 = models.CharField("二级指标", max_length=20, choices=Level2.choices)
    name = models.CharField("三级指标", max_length=200)
    description = models.TextField("指标描述", blank=True)
    comparator = models.CharField("符号", max_length=12, choices=Comparator.choices, default=Comparator.GE)
    target_value = models.DecimalField("指标值", max_digits=16, decimal_places=4, null=True, blank=True)
    target_text = models.CharField("指标值（文字）", max_length=200, blank=True)
    unit = models.CharField("单位", max_length=30, blank=True)
    basis = models.CharField("指标值确定依据", max_length=200, blank=True)
    weight = models.DecimalField("分值", max_digits=5, decimal_places=2, null=True, blank=True, help_text="留空则在一级指标内平均分配。")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "绩效指标"
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(department_target__isnull=True))
                | (Q(project__isnull=True) & Q(department_target__isnull=False)),
                name="indicator_has_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(comparator="qualitative") | Q(target_value__isnull=False),
                name="indicator_numeric_target_for_numeric_comparator",
                violation_error_message="定量指标必须填写数值型指标值。",
            ),
            models.CheckConstraint(condition=Q(weight__isnull=True) | Q(weight__gte=0), name="indicator_weight_non_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class SelfEvaluation(models.Model):
    """绩效自评 of a project (项目支出) or of a department's whole spending (部门整体支出)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填报中"
        SCORED = "scored", "已评分"

    project = models.OneToOneField(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="self_evaluation", verbose_name="项目")
    department_target = models.OneToOneField(
        DepartmentTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="self_evaluation", verbose_name="部门整体目标"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="evaluations", verbose_name="评分规则")
    budget_amount = money_field("全年预算数（元）")
    adjusted_amount = money_field("调整后预算数（元）", null=True, blank=True, default=None)
    executed_amount = money_field("全年执行数（元）")
    fiscal_budget_amount = money_field("其中财政拨款预算数（元）")
    fiscal_executed_amount = money_field("其中财政拨款执行数（元）")
    execution_reason = models.TextField("执行率偏低原因", blank=True)
    goal_result = models.TextField("目标完成情况", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    execution_score = models.DecimalField("执行率得分", max_digits=6, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField("总得分", max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等级", max_length=4, blank=True)
    explanation = models.JSONField("计算过程", default=dict, blank=True)
    published_score = models.DecimalField(
        "原表填报得分", max_digits=6, decimal_places=2, null=True, blank=True, help_text="部门原表自填的总分，用于对照。"
    )
    published_execution_score = models.DecimalField(
        "原表执行率得分",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="部门原表自填的预算执行率得分（如 seed 002 的 6 分），与计算得分对照。",
    )
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "绩效自评"
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(department_target__isnull=True))
                | (Q(project__isnull=True) & Q(department_target__isnull=False)),
                name="evaluation_has_one_subject",
            ),
            non_negative("budget_amount", "evaluation"),
            non_negative("adjusted_amount", "evaluation"),
            non_negative("executed_amount", "evaluation"),
        ]

    def __str__(self) -> str:
        subject = self.project or self.department_target
        return f"{subject} 绩效自评"

    @property
    def effective_budget(self):
        return self.adjusted_amount if self.adjusted_amount is not None else self.budget_amount

    @property
    def amount_unit(self) -> str:
        """The unit the evaluation's figures are printed in: its project's filing's, or for the department as
        a whole the unit of the department's final accounts of the year."""
        if self.project_id:
            return self.project.filing.amount_unit
        return self.department_target.amount_unit(Filing.Kind.FINAL)


class IndicatorResult(models.Model):
    """An indicator's actual value in a self-evaluation, its score and how the score was computed."""

    class Band(models.TextChoices):
        ACHIEVED = "achieved", "达成年度指标"
        PARTIAL = "partial", "部分达成年度指标并具有一定效果"
        NOT_ACHIEVED = "not_achieved", "未达成年度指标且效果较差"

    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="results", verbose_name="绩效自评")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results", verbose_name="指标")
    actual_value = models.DecimalField("完成值", max_digits=16, decimal_places=4, null=True, blank=True)
    actual_text = models.CharField("完成值（文字）", max_length=200, blank=True)
    band = models.CharField("定性档次", max_length=20, choices=Band.choices, blank=True)
    reason = models.TextField("未完成原因或超额原因", blank=True)
    chosen_score = models.DecimalField(
        "自评得分（定性）",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="定性指标由评价人在所选档次的分值范围内选定得分；未选定前该指标不计分，自评为“未完成”。",
    )
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.TextField("计算过程", blank=True)
    adjusted_score = models.DecimalField("审核调整得分", max_digits=6, decimal_places=2, null=True, blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="调整人"
    )
    adjusted_at = models.DateTimeField("调整时间", null=True, blank=True)
    adjust_comment = models.TextField("调整说明", blank=True)
    published_score = models.DecimalField("原表填报得分", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["indicator__order", "indicator_id"]
        verbose_name = verbose_name_plural = "指标完成情况"
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="result_unique_indicator"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="result_score_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} 完成值"

    @property
    def final_score(self):
        return self.adjusted_score if self.adjusted_score is not None else self.score
