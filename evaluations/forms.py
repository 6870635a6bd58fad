"""Forms only parse input; the rules live in evaluations.services."""

from __future__ import annotations

from django import forms
from django.conf import settings

from disclosures.imports.limits import upload_size_error
from disclosures.imports.workbook import XLSX, WorkbookError, sniff_format
from disclosures.models import FiscalYear
from evaluations.models import Indicator, IndicatorResult, SelfEvaluation
from evaluations.scoring.numbers import num

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class IndicatorForm(forms.Form):
    level1 = forms.ChoiceField(label="一级指标", choices=Indicator.Level1.choices)
    level2 = forms.ChoiceField(label="二级指标", choices=Indicator.Level2.choices)
    name = forms.CharField(label="三级指标", max_length=200)
    description = forms.CharField(label="指标描述", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    comparator = forms.ChoiceField(label="符号", choices=Indicator.Comparator.choices, initial=Indicator.Comparator.GE)
    target_value = forms.DecimalField(label="指标值", required=False, max_digits=16, decimal_places=4)
    target_text = forms.CharField(label="指标值（文字）", required=False, max_length=200)
    unit = forms.CharField(label="单位", required=False, max_length=30, strip=False)
    basis = forms.CharField(label="指标值确定依据", required=False, max_length=200)
    weight = forms.DecimalField(label="分值", required=False, max_digits=5, decimal_places=2, min_value=0, help_text="留空则在一级指标内平均分配。")

    @classmethod
    def for_indicator(cls, indicator: Indicator, **kwargs):
        initial = {name: getattr(indicator, name) for name in cls.base_fields}
        return cls(initial=initial, **kwargs)


class DepartmentTargetForm(forms.Form):
    fiscal_year = forms.ModelChoiceField(label="年度", queryset=FiscalYear.objects.all())
    overall_goal = forms.CharField(label="年度总体目标", widget=forms.Textarea(attrs={"rows": 3}))
    budget_amount = forms.DecimalField(label="年度预算（元）", **AMOUNT)


class UploadForm(forms.Form):
    file = forms.FileField(label="绩效目标表（xlsx）")

    def clean_file(self):
        """The filing upload's limits: settings.MAX_UPLOAD_BYTES, and an xlsx by its content, not its name."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(upload_size_error())
        head = upload.read(4096)
        upload.seek(0)
        try:
            detected = sniff_format(head)
        except WorkbookError as error:
            raise forms.ValidationError(str(error)) from None
        if detected != XLSX:
            raise forms.ValidationError("只能上传 .xlsx 文件（请使用下载的模板）。")
        return upload


class AdjustForm(forms.Form):
    score = forms.DecimalField(label="调整后得分", max_digits=6, decimal_places=2, min_value=0)
    comment = forms.CharField(label="调整说明", widget=forms.Textarea(attrs={"rows": 2}))


class EvaluationForm(forms.Form):
    """Amounts, reasons, and one actual/band/reason group per indicator (fields named result-<id>-…)."""

    budget_amount = forms.DecimalField(label="全年预算数（元）", **AMOUNT)
    adjusted_amount = forms.DecimalField(label="调整后预算数（元）", required=False, **AMOUNT)
    executed_amount = forms.DecimalField(label="全年执行数（元）", **AMOUNT)
    fiscal_budget_amount = forms.DecimalField(label="其中财政拨款预算数（元）", required=False, **AMOUNT)
    fiscal_executed_amount = forms.DecimalField(label="其中财政拨款执行数（元）", required=False, **AMOUNT)
    execution_reason = forms.CharField(label="执行率偏低原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    goal_result = forms.CharField(label="目标完成情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, evaluation: SelfEvaluation, indicators: list[Indicator], **kwargs):
        results = {r.indicator_id: r for r in evaluation.results.all()}
        initial = {
            name: getattr(evaluation, name)
            for name in (
                "budget_amount",
                "adjusted_amount",
                "executed_amount",
                "fiscal_budget_amount",
                "fiscal_executed_amount",
                "execution_reason",
                "goal_result",
            )
        }
        for indicator in indicators:
            result = results.get(indicator.pk)
            if result:
                for name in ("actual_value", "actual_text", "band", "reason", "chosen_score"):
                    initial[f"result-{indicator.pk}-{name}"] = getattr(result, name)
                if result.actual_value is not None:
                    initial[f"result-{indicator.pk}-actual_value"] = num(result.actual_value)
        super().__init__(*args, initial=initial, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            prefix = f"result-{indicator.pk}"
            self.fields[f"{prefix}-actual_value"] = forms.DecimalField(label="完成值", required=False, max_digits=16, decimal_places=4)
            self.fields[f"{prefix}-actual_text"] = forms.CharField(label="完成值（文字）", required=False, max_length=200)
            self.fields[f"{prefix}-band"] = forms.ChoiceField(
                label="完成档次", required=False, choices=[("", "—")] + list(IndicatorResult.Band.choices)
            )
            self.fields[f"{prefix}-chosen_score"] = forms.DecimalField(
                label="自评得分",
                required=False,
                max_digits=6,
                decimal_places=2,
                min_value=0,
                help_text="定性指标：在所选档次的分值范围内选定得分，未选定不计分。",
            )
            self.fields[f"{prefix}-reason"] = forms.CharField(label="未完成原因或超额原因", required=False, widget=forms.Textarea(attrs={"rows": 1}))

    def rows(self):
        """(indicator, its bound fields) in order, for the template."""
        for indicator in self.indicators:
            prefix = f"result-{indicator.pk}"
            yield indicator, {name: self[f"{prefix}-{name}"] for name in ("actual_value", "actual_text", "band", "reason", "chosen_score")}
