"""A printed form as a grid of cells with row/column spans, rendered the same way to xlsx and PDF.

The layouts (layouts.py) describe each published form once; xlsx.py and pdf.py only draw grids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Cell:
    value: str | Decimal | None = ""
    colspan: int = 1
    rowspan: int = 1
    kind: str = "value"  # "label" (bold, shaded), "value" (text), "num" (number, right-aligned), "head" (column heading)
    number_format: str = "0.00"

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, Decimal):
            return f"{self.value:.2f}" if self.number_format == "0.00" else str(self.value)
        return str(self.value)


def label(text, colspan=1, rowspan=1) -> Cell:
    return Cell(text, colspan, rowspan, "label")


def head(text, colspan=1, rowspan=1) -> Cell:
    return Cell(text, colspan, rowspan, "head")


def text(value, colspan=1, rowspan=1) -> Cell:
    return Cell(value or "", colspan, rowspan, "value")


def num(value: Decimal | None, colspan=1, rowspan=1, number_format="0.00") -> Cell:
    return Cell(value, colspan, rowspan, "num", number_format)


@dataclass
class Grid:
    title: str
    subtitle: str
    columns: list[float]  # widths in characters, one per column
    rows: list[list[Cell]] = field(default_factory=list)
    footer: str = ""
    filename: str = "form"

    @property
    def width(self) -> int:
        return len(self.columns)

    def add(self, *cells: Cell) -> None:
        self.rows.append(list(cells))

    def placed(self):
        """(row index, column index, cell) for every cell, skipping positions covered by earlier spans."""
        covered: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in covered:
                    c += 1
                yield r, c, cell
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        covered.add((r + dr, c + dc))
                c += cell.colspan
