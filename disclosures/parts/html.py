"""HTML of a printed form (a Grid): the table templates/disclosures/parts/_grid.html includes.

Built in Python, not by the template engine: a filing's performance forms are hundreds of cells, and the
engine's loops over them cost more than the rest of the document. Every text is escaped (`escape`:
& < > " ' as the templates' autoescape does); the column widths are localized as the template printed them.
"""

from __future__ import annotations

import functools
from html import escape

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from .grid import Cell, Grid


@functools.cache
def _td(kind: str, colspan: int, rowspan: int) -> str:
    """A cell's opening tag (a handful of distinct ones: built once per process)."""
    spans = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
    return f'<td class="{escape(kind)}"{spans}>'


def _row(row: list[Cell]) -> str:
    return "".join(f"{_td(cell.kind, cell.colspan, cell.rowspan)}{escape(cell.text)}</td>" for cell in row)


def grid_html(grid: Grid, rows: list[list[Cell]]) -> SafeString:
    """The form's table (`rows`: disclosures.parts.placed_rows of the grid) and its footer."""
    subtitle = f'<span class="grid-subtitle">{escape(grid.subtitle)}</span>' if grid.subtitle else ""
    widths = {(width.__class__, width): width for width in grid.columns}  # 12 prints "12", 12.0 "12.0"
    printed = {key: escape(str(localize(width))) for key, width in widths.items()}
    columns = "".join(f'<col style="width: {printed[width.__class__, width]}ch">' for width in grid.columns)
    parts = [
        f'<table class="form-grid">\n  <caption><span class="grid-title">{escape(grid.title)}</span>{subtitle}</caption>\n'
        f"  <colgroup>{columns}</colgroup>\n  "
    ]
    parts += [f"<tr>{_row(row)}</tr>\n  " for row in rows]
    parts.append("\n</table>\n")
    if grid.footer:
        parts.append(f'<p class="grid-footer">{escape(grid.footer)}</p>')
    parts.append("\n")
    return mark_safe("".join(parts))  # every text above is escaped
