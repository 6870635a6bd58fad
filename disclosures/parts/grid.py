"""A printed form as a grid of cells with row/column spans, rendered the same way to xlsx, HTML and PDF.

Other apps describe their forms as Grids (evaluations' performance forms); this package only draws them.
A Grid goes into the published snapshot as JSON (`to_dict` / `grid_from_dict`), so the public page and
the documents of a publication draw the forms as they were at publication.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from disclosures.money import AmountUnit, format_number, in_unit

#: Excel formats of amounts: 万元 as the forms print them ('12.60'), 元 with thousands separated ('126,000.00').
AMOUNT_FORMATS = {AmountUnit.WAN: "0.00", AmountUnit.YUAN: "#,##0.00"}


@dataclass(slots=True)
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
            if self.number_format in ("0.00", "#,##0.00"):
                return format_number(self.value, places=2, grouping=self.number_format == "#,##0.00")
            return format_number(self.value)
        return str(self.value)


def label(text, colspan=1, rowspan=1) -> Cell:
    return Cell(text, colspan, rowspan, "label")


def head(text, colspan=1, rowspan=1) -> Cell:
    return Cell(text, colspan, rowspan, "head")


def text(value, colspan=1, rowspan=1) -> Cell:
    return Cell(value or "", colspan, rowspan, "value")


def num(value: Decimal | None, colspan=1, rowspan=1, number_format="0.00") -> Cell:
    return Cell(value, colspan, rowspan, "num", number_format)


def money(amount: Decimal | None, unit: str, colspan=1, rowspan=1) -> Cell:
    """An amount in 元 printed in the filing's unit (万元 or 元); None stays an empty cell."""
    value = in_unit(amount, unit) if amount is not None else None
    return Cell(value, colspan, rowspan, "num", AMOUNT_FORMATS[AmountUnit(unit)])


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

    def to_dict(self) -> dict:
        """JSON for the snapshot: numbers as strings of their Decimal, never float."""
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "columns": [float(c) for c in self.columns],
            "footer": self.footer,
            "filename": self.filename,
            "rows": [[cell_to_dict(cell) for cell in row] for row in self.rows],
        }

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


def cell_to_dict(cell: Cell) -> dict:
    """A cell as the snapshot stores it: a number as the string of its Decimal (`d`), else its text. (Written
    out, not through `Cell.text`: a year's publication stores some 70,000 cells a chunk of 60 filings.)"""
    value = cell.value
    if isinstance(value, Decimal):
        return {"v": str(value), "cs": cell.colspan, "rs": cell.rowspan, "k": cell.kind, "f": cell.number_format, "d": True}
    return {"v": "" if value is None else str(value), "cs": cell.colspan, "rs": cell.rowspan, "k": cell.kind, "f": cell.number_format, "d": False}


def grid_from_dict(data: dict) -> Grid:
    """The Grid stored by `Grid.to_dict`."""
    grid = Grid(data["title"], data.get("subtitle", ""), list(data["columns"]), footer=data.get("footer", ""), filename=data.get("filename", "form"))
    for row in data["rows"]:
        grid.rows.append([Cell(Decimal(c["v"]) if c.get("d") else c["v"], c["cs"], c["rs"], c["k"], c.get("f", "0.00")) for c in row])
    return grid


def placed_rows(grid: Grid) -> list[list[Cell]]:
    """The cells of each row that a HTML table writes (those covered by an earlier span left out)."""
    rows: dict[int, list[Cell]] = {}
    for r, _c, cell in grid.placed():
        rows.setdefault(r, []).append(cell)
    return [rows.get(r, []) for r in range(len(grid.rows))]
