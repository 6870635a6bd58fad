"""The evaluation forms' own downloads: one workbook of grids (drawn by disclosures.parts.xlsx)."""

from disclosures.parts.xlsx import grid_workbook

__all__ = ["grid_workbook"]
