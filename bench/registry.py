"""The benchmarks `bench/run.py` runs after building the synthetic county: each one a registered function
that returns rows of (figure, floor, ratio, goal).

A bench module registers its function with `@register("name")`; run.py imports the modules listed in
`BENCH_MODULES` (add yours there), runs the selected benches in the same run, prints every figure beside its
floor and the ratio, and `run.py --check` exits non-zero when a row misses its goal. The floor is what the
same amount of work costs without the app (a trivial view, a plain openpyxl write_only workbook, a plain
WeasyPrint table, a plain django-import-export Resource), measured in the same run so the machine's load
weighs on both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Row:
    figure: str
    value: float | None
    floor: float | None = None
    unit: str = "s"
    floor_label: str = ""
    #: goals of issue #13: the ratio value/floor at most `goal_ratio`, the value at most `goal_value`
    goal_ratio: float | None = None
    goal_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    def goal_text(self) -> str:
        parts = []
        if self.goal_ratio is not None:
            parts.append(f"≤ {self.goal_ratio:g}× floor")
        if self.goal_value is not None:
            parts.append(f"≤ {self.goal_value:g} {self.unit}")
        return ", ".join(parts)

    def missed(self) -> list[str]:
        """What of the row's goals the figure misses (empty when it meets them or has none)."""
        found = []
        if self.value is None and (self.goal_ratio is not None or self.goal_value is not None):
            return [f"{self.figure}: not measured"]
        ratio = self.ratio
        if self.goal_ratio is not None and (ratio is None or ratio > self.goal_ratio):
            found.append(f"{self.figure}: {ratio if ratio is None else round(ratio, 2)}× floor > {self.goal_ratio:g}×")
        if self.goal_value is not None and self.value is not None and self.value > self.goal_value:
            found.append(f"{self.figure}: {self.value:g} {self.unit} > {self.goal_value:g} {self.unit}")
        return found

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": None if self.ratio is None else round(self.ratio, 2)}


@dataclass
class Context:
    """What a bench gets: the parsed arguments, the environment of its child processes (database, media root,
    settings), and `quick` for a short run."""

    args: Any
    env: dict[str, str]
    quick: bool = False
    details: dict = field(default_factory=dict)  # a bench may leave its raw measurements here (results.json)


@dataclass
class Bench:
    name: str
    function: Callable[[Context], list[Row]]
    needs_county: bool
    description: str


BENCHES: dict[str, Bench] = {}


def register(name: str, *, needs_county: bool = True) -> Callable[[Callable[[Context], list[Row]]], Callable[[Context], list[Row]]]:
    """Register a bench under `name`; `needs_county`: it reads the synthetic county run.py builds first."""

    def decorate(function: Callable[[Context], list[Row]]) -> Callable[[Context], list[Row]]:
        BENCHES[name] = Bench(name, function, needs_county, (function.__doc__ or "").strip().split("\n")[0])
        return function

    return decorate


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def table(rows: list[tuple[str, Row]]) -> str:
    """Markdown table of (bench, row) pairs."""
    lines = ["| bench | figure | value | floor | ratio | goal | met |", "|---|---|---|---|---|---|---|"]
    for name, row in rows:
        value = f"{fmt(row.value)} {row.unit}"
        floor = f"{fmt(row.floor)} {row.unit}" + (f" ({row.floor_label})" if row.floor_label else "") if row.floor is not None else "—"
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        goal = row.goal_text() or "—"
        met = "—" if not goal or goal == "—" else ("no" if row.missed() else "yes")
        lines.append(f"| {name} | {row.figure} | {value} | {floor} | {ratio} | {goal} | {met} |")
    return "\n".join(lines)
