"""Compute a TableResult from a definition and a filing's facts.

The tables read no line themselves: they are computed from the filing's `FilingFacts` (selectors.facts:
the lines as GROUP BY aggregates and the catalog names, read once and shared with the figures and the
text), so the number of queries does not grow with the number of lines or tables. Every amount is a
sum in 元 over the facts that pass both the row's filter and the column's filter; 类 and 款 subtotals
are sums by code prefix, never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from disclosures.models import ZERO, CatalogItem, Filing, FundingSource
from disclosures.selectors.facts import Fact, FilingFacts
from disclosures.selectors.figures import THREE_PUBLIC_CODES, Figure, prior_figures, three_public_figures

from .result import HeaderCell, Leaf, ResultCell, ResultRow, TableResult
from .rounding import ROUNDING_NOTE, RoundingDifference, rounding_differences
from .spec import (
    Col,
    EconomicRows,
    Filter,
    FixedRow,
    FixedRows,
    FunctionRows,
    RowSource,
    Side,
    TableDefinition,
    UnitRows,
)

CODE_LENGTHS = {1: 3, 2: 5, 3: 7}
UNCLASSIFIED = "—"
NUMERALS = "一二三四五六七八九"
EMPTY: frozenset[int] = frozenset()


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五: the 一、二、… of the 收支总表's rows."""
    if n < 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else NUMERALS[tens - 1]}十{NUMERALS[ones - 1] if ones else ''}"


class TableData:
    """What every table of one filing is computed from: the filing's facts (selectors.facts), read once and
    shared with the figures and the text, plus the 三公 figures that are not sums of lines.

    `passing(filter)` remembers which facts (by position) a filter lets through, so a cell is summed
    over its row's facts only, never over all facts again: a filing with thousands of lines and a
    功能分类 table of hundreds of rows stays linear in the number of facts.
    """

    def __init__(self, source: FilingFacts) -> None:
        self.source = source
        self.filing = source.filing
        self.facts: list[Fact] = [*source.lines, *_three_public_budget_facts(source)]
        if self.filing.kind == Filing.Kind.BUDGET:
            self.facts += _three_public_prior_facts(source)
        self.names = source.names
        #: every 功能分类 类 code of the filing's year, in catalog (code) order
        self.function_classes = source.function_classes
        self._passing: dict[Filter, frozenset[int]] = {}
        self._row_facts: dict[tuple[Filter, ...], frozenset[int]] = {}
        self._amounts: dict[str, list[Decimal]] = {}
        #: the rows of each row source (engine._source_rows)
        self.source_rows: dict[RowSource, list[_Row]] = {}
        self._indexes: dict[str, dict[object, frozenset[int]]] = {}

    @cached_property
    def units(self) -> list[tuple[int, str, str]]:
        """The department's budget units as (id, code, name), 本级 first (read only for tables listing units)."""
        return [(unit.pk, unit.code, unit.name) for unit in self.source.units]

    def name(self, kind: str, code: str) -> str:
        return self.names.get((kind, code), "")

    def passing(self, flt: Filter) -> frozenset[int]:
        found = self._passing.get(flt)
        if found is None:
            found = self._passing[flt] = self._select(flt)
        return found

    def _select(self, flt: Filter) -> frozenset[int]:
        """The facts `flt.matches`, found by intersecting the facts' indexes (a few set operations in C)
        before the code prefixes and blank codes are tested fact by fact, on what is left."""
        selected = frozenset(range(len(self.facts)))
        for name, wanted in (
            ("fact", (flt.fact,) if flt.fact else ()),
            ("kind", flt.kinds),
            ("source", flt.sources),
            ("category", flt.categories),
            ("unit", flt.units),
        ):
            if wanted:
                index = self._index(name)
                if len(wanted) == 1:
                    selected = selected & index.get(wanted[0], EMPTY)
                else:
                    selected = selected & frozenset().union(*(index.get(value, EMPTY) for value in wanted))
        facts = self.facts
        for name in ("function", "dept_economic", "gov_economic"):
            prefixes = getattr(flt, name)
            if prefixes:
                selected = frozenset(i for i in selected if getattr(facts[i], name).startswith(prefixes))
        if flt.without:
            selected = frozenset(i for i in selected if not any(getattr(facts[i], name) for name in flt.without))
        return selected

    def _index(self, name: str) -> dict[object, frozenset[int]]:
        """Positions of the facts by their value of one attribute."""
        found = self._indexes.get(name)
        if found is None:
            positions: dict[object, list[int]] = {}
            for i, fact in enumerate(self.facts):
                positions.setdefault(getattr(fact, name), []).append(i)
            found = self._indexes[name] = {value: frozenset(found) for value, found in positions.items()}
        return found

    def row_facts(self, filters: tuple[Filter, ...]) -> frozenset[int] | None:
        """Positions of the facts that pass any of a row's filters; None for a row without filters (a heading)."""
        if not filters:
            return None
        if len(filters) == 1:
            return self.passing(filters[0])
        found = self._row_facts.get(filters)
        if found is None:
            found = self._row_facts[filters] = frozenset().union(*(self.passing(f) for f in filters))
        return found

    def amounts(self, stage: str) -> list[Decimal]:
        """Every fact's amount at a stage, by position."""
        found = self._amounts.get(stage)
        if found is None:
            found = self._amounts[stage] = [fact.amount(stage) for fact in self.facts]
        return found


