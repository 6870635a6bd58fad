"""尾差: where a printed subtotal differs from the sum of its printed items because each is rounded on its own.

Amounts are exact in 元; a table in 万元 prints every figure rounded to 0.01 万元 separately, so a 类 or a
合计 can print 7.58 while its items print 7.60 in all. The forms' rule: never adjust figures to hide it,
print `ROUNDING_NOTE` under the table. The engine runs `rounding_differences` on every table it
computes and adds the note itself when one occurs; the `table_rounding` check (disclosures.checks) reports
each difference as a warning, so the department sees where and that the note is printed.

Which figures are sums is read from the table itself, for every table of every set:
- rows: a 类/款 code row and its 款/项 rows, a 部门 and its units; a bold row without a code (本年收入合计)
  and the top-level rows above it; the total row (合计/总计) and every top-level row that is not a subtotal;
- columns: the first amount column of a header group labelled 合计 or 小计 (or …合计) and its sibling columns (a sibling
  group counting by its own 合计/小计 column, or else by all its columns, as the 款 under their 类 in
  Hunan's detail tables).
A candidate counts only when it holds exactly in 元, so rows or columns that merely sit side by side (预算数
beside 决算数) are never compared. In 元 nothing is rounded and there is nothing to note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from disclosures.money import AmountUnit, format_printed, in_unit, unit_label

from .result import ResultRow
from .spec import Col

ROUNDING_NOTE = "注：本表数据因四舍五入，合计数与分项之和可能存在尾差。"
TOTAL_LABELS = ("合计", "小计")  # a column labelled so, or ending so (本年支出合计)


@dataclass(frozen=True)
class RoundingDifference:
    """One printed subtotal that is not the sum of its printed items (both in the table's unit)."""

    row: str
    column: str
    printed: Decimal
    parts: Decimal
    unit: str = AmountUnit.WAN

    @property
    def cell(self) -> str:
        return f"{self.row} · {self.column}" if self.column else self.row

    @property
    def message(self) -> str:
        label = unit_label(self.unit)
        return (
            f"“{self.cell}”公开为{format_printed(self.printed, self.unit)}{label}，其各分项按公开数相加为"
            f"{format_printed(self.parts, self.unit)}{label}，相差{self.printed - self.parts:+.2f}{label}（按元计算相等）。"
        )


def _row_name(row: ResultRow) -> str:
    return f"{row.code} {row.label}" if row.code and row.code != row.label else row.label


def _is_top_level(row: ResultRow) -> bool:
    return row.level <= 1 and row.kind in {"item", "subtotal"}


def _row_relations(rows: Sequence[ResultRow]) -> list[tuple[ResultRow, list[ResultRow]]]:
    relations: list[tuple[ResultRow, list[ResultRow]]] = []
    # a coded subtotal (类, 款, the 部门 of its units) and the rows one level below it that follow it
    for index, row in enumerate(rows):
        if row.kind != "subtotal" or not row.code:
            continue
        children = []
        for child in rows[index + 1 :]:
            if child.level <= row.level:
                break
            if child.level == row.level + 1:
                children.append(child)
        if children:
            relations.append((row, children))
    section: list[ResultRow] = []
    for row in rows:
        if row.kind == "subtotal" and not row.code:
            if section:
                relations.append((row, section))
            section = []
        elif row.kind == "total":
            section = []
        elif _is_top_level(row):
            section.append(row)
    parts = [r for r in rows if _is_top_level(r) and not (r.kind == "subtotal" and not r.code)]
    relations += [(row, parts) for row in rows if row.kind == "total" and parts]
    return relations


def _parts(col: Col) -> list[str]:
    """The amount keys a column adds to its siblings' 合计: itself, a group's 合计/小计 column, or else every
    amount column of the group."""
    if col.is_leaf:
        return [col.key] if col.role == "amount" else []
    first = next((c for c in col.children if c.is_leaf and c.role == "amount"), None)
    if first is not None and first.label.endswith(TOTAL_LABELS):
        return [first.key]
    return [key for child in col.children for key in _parts(child)]


def _column_relations(columns: Sequence[Col]) -> list[tuple[str, list[str]]]:
    relations: list[tuple[str, list[str]]] = []
    amounts = [c for c in columns if c.role == "amount" or not c.is_leaf]
    if amounts and amounts[0].is_leaf and amounts[0].label.endswith(TOTAL_LABELS) and len(amounts) > 1:
        parts = [key for c in amounts[1:] for key in _parts(c)]
        if parts:
            relations.append((amounts[0].key, parts))
    for col in columns:
        if not col.is_leaf:
            relations += _column_relations(col.children)
    return relations


def _column_names(columns: Sequence[Col], prefix: str = "") -> dict[str, str]:
    names: dict[str, str] = {}
    for col in columns:
        label = f"{prefix}{col.label}"
        if col.is_leaf:
            names[col.key] = label
        else:
            names.update(_column_names(col.children, f"{label}/"))
    return names


#: what a zero amount other than −0 prints (in_unit's result, not computed for the many zero cells)
PRINTED_ZERO = Decimal("0.00")

#: an amount cell: its amount in 元 and what it prints in its unit
_Amount = tuple[Decimal, Decimal]


def _amounts(row: ResultRow) -> dict[str, _Amount]:
    """The row's amount cells by key (its first cell of a key, as ResultRow.cell), each with what it prints,
    computed once per cell: a cell is compared as an item of its 类, a top-level row of the total and a part
    of its row's 合计 column."""
    found: dict[str, _Amount] = {}
    seen: set[str] = set()
    for cell in row.cells:
        key = cell.key
        if key in seen:
            continue
        seen.add(key)
        amount = cell.amount
        if amount is not None:
            found[key] = (amount, PRINTED_ZERO if not amount and not amount.is_signed() else in_unit(amount, cell.unit))
    return found


def _compare(total: _Amount | None, parts: list[_Amount | None]) -> tuple[Decimal, Decimal] | None:
    """(printed total, sum of printed parts) when the total is their sum in 元 but not in print."""
    if total is None or not parts:
        return None
    exact, printed_parts = Decimal(0), PRINTED_ZERO
    for part in parts:
        if part is None:
            return None
        exact += part[0]
        printed_parts += part[1]
    if total[0] != exact:
        return None
    printed = total[1]
    return (printed, printed_parts) if printed != printed_parts else None


def rounding_differences(*, rows: Sequence[ResultRow], columns: Sequence[Col], unit: str) -> list[RoundingDifference]:
    """Every printed subtotal of the rows (one table, or one side of a two-sided table) that differs from the
    sum of its printed items. Empty in 元."""
    if AmountUnit(unit) == AmountUnit.YUAN:
        return []
    names = _column_names(columns)
    keys = [c.key for c in _leaves(columns) if c.role == "amount"]
    found: list[RoundingDifference] = []
    seen: set[tuple[int, str]] = set()
    amounts = {id(row): _amounts(row) for row in rows}

    def add(row: ResultRow, key: str, result: tuple[Decimal, Decimal] | None) -> None:
        if result is not None and (id(row), key) not in seen:
            seen.add((id(row), key))
            found.append(RoundingDifference(row=_row_name(row), column=names.get(key, ""), printed=result[0], parts=result[1], unit=unit))

    for parent, children in _row_relations(rows):
        of_parent, of_children = amounts[id(parent)], [amounts[id(child)] for child in children]
        for key in keys:
            add(parent, key, _compare(of_parent.get(key), [of_child.get(key) for of_child in of_children]))
    for total_key, part_keys in _column_relations(columns):
        for row in rows:
            of_row = amounts[id(row)]
            add(row, total_key, _compare(of_row.get(total_key), [of_row.get(k) for k in part_keys]))
    return found


def _leaves(columns: Sequence[Col]) -> list[Col]:
    leaves: list[Col] = []
    for col in columns:
        leaves += [col] if col.is_leaf else _leaves(col.children)
    return leaves
