"""`{% load document_html %}`: the markup built in Python (disclosures.parts.html) where a template needs it."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from disclosures.parts.grid import Cell, Grid
from disclosures.parts.html import grid_html

register = template.Library()


@register.simple_tag
def grid_table(grid: Grid, rows: list[list[Cell]]) -> SafeString:
    """A printed form's table and footer (templates/disclosures/parts/_grid.html)."""
    return grid_html(grid, rows)