def _three_public_budget_facts(facts: FilingFacts) -> list[Fact]:
    """The 三公 预算数 by item (fact "three_public_budget"), as the figures have them
    (selectors.figures.three_public_figures: the department's entered figure, else its lines' budget)."""
    three = three_public_figures(facts=facts)
    found = []
    for item, code in THREE_PUBLIC_CODES.items():
        figure: Figure = getattr(three, item)
        found.append(
            Fact(
                fact="three_public_budget",
                dept_economic=code,
                source=FundingSource.GENERAL_PUBLIC_BUDGET,
                initial=figure.initial_budget,
                budget=figure.budget,
                actual=ZERO,
            )
        )
    return found


THREE_PUBLIC_PRIOR_ITEMS = ("total", "overseas", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")


def _three_public_prior_facts(facts: FilingFacts) -> list[Fact]:
    """上年预算数 of the budget's 三公 table (fact "three_public_prior", category = item): last year's figures
    as the 说明 compares them (last year's approved budget in the system, else the entered 上年对比数).
    A subtotal not entered is the sum of its entered parts."""
    values = prior_figures(facts=facts).values

    def get(item: str) -> Decimal | None:
        return values.get(f"three_public.{item}")

    amounts = {item: get(item) for item in THREE_PUBLIC_PRIOR_ITEMS}
    if amounts["vehicle"] is None and (amounts["vehicle_purchase"] is not None or amounts["vehicle_operation"] is not None):
        amounts["vehicle"] = (amounts["vehicle_purchase"] or ZERO) + (amounts["vehicle_operation"] or ZERO)
    if amounts["total"] is None:
        amounts["total"] = sum((amounts[i] or ZERO for i in ("overseas", "vehicle", "reception")), ZERO)
    return [
        Fact(fact="three_public_prior", category=item, initial=amount or ZERO, budget=amount or ZERO, actual=ZERO) for item, amount in amounts.items()
    ]


# Headers -----------------------------------------------------------------------------------------


def _depth(col: Col) -> int:
    return 1 if col.is_leaf else 1 + max(_depth(c) for c in col.children)


def _width(col: Col) -> int:
    return 1 if col.is_leaf else sum(_width(c) for c in col.children)


def header_grid(columns: Iterable[Col]) -> tuple[list[list[HeaderCell]], list[Col]]:
    """The header rows (cells with colspan/rowspan, as in HTML) and the leaf columns, left to right."""
    columns = list(columns)
    depth = max(_depth(c) for c in columns)
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    leaves: list[Col] = []

    def place(col: Col, level: int) -> None:
        if col.is_leaf:
            rows[level].append(HeaderCell(col.label, colspan=1, rowspan=depth - level))
            leaves.append(col)
            return
        rows[level].append(HeaderCell(col.label, colspan=_width(col), rowspan=1))
        for child in col.children:
            place(child, level + 1)

    for col in columns:
        place(col, 0)
    return rows, leaves


# Rows --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """A row before its cells are filled: what it shows and which facts it adds up (by position; None for a
    heading, which has no amounts)."""

    facts: frozenset[int] | None
    label: str
    code: str = ""
    level: int = 1
    kind: str = "item"
    #: shown even when every amount is zero (the 收支总表 print every 类)
    keep: bool = False


#: the start of every cell's sum: a cell without facts holds 0.00
ZERO_SUM = Decimal("0.00")


def _sum(positions: frozenset[int], passes: frozenset[int], amounts: list[Decimal]) -> Decimal:
    """The sum of the amounts of the facts at `positions` that also pass a column's filter (`passes`).

    Summed in C (set intersection, map, sum) rather than fact by fact: a filing's tables have over a thousand
    amount cells of a few facts each. The order of the terms does not matter: the amounts are exact in 分,
    far from the 28 digits of Decimal's precision, so every order gives the same Decimal (exponent −2)."""
    return sum(map(amounts.__getitem__, positions & passes), ZERO_SUM)


