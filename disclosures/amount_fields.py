"""The form field and widget of an amount, shared by the admin (every money field of a filing's lines) and
the workspace's forms (last year's figures): typed in 元 or 万元 with thousands separators and read exactly
through disclosures.money (`parse_amount_in`), shown with separators (`amount_input_text`), never as a
float or an exponent."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from disclosures.money import AmountError, AmountUnit, amount_input_text, parse_amount_in


class AmountInput(forms.TextInput):
    """A text box that shows '3,823,120.00' (right-aligned, decimal keyboard on phones)."""

    def __init__(self, attrs=None, *, unit: str = AmountUnit.YUAN):
        self.unit = unit
        super().__init__({"inputmode": "decimal", "class": "amount-input", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        """An amount in 元 (Decimal) shown in the unit; text (what was typed, or an initial already in the
        unit) as it is."""
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value
        return amount_input_text(Decimal(value), self.unit)


class AmountField(forms.DecimalField):
    """An amount in 元 (Decimal, 2 places) typed in `unit`; accepts '1,036.03', refuses formulas, exponents
    and float noise with the Chinese message of disclosures.money."""

    widget = AmountInput

    def __init__(self, *, unit: str = AmountUnit.YUAN, max_digits=None, decimal_places=None, **kwargs):
        self.unit = unit
        kwargs.setdefault("widget", AmountInput(unit=unit))
        kwargs.pop("localize", None)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_amount_in(value, self.unit)
        except AmountError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def widget_attrs(self, widget):
        return {}  # no number input's step/min: it is a text box
