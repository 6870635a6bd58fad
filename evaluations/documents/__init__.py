"""The published evaluation forms (grids) and their xlsx/PDF renderings."""

from .layouts import FORMS, build
from .pdf import grid_html, grid_pdf
from .xlsx import grid_workbook

__all__ = ["FORMS", "build", "grid_html", "grid_pdf", "grid_workbook"]