def _with_prefix(base: Filter, field_name: str, prefix: str) -> Filter:
    return Filter(**{**base.__dict__, field_name: (prefix,)})


def _code_rows(
    data: TableData,
    *,
    base: Filter,
    field_name: str,
    catalog_kind: str,
    depth: int,
    max_level: int,
    all_classes: bool = False,
    numbered: bool = False,
) -> list[_Row]:
    # the facts by their code first (a code has many facts: units, sources, kinds), then each code's facts under
    # the code and its 类/款; the positions of a row become a set, so their order does not matter
    facts = data.facts
    by_full_code: dict[str, list[int]] = {}
    for position in data.passing(base):
        by_full_code.setdefault(getattr(facts[position], field_name), []).append(position)
    lengths = [CODE_LENGTHS[level] for level in range(1, min(depth, max_level) + 1)]
    by_code: dict[str, list[int]] = {}
    unclassified = False
    for code, positions in by_full_code.items():
        if not code:
            unclassified = True
            continue
        for length in lengths:
            if len(code) >= length:
                by_code.setdefault(code[:length], []).extend(positions)
    if all_classes:
        for code in data.function_classes:
            by_code.setdefault(code, [])
    rows = []
    # the facts of a code are known from the grouping, without a pass over all facts per row; a base with
    # its own prefix on the field is left to `passing`, where the code's prefix replaces the base's
    grouped = not getattr(base, field_name)
    for number, code in enumerate(sorted(by_code), start=1):
        level = {3: 1, 5: 2, 7: 3}[len(code)]
        is_leaf_level = level == min(depth, max_level)
        label = data.name(catalog_kind, code) or code
        rows.append(
            _Row(
                facts=frozenset(by_code[code]) if grouped else data.passing(_with_prefix(base, field_name, code)),
                label=f"{chinese_number(number)}、{label}" if numbered else label,
                code="" if all_classes else code,
                level=level,
                kind="item" if is_leaf_level else "subtotal",
                keep=all_classes,
            )
        )
    if unclassified:
        label = "未列功能分类" if field_name == "function" else "未列经济分类"
        rows.append(_Row(facts=data.passing(Filter(**{**base.__dict__, "without": (field_name,)})), label=label, code=UNCLASSIFIED, level=1))
    return rows


def _source_rows(data: TableData, source: RowSource) -> list[_Row]:
    """The rows of a source, computed once per filing: tables of a set share sources (Hunan's 20 budget
    tables list 12 distinct ones 19 times)."""
    found = data.source_rows.get(source)
    if found is None:
        found = data.source_rows[source] = _rows_of(data, source)
    return found


def _rows_of(data: TableData, source: RowSource) -> list[_Row]:
    if isinstance(source, FunctionRows):
        return _code_rows(
            data,
            base=source.filter,
            field_name="function",
            catalog_kind=CatalogItem.Kind.FUNCTION,
            depth=source.depth,
            max_level=3,
            all_classes=source.all_classes,
            numbered=source.numbered,
        )
    if isinstance(source, EconomicRows):
        field_name = "dept_economic" if source.catalog == "dept" else "gov_economic"
        kind = CatalogItem.Kind.DEPT_ECONOMIC if source.catalog == "dept" else CatalogItem.Kind.GOV_ECONOMIC
        return _code_rows(data, base=source.filter, field_name=field_name, catalog_kind=kind, depth=source.depth, max_level=2)
    if isinstance(source, UnitRows):
        return _unit_rows(data, source)
    if isinstance(source, FixedRows):
        return [_fixed(data, row) for row in source.rows]
    raise TypeError(f"unknown row source {source!r}")


