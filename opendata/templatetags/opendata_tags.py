from django import template

from disclosures.money import format_wan

register = template.Library()


@register.filter
def wan(value) -> str:
    """元 (Decimal or None) → 万元 with two decimals, "—" when unknown."""
    return format_wan(value) if value is not None else "—"


@register.filter
def pct(value) -> str:
    return f"{value}%" if value is not None else "—"


@register.filter
def signed_wan(value) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + format_wan(value)
