"""Forms of 新建填报: the accountant's new filing and the bureau's creation of a year's missing filings."""

from __future__ import annotations

from django import forms

from disclosures.models import Filing

AMOUNT_CHOICES = [("clear", "金额清零（只复制科目、单位和项目）"), ("keep", "保留上年金额")]


class CopyOptions(forms.Form):
    """Whether to start from last year's filing, and what to do with its amounts."""

    copy_from_last_year = forms.BooleanField(label="从上年同类填报复制明细", required=False)
    amounts = forms.ChoiceField(label="复制时的金额", choices=AMOUNT_CHOICES, initial="clear", widget=forms.RadioSelect)


class FilingNewForm(CopyOptions):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, error_messages={"invalid": "请填写四位数的年度。"})
    kind = forms.ChoiceField(label="类型", choices=Filing.Kind.choices)

    field_order = ["year", "kind", "copy_from_last_year", "amounts"]


class MissingFilingsForm(CopyOptions):
    kind = forms.ChoiceField(label="类型", choices=[("", "部门预算和部门决算"), *Filing.Kind.choices], required=False)