def _unit_rows(data: TableData, source: UnitRows) -> list[_Row]:
    """The department (部门, the sum of its units) and then each budget unit, 本级 first."""
    department = data.filing.department
    rows = [_Row(facts=data.passing(source.filter), label=department.name, code=department.code, level=1, kind="subtotal")]
    for pk, code, name in data.units:
        rows.append(_Row(facts=data.passing(Filter(**{**source.filter.__dict__, "units": (pk,)})), label=name, code=code, level=2))
    return rows


def _fixed(data: TableData, row: FixedRow, kind: str | None = None) -> _Row:
    return _Row(
        facts=data.row_facts(row.filters),
        label=row.label,
        level=row.level,
        kind=kind or ("subtotal" if row.bold else ("heading" if not row.filters else "item")),
    )


@dataclass(frozen=True)
class _Columns:
    """The leaf columns of a table (or of one side), with what each amount column adds up: the facts its
    filter passes and their amounts at its stage, looked up once per table rather than once per cell."""

    leaves: list[Col]
    roles: list[str]
    #: per leaf: (facts passing its filter, amounts at its stage) for an amount column with an amount, else None
    sums: list[tuple[frozenset[int], list[Decimal]] | None]


def _columns(data: TableData, leaves: list[Col]) -> _Columns:
    sums: list[tuple[frozenset[int], list[Decimal]] | None] = []
    for leaf in leaves:
        amount = leaf.amount if leaf.role == "amount" else None
        sums.append((data.passing(amount.filter), data.amounts(amount.stage)) if amount is not None else None)
    return _Columns(leaves=leaves, roles=[leaf.role for leaf in leaves], sums=sums)


def _cells(data: TableData, row: _Row, columns: _Columns) -> list[ResultCell]:
    cells: list[ResultCell] = []
    roles = columns.roles
    positions = row.facts
    bold = row.kind in {"total", "subtotal"}
    for index, leaf in enumerate(columns.leaves):
        role = roles[index]
        if role == "amount":
            if positions is None:
                amount = None
            else:
                found = columns.sums[index]
                amount = _sum(positions, found[0], found[1]) if found is not None else ZERO_SUM
            cells.append(ResultCell(leaf.key, amount=amount, bold=bold))
        elif role == "code":
            if row.code:
                cells.append(ResultCell(leaf.key, text=row.code, bold=bold))
            elif index + 1 < len(roles) and roles[index + 1] == "name":
                # 合计 and other rows without a code span the code and name columns, as on the forms.
                cells.append(ResultCell(leaf.key, text=row.label, colspan=2, bold=bold))
            else:
                cells.append(ResultCell(leaf.key, bold=bold))
        elif role == "line_no":
            cells.append(ResultCell(leaf.key, centre=True, bold=bold))  # numbered once the rows are placed (_number_lines)
        elif role == "name":
            covered = not row.code and index > 0 and roles[index - 1] == "code"
            indent = max(0, row.level - 1) if row.kind != "total" else 0
            cells.append(ResultCell(leaf.key, text="" if covered else row.label, colspan=0 if covered else 1, indent=indent, bold=bold))
        else:
            indent = max(0, row.level - 1) if row.kind in {"item", "subtotal"} else 0
            cells.append(ResultCell(leaf.key, text=row.label, indent=indent, bold=bold))
    return cells


def _has_amount(cells: list[ResultCell]) -> bool:
    return any(cell.amount for cell in cells if cell.amount is not None)


def _is_dynamic(source: RowSource) -> bool:
    """Rows that come from the data: a table of only such rows and no amount is empty (and gets its note)."""
    return isinstance(source, FunctionRows | EconomicRows | UnitRows)


