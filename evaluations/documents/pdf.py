"""Draw Grids as HTML (the same table the page shows) and print it to PDF with WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string

from disclosures.parts.grid import placed_rows

from .grid import Grid


def grid_html(grids: list[Grid]) -> str:
    return render_to_string("evaluations/documents/forms.html", {"grids": [{"grid": g, "rows": placed_rows(g)} for g in grids]})


def grid_pdf(grids: list[Grid]) -> bytes:
    from weasyprint import HTML  # imported lazily: loading Pango/fonts is slow and only the PDF job needs it

    return HTML(string=grid_html(grids)).write_pdf()
