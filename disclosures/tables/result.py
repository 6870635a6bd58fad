"""A computed table: header grid with merges, rows of cells. Amounts stay in 元; `display` and `value` show
them in the filing's unit (万元 or 元, `TableResult.unit`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from disclosures.money import AmountUnit, format_amount, in_unit, to_wan, unit_label


@dataclass
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Leaf:
    """A column of the body: its key, its header label and whether it holds text or an amount."""

    key: str
    label: str
    role: str
    width: float | None = None

    @property
    def is_amount(self) -> bool:
        return self.role == "amount"


@dataclass
class ResultCell:
    key: str
    text: str = ""
    amount: Decimal | None = None
    colspan: int = 1
    indent: int = 0
    bold: bool = False
    unit: str = AmountUnit.WAN
    centre: bool = False  # text centred in its cell (行次)

    @property
    def is_amount(self) -> bool:
        return self.amount is not None

    @property
    def wan(self) -> Decimal | None:
        return to_wan(self.amount) if self.amount is not None else None

    @property
    def value(self) -> Decimal | None:
        """The amount as printed, in the table's unit (2 decimals)."""
        return in_unit(self.amount, self.unit) if self.amount is not None else None

    @property
    def display(self) -> str:
        return format_amount(self.amount, self.unit) if self.amount is not None else self.text

    @property
    def covered(self) -> bool:
        """True for a cell merged into the one on its left (colspan 0)."""
        return self.colspan == 0


@dataclass
class ResultRow:
    cells: list[ResultCell]
    kind: str = "item"  # total | subtotal | item | heading
    level: int = 0
    code: str = ""
    label: str = ""

    @property
    def bold(self) -> bool:
        return self.kind in {"total", "subtotal"}

    def cell(self, key: str) -> ResultCell:
        for cell in self.cells:
            if cell.key == key:
                return cell
        raise KeyError(key)

    def amount(self, key: str) -> Decimal:
        value = self.cell(key).amount
        if value is None:
            raise KeyError(f"{key} holds no amount")
        return value

    def wan(self, key: str) -> Decimal:
        return to_wan(self.amount(key))

    def printed(self, key: str) -> Decimal:
        """The amount of a column as the table prints it, in the table's unit."""
        value = self.cell(key).value
        if value is None:
            raise KeyError(f"{key} holds no amount")
        return value


@dataclass
class TableResult:
    key: str
    number: str
    title: str
    table_set: str
    filing_kind: str
    department_name: str
    year: int
    header_rows: list[list[HeaderCell]]
    leaves: list[Leaf]
    rows: list[ResultRow] = field(default_factory=list)
    empty: bool = False
    note: str = ""
    form_code: str = ""
    unit: str = AmountUnit.WAN
    #: notes printed under the table (e.g. the 尾差 note), in order
    footnotes: list[str] = field(default_factory=list)
    #: printed subtotals that differ from the sum of their printed items (tables.rounding); the 尾差 note is in footnotes
    rounding: list = field(default_factory=list)

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)

    @property
    def unit_line(self) -> str:
        """The line above the grid on the right: `<表号>　单位：万元` (forms.md; a full-width space between)."""
        return f"{self.form_code}\u3000单位：{self.unit_label}" if self.form_code else f"单位：{self.unit_label}"

    @property
    def column_count(self) -> int:
        return len(self.leaves)

    @property
    def full_title(self) -> str:
        return f"{self.year}年{self.title}" if self.year else self.title

    @property
    def numbered_title(self) -> str:
        return f"表{self.number} {self.title}"

    def row(self, *, code: str | None = None, label: str | None = None) -> ResultRow:
        """The first row with this code, or with a text cell equal to `label` (either side of a 收支总表)."""
        for row in self.rows:
            if code is not None and row.code == code:
                return row
            if label is not None and any(c.text == label for c in row.cells if not c.is_amount):
                return row
        raise KeyError(code or label)

    @property
    def total_row(self) -> ResultRow | None:
        return next((r for r in self.rows if r.kind == "total"), None)
