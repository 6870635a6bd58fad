"""Display helpers for evaluation templates (amounts in 万元, percentages)."""

from django import template

from disclosures.money import format_fraction, format_wan
from evaluations.documents.layouts import actual_display, target_display
from evaluations.scoring.numbers import num

register = template.Library()


@register.filter
def wan(amount) -> str:
    return format_wan(amount)


@register.filter
def rate(fraction) -> str:
    return "—" if fraction is None else format_fraction(fraction)


@register.filter
def target(indicator) -> str:
    return target_display(indicator)


@register.filter
def actual(result) -> str:
    return actual_display(result)


@register.filter
def plain(value) -> str:
    """95.0000 → '95'."""
    return num(value)
