"""Draw Grids as HTML (the same table the page shows) and print it to PDF with WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string

from .grid import Grid


def grid_html(grids: list[Grid]) -> str:
    return render_to_string("evaluations/documents/forms.html", {"grids": [_rows(g) for g in grids]})


def _rows(grid: Grid) -> dict:
    rows: dict[int, list] = {}
    for r, _c, cell in grid.placed():
        rows.setdefault(r, []).append(cell)
    return {"grid": grid, "rows": [rows.get(r, []) for r in range(len(grid.rows))]}


def grid_pdf(grids: list[Grid]) -> bytes:
    from weasyprint import HTML

    return HTML(string=grid_html(grids)).write_pdf()
