"""Parts of a publication that other apps contribute (see registry.py), and the printed-form grids they use."""

from .grid import Cell, Grid, grid_from_dict, placed_rows
from .registry import DrawnPart, Part, parts_from_json, publication_parts, publication_parts_many, register_part

__all__ = [
    "Cell",
    "DrawnPart",
    "Grid",
    "Part",
    "grid_from_dict",
    "parts_from_json",
    "placed_rows",
    "publication_parts",
    "publication_parts_many",
    "register_part",
]