def _build_rows(data: TableData, sources: tuple[RowSource, ...], leaves: list[Col]) -> tuple[list[ResultRow], bool]:
    """Rows of the sources; dynamic rows whose every amount is zero are left out. Returns (rows, any dynamic data)."""
    result: list[ResultRow] = []
    dynamic_data = False
    columns = _columns(data, leaves)
    for source in sources:
        dynamic = _is_dynamic(source)
        for row in _source_rows(data, source):
            cells = _cells(data, row, columns)
            if dynamic:
                has_amount = _has_amount(cells)
                # every unit is listed (zeros printed); other dynamic rows only with an amount or when kept
                if not has_amount and not row.keep and not isinstance(source, UnitRows):
                    continue
                dynamic_data = dynamic_data or has_amount
            result.append(ResultRow(cells=cells, kind=row.kind, level=row.level, code=row.code, label=row.label))
    return result, dynamic_data


def _total_row(data: TableData, definition_total: FixedRow, sources: tuple[RowSource, ...], leaves: list[Col]) -> ResultRow:
    filters = definition_total.filters or tuple(s.filter for s in sources if isinstance(s, FunctionRows | EconomicRows | UnitRows))
    row = _Row(facts=data.row_facts(filters), label=definition_total.label, level=0, kind="total")
    return ResultRow(cells=_cells(data, row, _columns(data, leaves)), kind="total", level=0, label=definition_total.label)


def compute(definition: TableDefinition, data: TableData) -> TableResult:
    filing = data.filing
    if definition.is_two_sided:
        return _compute_two_sided(definition, data)
    header_rows, leaf_cols = header_grid(definition.columns)
    rows, dynamic_data = _build_rows(data, definition.rows, leaf_cols)
    has_dynamic = any(_is_dynamic(s) for s in definition.rows)
    empty = has_dynamic and not dynamic_data and not any(not _is_dynamic(s) for s in definition.rows)
    if definition.total is not None and not empty:
        rows.insert(0, _total_row(data, definition.total, definition.rows, leaf_cols))
    rows = [] if empty else rows
    _set_unit(rows, filing.amount_unit)
    rounding = rounding_differences(rows=rows, columns=definition.columns, unit=filing.amount_unit)
    return _result(definition, filing, header_rows, leaf_cols, rows, empty, rounding)


def _compute_two_sided(definition: TableDefinition, data: TableData) -> TableResult:
    left, right = definition.left, definition.right
    if left is None or right is None:
        raise ValueError(f"table {definition.key!r} is not two-sided")
    columns = (Col(left.heading, role="group", children=left.columns), Col(right.heading, role="group", children=right.columns))
    header_rows, leaf_cols = header_grid(columns)
    left_leaves, right_leaves = leaf_cols[: len(_leaves_of(left))], leaf_cols[len(_leaves_of(left)) :]
    unit = data.filing.amount_unit
    (left_rows, left_data), (right_rows, right_data) = _side_rows(data, left, left_leaves), _side_rows(data, right, right_leaves)
    # a table of code rows only (公开06: 人员经费 ‖ 公用经费) with no amount on either side is published empty
    only_dynamic = all(_is_dynamic(s) for s in (*left.rows, *right.rows))
    if only_dynamic and not (left_data or right_data):
        return _result(definition, data.filing, header_rows, leaf_cols, [], True, [])
    l_total = _side_total(data, left, left_leaves)
    r_total = _side_total(data, right, right_leaves)
    rounding: list[RoundingDifference] = []
    for side, side_rows, total in ((left, left_rows, l_total), (right, right_rows, r_total)):
        _set_unit([*side_rows, total], unit)
        rounding += rounding_differences(rows=[*side_rows, total], columns=side.columns, unit=unit)
    left_rows, right_rows = _aligned(left_rows, right_rows, left_leaves, right_leaves)
    height = len(left_rows)
    rows: list[ResultRow] = []
    for index in range(height):
        l_row = left_rows[index] if index < len(left_rows) else _blank(left_leaves)
        r_row = right_rows[index] if index < len(right_rows) else _blank(right_leaves)
        rows.append(
            ResultRow(
                cells=l_row.cells + r_row.cells,
                kind=_paired_kind(l_row, r_row),
                level=l_row.level,
                label=l_row.label or r_row.label,
                code=l_row.code or r_row.code,
            )
        )
    rows.append(ResultRow(cells=l_total.cells + r_total.cells, kind="total", level=0, label=l_total.label))
    after_left = _number_lines(rows, [leaf.key for leaf in left_leaves if leaf.role == "line_no"])
    _number_lines(rows, [leaf.key for leaf in right_leaves if leaf.role == "line_no"], start=after_left)
    _set_unit(rows, unit)
    return _result(definition, data.filing, header_rows, leaf_cols, rows, False, rounding)


