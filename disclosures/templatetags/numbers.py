"""Template filters for numbers: `{% load numbers %}`. Each is a thin wrapper of disclosures.money, the one
place that formats amounts, percentages and indicator values (no exponent, thousands separated).

- `{{ amount|yuan }}` an amount in 元: '3,823,120.00'
- `{{ amount|figure:filing.amount_unit }}` in the filing's unit: '382.31' (万元) or '3,823,120.00' (元)
- `{{ value|number }}` plain: '95', '0.5', '100' (never '1E+2'); `{{ value|number:2 }}` two places
- `{{ value|percent }}` a percent: '57.6%'; `{{ fraction|fraction }}` a fraction as percent: '57.59%'
- `{{ indicator|indicator }}` an Indicator or a snapshot's indicator dict: '≥90%'
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from disclosures.money import AmountUnit, format_figure, format_fraction, format_indicator, format_number, format_percent

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@register.filter
def yuan(amount) -> str:
    return format_figure(_decimal(amount), AmountUnit.YUAN)


@register.filter
def figure(amount, unit: str = AmountUnit.WAN) -> str:
    return format_figure(_decimal(amount), unit or AmountUnit.WAN)


@register.filter
def number(value, places=None) -> str:
    number = _decimal(value)
    if number is None:
        return "—" if value in (None, "") else str(value)
    return format_number(number, places=int(places) if places not in (None, "") else None, grouping=True)


@register.filter
def percent(value, places=1) -> str:
    return format_percent(_decimal(value), int(places))


@register.filter
def fraction(value, places=2) -> str:
    return format_fraction(_decimal(value), int(places))


@register.filter
def indicator(item) -> str:
    """An evaluations Indicator (model) or the dict a published snapshot stores for one."""
    if isinstance(item, dict):
        return format_indicator(
            comparator=str(item.get("comparator") or ""), value=None, text=str(item.get("target") or ""), unit=str(item.get("unit") or "")
        )
    comparator = "" if item.comparator == "qualitative" else item.get_comparator_display()
    return format_indicator(comparator=comparator, value=item.target_value, text=item.target_text, unit=item.unit)
