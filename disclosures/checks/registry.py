"""The registry of checks a reviewer wants run on a filing.

A check is data: a key, a severity (error blocks submission, warning needs an explanation), a title and
a function `fn(ctx: CheckContext) -> Iterable[Problem]`. The built-in checks (`builtin`) register when
DisclosuresConfig.ready() imports them; other apps add theirs with `register(...)` in their own
AppConfig.ready(), so disclosures never imports them. Registering a key again replaces the check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from disclosures.models import ExpenseLine, Filing, IncomeLine
from disclosures.narrative import Section, draft_sections
from disclosures.selectors.facts import FilingFacts, facts_of
from disclosures.selectors.figures import FilingFigures, filing_figures
from disclosures.tables import TableResult, compute_tables

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "提示"}


@dataclass(frozen=True)
class Location:
    """Where the problem is: a table, a line, a cell, a project — any that apply."""

    table: str = ""
    line_id: int | None = None
    cell: str = ""
    project_code: str = ""
    reason: str = ""  # the reason slot (Filing.reasons key) whose field fixes it; not printed

    def __str__(self) -> str:
        parts = [self.table]
        if self.line_id is not None:
            parts.append(f"支出明细#{self.line_id}")
        parts.append(self.cell)
        if self.project_code:
            parts.append(f"项目 {self.project_code}")
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class Problem:
    """What a check function yields; `severity` overrides the check's own when given."""

    location: Location
    message: str
    fix: str
    severity: str | None = None


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    title: str
    location: Location
    message: str
    fix: str

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


@dataclass(frozen=True)
class Check:
    key: str
    severity: str
    title: str
    function: Callable[[CheckContext], Iterable[Problem]]
    kinds: tuple[str, ...] | None = None  # filing kinds it applies to; None = all


@dataclass(frozen=True)
class CheckReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        """No errors (warnings do not block submission)."""
        return not self.errors


class CheckContext:
    """What the checks read, loaded once per run: the filing's facts (selectors.facts) and what derives from
    them (figures, tables, text), and its lines one by one for the checks that name a line."""

    def __init__(self, filing: Filing, facts: FilingFacts | None = None) -> None:
        self.facts = facts_of(filing=filing, facts=facts)
        self.filing = self.facts.filing
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per run: for checks of another app that share one computation (name the key after the app)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def figures(self) -> FilingFigures:
        return filing_figures(facts=self.facts)

    @cached_property
    def tables(self) -> list[TableResult]:
        return compute_tables(facts=self.facts)

    @cached_property
    def expense_lines(self) -> list[ExpenseLine]:
        return list(ExpenseLine.objects.filter(filing=self.filing).select_related("function_item", "dept_economic_item", "project"))

    @cached_property
    def income_lines(self) -> list[IncomeLine]:
        return list(IncomeLine.objects.filter(filing=self.filing).select_related("unit", "function_item"))

    @cached_property
    def sections(self) -> list[Section]:
        return draft_sections(facts=self.facts)

    def reason(self, key: str) -> str:
        return str((self.filing.reasons or {}).get(key) or "").strip()


REGISTRY: dict[str, Check] = {}


def register(
    key: str,
    *,
    severity: str,
    title: str,
    function: Callable[[CheckContext], Iterable[Problem]] | None = None,
    kinds: Iterable[str] | None = None,
):
    """Add a check. Use as `register("key", severity=ERROR, title="…", function=fn)` or as a decorator."""
    if severity not in SEVERITY_LABELS:
        raise ValueError(f"severity must be one of {sorted(SEVERITY_LABELS)}")

    def add(fn: Callable[[CheckContext], Iterable[Problem]]):
        REGISTRY[key] = Check(key=key, severity=severity, title=title, function=fn, kinds=tuple(kinds) if kinds else None)
        return fn

    return add(function) if function is not None else add


def unregister(key: str) -> None:
    REGISTRY.pop(key, None)


def registered_checks() -> list[Check]:
    """The checks in the order they were registered: the built-in ones (DisclosuresConfig.ready), then other apps'."""
    return list(REGISTRY.values())


def run_checks(*, filing: Filing, facts: FilingFacts | None = None) -> CheckReport:
    """Run every registered check that applies to the filing's kind; errors first, then warnings. `facts`:
    the filing's facts when the caller has read them already."""
    ctx = CheckContext(filing, facts)
    findings: list[Finding] = []
    for check in registered_checks():
        if check.kinds and filing.kind not in check.kinds:
            continue
        for problem in check.function(ctx):
            findings.append(
                Finding(
                    check=check.key,
                    severity=problem.severity or check.severity,
                    title=check.title,
                    location=problem.location,
                    message=problem.message,
                    fix=problem.fix,
                )
            )
    findings.sort(key=lambda f: f.severity != ERROR)
    return CheckReport(findings=findings)
