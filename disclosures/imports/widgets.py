"""django-import-export widgets for upload columns: amounts, catalog codes, Chinese choice labels, units.

`clean` raises ValueError with a Chinese message (without row and column: the caller adds them) and
returns plain values that can be stored between preview and apply: Decimal, int, str or None. Catalog
codes become CatalogItem primary keys; units and projects stay as their codes, because a whole-filing
workbook creates them in the same import. Every widget takes the ImportContext as `context=`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from import_export import widgets

from disclosures.models import CatalogItem
from disclosures.money import AmountError, AmountUnit, parse_amount_in

from .workbook import Formula, TooLong


def cell_text(value) -> str:
    """A code or name cell as text: 2010301 (int) and 2010301.0 (float) both give '2010301'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def refuse_formula(value) -> None:
    if isinstance(value, Formula):
        raise ValueError(f"不能是公式（{value.text[:30]}），请填写数值或文字")
    if isinstance(value, TooLong):
        raise ValueError(value.message)


def clean_text(value) -> str:
    """refuse_formula() then cell_text(): the text of a cell that is neither a formula nor over-long.
    A text cell, most cells of an upload, takes the short way (each cell of a large upload is read here)."""
    if type(value) is str:
        return value.strip()
    refuse_formula(value)
    return cell_text(value)


class TextWidget(widgets.CharWidget):
    def __init__(self, *, max_length: int | None = None, required: bool = False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.max_length = max_length
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if text.startswith("="):
            raise ValueError("文字不能以“=”开头")
        if self.required and not text:
            raise ValueError("必须填写")
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"不能超过{self.max_length}个字")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class AmountWidget(widgets.DecimalWidget):
    """元 with two decimals through disclosures.money.parse_amount: 1036.03 (a float) stays 1036.03.

    With unit=万元 (the line editor of a filing published in 万元) the cell is read in 万元 and returned in 元.
    """

    def __init__(self, *, nullable: bool = False, unit: str = AmountUnit.YUAN):
        super().__init__(coerce_to_string=False)
        self.nullable = nullable
        self.unit = unit

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (Formula, TooLong)):
            refuse_formula(value)
        if self.nullable and (value is None or (isinstance(value, str) and not value.strip())):
            return None
        try:
            return parse_amount_in(value, self.unit)
        except AmountError as error:
            message = str(error)
            raise ValueError(f"金额{message}" if message.startswith("“") else message) from None

    def render(self, value, obj=None, **kwargs):
        return value


class PercentWidget(widgets.DecimalWidget):
    """A cumulative spending-plan percentage, 0–100 with at most 2 decimals; blank is allowed."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value).rstrip("%").strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{value}”不是有效的百分数") from None
        if not number.is_finite() or number != number.quantize(Decimal("0.01")):
            raise ValueError(f"“{value}”不是有效的百分数（最多两位小数）")
        if not Decimal(0) <= number <= Decimal(100):
            raise ValueError("应在 0 到 100 之间")
        return number.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        return value


class CountWidget(widgets.IntegerWidget):
    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if not text:
            return 0
        if not text.isdigit():
            raise ValueError(f"“{value}”不是有效的非负整数")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return value


class QuantityWidget(AmountWidget):
    """A quantity with up to two decimals (vehicles, square metres)."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError as error:
            raise ValueError(str(error).replace("金额", "数量")) from None


class ChoiceWidget(widgets.Widget):
    """A choice written with its Chinese label (the internal value is accepted too)."""

    def __init__(self, choices, *, label: str, required: bool = True, default=None):
        super().__init__(coerce_to_string=True)
        self.choices = list(choices)
        self.label = label
        self.required = required
        self.default = default
        self.by_text = {}
        for value, display in self.choices:
            self.by_text[str(display)] = value
            self.by_text[str(value)] = value

    @property
    def labels(self) -> list[str]:
        return [str(display) for _, display in self.choices]

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if not text:
            if self.default is not None:
                return self.default
            if self.required:
                raise ValueError(f"必须填写{self.label}")
            return None
        try:
            return self.by_text[text]
        except KeyError:
            raise ValueError(f"“{text}”不是有效的{self.label}，应为：{'、'.join(self.labels)}") from None

    def render(self, value, obj=None, **kwargs):
        return dict(self.choices).get(value, value or "")


class BooleanChoiceWidget(ChoiceWidget):
    def __init__(self, *, label: str):
        super().__init__([(True, "是"), (False, "否")], label=label, required=False, default=False)


class CatalogCodeWidget(widgets.Widget):
    """A classification code of the filing's year and of one catalog kind → CatalogItem pk."""

    def __init__(self, kind: str, *, lengths: tuple[int, ...], required: bool = True):
        super().__init__(coerce_to_string=True)
        self.kind = kind
        self.lengths = lengths
        self.required = required

    @property
    def kind_label(self) -> str:
        return CatalogItem.Kind(self.kind).label

    def clean(self, value, row=None, *, context, **kwargs):
        code = clean_text(value)
        if not code:
            if self.required:
                raise ValueError(f"必须填写{self.kind_label}科目编码")
            return None
        if not code.isdigit() or len(code) not in self.lengths:
            digits = "或".join(str(n) for n in self.lengths)
            raise ValueError(f"“{code}”不是{digits}位的{self.kind_label}科目编码")
        pk = context.catalog_pk(self.kind, code)
        if pk is None:
            other_years = context.catalog_years_of(self.kind, code)
            if other_years:
                years = "、".join(f"{y}年" for y in other_years)
                raise ValueError(f"科目“{code}”是{years}的科目，不在{context.year}年{self.kind_label}中")
            raise ValueError(f"科目“{code}”不在{context.year}年{self.kind_label}中")
        return pk

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""


class UnitWidget(widgets.Widget):
    """A unit of the department by code or name → its code; blank means 部门本级."""

    def clean(self, value, row=None, *, context, **kwargs):
        text = clean_text(value)
        if not text:
            if context.main_unit_code is None:
                raise ValueError("必须填写预算单位（本部门没有设置部门本级）")
            return context.main_unit_code
        code = context.unit_code(text)
        if code is None:
            raise ValueError(f"“{text}”不是本部门的预算单位，应为：{'、'.join(context.unit_names())}")
        return code

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class ProjectCodeWidget(widgets.Widget):
    """A project of the filing by its code (existing, or in the same workbook)."""

    def clean(self, value, row=None, *, context, **kwargs):
        code = clean_text(value)
        if not code:
            return None
        if code not in context.project_codes:
            raise ValueError(f"项目“{code}”不在本填报的项目中，请先在“项目”表中填写")
        return code

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""
