"""The vocabulary of a table definition: filters, amount columns, header nodes and row sources.

A table is data: which rows it lists (功能分类 类/款/项, 经济分类 类/款, funding sources, fixed rows),
which amount each column adds up (stage × expense kind × funding source × economic code), and how
the header cells merge. The engine (`engine.py`) turns a definition and a filing into a TableResult;
a province's variant is a new list of definitions, never new engine code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from disclosures.selectors.facts import Fact

Stage = Literal["budget", "initial", "actual"]
#: budget = effective budget (调整预算 where entered, else 年初预算); initial = 年初预算; actual = 决算数.
STAGES: tuple[str, ...] = ("budget", "initial", "actual")


@dataclass(frozen=True)
class Filter:
    """Which facts count. Empty tuples mean "any"; code fields are prefixes (a 类 code matches its 款 and 项)."""

    fact: str = ""
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    function: tuple[str, ...] = ()
    dept_economic: tuple[str, ...] = ()
    gov_economic: tuple[str, ...] = ()
    #: code fields that must be blank (e.g. 项目支出 lines entered without an economic code)
    without: tuple[str, ...] = ()
    #: budget units (ids) whose lines count; the rows of UnitRows set it
    units: tuple[int, ...] = ()

    def matches(self, fact: Fact) -> bool:
        if self.fact and fact.fact != self.fact:
            return False
        if self.kinds and fact.kind not in self.kinds:
            return False
        if self.sources and fact.source not in self.sources:
            return False
        if self.categories and fact.category not in self.categories:
            return False
        if self.units and fact.unit not in self.units:
            return False
        for name in ("function", "dept_economic", "gov_economic"):
            prefixes = getattr(self, name)
            if prefixes and not getattr(fact, name).startswith(prefixes):
                return False
        return not any(getattr(fact, name) for name in self.without)


ANY = Filter()


@dataclass(frozen=True)
class Amount:
    """What an amount column adds up: the facts that pass `filter`, at `stage`."""

    stage: Stage = "actual"
    filter: Filter = ANY


@dataclass(frozen=True)
class Col:
    """A header node. A leaf is a label column (role code/name/label) or an amount column (amount set).

    Leaves need a key unique within the table; a group (children set) only has a label and merges
    over its children.
    """

    label: str
    key: str = ""
    role: Literal["code", "name", "label", "line_no", "amount", "group"] = "amount"
    amount: Amount | None = None
    children: tuple[Col, ...] = ()
    width: float | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children


def code_col(label: str = "科目编码", key: str = "code") -> Col:
    return Col(label, key=key, role="code", width=12)


def name_col(label: str = "科目名称", key: str = "name") -> Col:
    return Col(label, key=key, role="name", width=34)


def label_col(label: str = "项目", key: str = "label") -> Col:
    return Col(label, key=key, role="label", width=30)


def line_no_col(label: str = "行次", key: str = "line_no") -> Col:
    """行次: the template's row number, filled in by the engine (收支总表 number both sides)."""
    return Col(label, key=key, role="line_no", width=6)


def amount_col(label: str, key: str, stage: Stage, **filter_kwargs) -> Col:
    return Col(label, key=key, role="amount", amount=Amount(stage=stage, filter=Filter(**filter_kwargs)), width=14)


def group(label: str, *children: Col) -> Col:
    return Col(label, role="group", children=tuple(children))


# Row sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionRows:
    """支出功能分类 rows down to `depth` (1 类, 2 款, 3 项), 类 and 款 subtotals computed from the lines.

    `all_classes` (depth 1) lists every 类 of the year's catalog in code order, zeros printed, as the 收支总表
    do; `numbered` prefixes the labels 一、二、… . Income facts carry a function code too (公开02, 公开08).
    """

    filter: Filter = Filter(fact="expense")
    depth: int = 3
    all_classes: bool = False
    numbered: bool = False


@dataclass(frozen=True)
class EconomicRows:
    """经济分类 rows (部门 `dept` or 政府 `gov`) down to `depth` (1 类, 2 款)."""

    catalog: Literal["dept", "gov"] = "dept"
    filter: Filter = Filter(fact="expense")
    depth: int = 2


@dataclass(frozen=True)
class UnitRows:
    """部门 = 本级 + 下属单位: the department's row (the sum) and one row per budget unit (本级 first, then by
    code), each with its unit code and name. Every unit is listed, zeros printed, as Hunan's forms do."""

    filter: Filter = Filter(fact="expense")


@dataclass(frozen=True)
class FixedRow:
    """A row that is always shown: its amount is the sum over `filters` (no filters: a heading with no amounts)."""

    label: str
    filters: tuple[Filter, ...] = ()
    level: int = 1
    bold: bool = False


@dataclass(frozen=True)
class FixedRows:
    rows: tuple[FixedRow, ...]


RowSource = FunctionRows | EconomicRows | UnitRows | FixedRows


@dataclass(frozen=True)
class Side:
    """One side of a two-sided table (收支总表: 收入 on the left, 支出 on the right)."""

    heading: str
    columns: tuple[Col, ...]
    rows: tuple[RowSource, ...]
    total: FixedRow


@dataclass(frozen=True)
class TableDefinition:
    """One published table of a table set.

    Single layout: `columns`, `rows`, and a `total` row (placed at the top as the national forms do).
    Two-sided layout: `left` and `right` sides whose rows are paired line by line, with the two
    总计 on the last line.
    """

    key: str
    number: str
    title: str
    filing_kind: Literal["budget", "final"]
    table_set: str
    columns: tuple[Col, ...] = ()
    rows: tuple[RowSource, ...] = ()
    total: FixedRow | None = None
    left: Side | None = None
    right: Side | None = None
    #: why an empty table is empty, for the note under it: 注：本部门YYYY年度<empty_reason>，故本表无数据。
    empty_reason: str = "没有相关收支"
    form_code: str = ""
    notes: tuple[str, ...] = field(default=())

    def empty_note(self, year: int) -> str:
        return f"注：本部门{year}年度{self.empty_reason}，故本表无数据。"

    @property
    def is_two_sided(self) -> bool:
        return self.left is not None and self.right is not None