def _paired_kind(left: ResultRow, right: ResultRow) -> str:
    """The kind of a line of a two-sided table: the sides' kind when they agree or one side is blank, else
    "item" (the cells keep their own bold: 公开06 pairs a 类 subtotal with a 款 item)."""
    if left.kind == right.kind or not any(c.text for c in right.cells):
        return left.kind
    if not any(c.text for c in left.cells):
        return right.kind
    return "item"


def _number_lines(rows: list[ResultRow], keys: list[str], *, start: int = 1) -> int:
    """Fill the 行次 columns `keys` of one side: its labelled rows numbered in order (blank padding rows stay
    blank). Returns the next number: the right side goes on from the left's, so that every 行次 of the form
    is unique, as on the 财政部 templates."""
    number = start
    for row in rows:
        for index, cell in enumerate(row.cells):
            if cell.key in keys and index > 0 and row.cells[index - 1].text:
                cell.text = str(number)
                number += 1
    return number


def _aligned(left: list[ResultRow], right: list[ResultRow], left_leaves, right_leaves) -> tuple[list[ResultRow], list[ResultRow]]:
    """Pad the item lists so that 本年收入合计 and 本年支出合计 (the first bold rows) share a line, as on the forms."""

    def split(rows):
        index = next((i for i, r in enumerate(rows) if r.kind == "subtotal" and not r.code), len(rows))
        return rows[:index], rows[index:]

    (left_body, left_tail), (right_body, right_tail) = split(left), split(right)
    body = max(len(left_body), len(right_body))
    tail = max(len(left_tail), len(right_tail))
    left = left_body + [_blank(left_leaves)] * (body - len(left_body)) + left_tail + [_blank(left_leaves)] * (tail - len(left_tail))
    right = right_body + [_blank(right_leaves)] * (body - len(right_body)) + right_tail + [_blank(right_leaves)] * (tail - len(right_tail))
    return left, right


def _leaves_of(side: Side) -> list[Col]:
    return header_grid(side.columns)[1]


def _side_rows(data: TableData, side: Side, leaves: list[Col]) -> tuple[list[ResultRow], bool]:
    return _build_rows(data, side.rows, leaves)


def _side_total(data: TableData, side: Side, leaves: list[Col]) -> ResultRow:
    row = _Row(facts=data.row_facts(side.total.filters), label=side.total.label, level=0, kind="total")
    return ResultRow(cells=_cells(data, row, _columns(data, leaves)), kind="total", level=0, label=side.total.label)


def _blank(leaves: list[Col]) -> ResultRow:
    return ResultRow(cells=[ResultCell(leaf.key, centre=leaf.role == "line_no") for leaf in leaves], kind="item", level=0)


def _set_unit(rows: list[ResultRow], unit: str) -> None:
    for row in rows:
        for cell in row.cells:
            cell.unit = unit


def _result(definition, filing, header_rows, leaf_cols, rows, empty, rounding: list[RoundingDifference]) -> TableResult:
    return TableResult(
        key=definition.key,
        number=definition.number,
        title=definition.title,
        table_set=definition.table_set,
        filing_kind=definition.filing_kind,
        department_name=filing.department.name,
        year=filing.fiscal_year.year,
        header_rows=header_rows,
        leaves=[Leaf(c.key, c.label, c.role, c.width) for c in leaf_cols],
        rows=rows,
        empty=empty,
        note=definition.empty_note(filing.fiscal_year.year) if empty else "",
        form_code=definition.form_code,
        unit=filing.amount_unit,
        rounding=rounding,
        footnotes=[ROUNDING_NOTE] if rounding else [],
    )
