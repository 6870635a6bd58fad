"""Filters of the line editor's templates."""

from django import template

from disclosures.money import format_grouped

register = template.Library()


@register.filter
def grouped(amount, unit: str) -> str:
    """元 → the unit (元 or 万元), two decimals, thousands separated: '1,382.31'."""
    return format_grouped(amount, unit)
