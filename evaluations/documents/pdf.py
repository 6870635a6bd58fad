"""Draw Grids as HTML (the same table the page shows) and print it to PDF as the disclosure is printed
(disclosures.tables.pdf: headless Chromium)."""

from __future__ import annotations

from django.template.loader import render_to_string

from disclosures.parts.grid import placed_rows
from disclosures.tables.pdf import render_pdf

from .grid import Grid


def grid_html(grids: list[Grid]) -> str:
    return render_to_string("evaluations/documents/forms.html", {"grids": [{"grid": g, "rows": placed_rows(g)} for g in grids]})


def grid_pdf(grids: list[Grid]) -> bytes:
    return render_pdf(grid_html(grids))
