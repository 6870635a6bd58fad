"""A filing's facts: what its lines say, read once and shared by everything computed from them.

`filing_facts(filing=…)` returns a `FilingFacts`. Its lines are read as GROUP BY aggregates (`Fact`s: one
query for the expense lines, one for the income lines), the names of the catalog codes they use in one
more, and each other part (units, projects, procurement, assets, the 三公 statistics, last year's
filing or entered figures) in one query the first time something asks for it. The number of queries
does not grow with the number of lines.

Everything a filing publishes derives from one `FilingFacts`, none of it reading the lines again:

    facts = filing_facts(filing=filing)
    filing_figures(facts=facts)      # selectors.figures: every total, 类/款 roll-up and comparison
    compute_tables(facts=facts)      # tables.engine: the disclosure tables
    draft_sections(facts=facts)      # narrative: the 说明
    run_checks(filing=…, facts=facts)  # checks
    build_snapshot(facts=facts, …)   # selectors.snapshot: the publication (and the charts' data)

A computation derived from the facts that several of them need (the figures) is kept on the facts by
`derive`, so it is computed once per `FilingFacts`. Amounts are Decimal 元 with two places.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from disclosures.models import (
    AssetHolding,
    CatalogItem,
    ExpenseLine,
    Filing,
    IncomeLine,
    PriorYearFigure,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.money import ZERO
from disclosures.selectors.compiled import FilingObjects, FilingQuery

T = TypeVar("T")

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Fact:
    """One aggregated group of lines (a row of a GROUP BY), in 元.

    `fact` is "expense" or "income" for the lines; income facts have no economic codes, kind or project.
    The tables engine adds facts of its own kinds ("three_public_budget", "three_public_prior") for the
    figures its 三公 table prints that are not sums of lines.
    """

    fact: str
    function: str = ""
    dept_economic: str = ""
    gov_economic: str = ""
    kind: str = ""
    source: str = ""
    category: str = ""
    unit: int = 0  # the budget unit's id (0: not kept per unit)
    unit_nature: str = ""
    project: int | None = None
    budget: Decimal = ZERO  # effective budget: 调整预算 where entered, else 年初预算
    initial: Decimal = ZERO  # 年初预算
    actual: Decimal = ZERO

    def amount(self, stage: str) -> Decimal:
        value: Decimal = getattr(self, stage)
        return value


def _money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(CENT)


#: what the expense and income facts are grouped by
EXPENSE_GROUPS = (
    "function_item__code",
    "dept_economic_item__code",
    "gov_economic_item__code",
    "expense_kind",
    "funding_source",
    "unit_id",
    "unit__nature",
    "project_id",
)
INCOME_GROUPS = ("category", "source", "function_item__code", "unit_id")
#: the groups last year's figures compare by (selectors.figures: totals by kind and source, the 三公 and the
#: 机关运行经费 by 经济分类 and unit nature, income by category and source): no 功能分类, 政府经济分类, unit or
#: project, whose joins and rows the comparison never reads
COMPARABLE_EXPENSE_GROUPS = ("dept_economic_item__code", "expense_kind", "funding_source", "unit__nature")
COMPARABLE_INCOME_GROUPS = ("category", "source")


def _sums(model: type[ExpenseLine] | type[IncomeLine], groups: tuple[str, ...]) -> FilingQuery:
    """A filing's lines of `model` summed per `groups`: the groups' values, then the 年初预算, the effective
    budget (调整预算 where entered) and the 决算 (compiled once: selectors.compiled)."""
    query = FilingQuery(
        lambda filing_id: (
            model.objects.filter(filing_id=filing_id)
            .values(*groups)
            .annotate(
                initial_sum=Sum("budget_amount"),
                budget_sum=Sum(Coalesce("adjusted_amount", "budget_amount")),
                actual_sum=Sum("actual_amount"),
            )
            .order_by()
        )
    )
    if query.columns != (*groups, "initial_sum", "budget_sum", "actual_sum"):
        raise ValueError(f"unexpected columns {query.columns}")
    return query


_EXPENSE = _sums(ExpenseLine, EXPENSE_GROUPS)
_INCOME = _sums(IncomeLine, INCOME_GROUPS)
_COMPARABLE_EXPENSE = _sums(ExpenseLine, COMPARABLE_EXPENSE_GROUPS)
_COMPARABLE_INCOME = _sums(IncomeLine, COMPARABLE_INCOME_GROUPS)
#: a filing's other parts, each one read of a few rows (compiled once: selectors.compiled)
_THREE_PUBLIC_STATS = FilingObjects(ThreePublicStats)
_PROCUREMENTS = FilingObjects(Procurement)
_ASSETS = FilingObjects(AssetHolding)
_ENTERED_PRIOR = FilingQuery(lambda filing_id: PriorYearFigure.objects.filter(filing_id=filing_id).values_list("key", "amount"))


class FilingFacts:
    """The facts of one filing (its department and year loaded), each part read at most once.

    `comparable` facts (last year's filing, `previous`) are grouped only by what the comparison with last
    year reads (COMPARABLE_EXPENSE_GROUPS, COMPARABLE_INCOME_GROUPS): their sums are the same, in fewer rows."""

    def __init__(self, filing: Filing, *, comparable: bool = False) -> None:
        self.filing = filing
        self.comparable = comparable
        self._derived: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<FilingFacts of filing {self.filing.pk}>"

    def derive(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per FilingFacts: a result derived from the facts that several readers share."""
        if key not in self._derived:
            self._derived[key] = compute()
        found: T = self._derived[key]
        return found

    @cached_property
    def expense(self) -> list[Fact]:
        """The expense lines summed per 功能分类 × 经济分类 (部门 and 政府) × kind × source × unit × project."""
        if self.comparable:
            return [
                Fact("expense", "", dept or "", "", kind, source, "", 0, nature or "", None, _money(budget), _money(initial), _money(actual))
                for dept, kind, source, nature, initial, budget, actual in _COMPARABLE_EXPENSE.rows(self.filing.pk)
            ]
        return [
            Fact(
                "expense",
                function or "",
                dept or "",
                gov or "",
                kind,
                source,
                "",
                unit,
                nature or "",
                project,
                _money(budget),
                _money(initial),
                _money(actual),
            )
            for function, dept, gov, kind, source, unit, nature, project, initial, budget, actual in _EXPENSE.rows(self.filing.pk)
        ]

    @cached_property
    def income(self) -> list[Fact]:
        """The income lines summed per category × source × 功能分类 × unit."""
        if self.comparable:
            return [
                Fact("income", "", "", "", "", source, category, 0, "", None, _money(budget), _money(initial), _money(actual))
                for category, source, initial, budget, actual in _COMPARABLE_INCOME.rows(self.filing.pk)
            ]
        return [
            Fact("income", function or "", "", "", "", source, category, unit, "", None, _money(budget), _money(initial), _money(actual))
            for category, source, function, unit, initial, budget, actual in _INCOME.rows(self.filing.pk)
        ]

    @cached_property
    def lines(self) -> list[Fact]:
        """The expense facts, then the income facts."""
        return [*self.expense, *self.income]

    @cached_property
    def catalog_codes(self) -> dict[str, list[str]]:
        """The catalog codes the facts use and their parents (类/款), by catalog kind, sorted."""
        lines = self.lines
        # each distinct code once (a filing's facts repeat their codes per unit, source and kind), then its 类/款
        used = {
            CatalogItem.Kind.FUNCTION: {fact.function for fact in lines},
            CatalogItem.Kind.DEPT_ECONOMIC: {fact.dept_economic for fact in lines},
            CatalogItem.Kind.GOV_ECONOMIC: {fact.gov_economic for fact in lines},
        }
        wanted = {kind: {code[:n] for code in codes if code for n in (3, 5, 7) if n <= len(code)} for kind, codes in used.items()}
        return {str(kind): sorted(codes) for kind, codes in wanted.items()}

    @cached_property
    def names(self) -> dict[tuple[str, str], str]:
        """Catalog names by (kind, code): every code the facts use and its parents (类/款), and every
        功能分类 类 of the year (the 收支总表 list them all). One query."""
        return catalog_names(fiscal_year_id=self.filing.fiscal_year_id, codes=self.catalog_codes)

    def names_of(self, kind: str) -> dict[str, str]:
        """{code: name} of one catalog kind."""
        return {code: name for (k, code), name in self.names.items() if k == kind}

    @cached_property
    def function_classes(self) -> list[str]:
        """Every 功能分类 类 code of the filing's year, in code order."""
        return sorted(code for kind, code in self.names if kind == CatalogItem.Kind.FUNCTION and len(code) == 3)

    @cached_property
    def units(self) -> list[Unit]:
        """The department's budget units, 本级 first."""
        return list(Unit.objects.filter(department_id=self.filing.department_id).order_by("-is_main", "code"))

    @cached_property
    def three_public_stats(self) -> ThreePublicStats | None:
        """The 三公 counts and entered budgets, if the filing has them (one row at most: not ordered for `first`)."""
        return next(iter(_THREE_PUBLIC_STATS.objects(self.filing.pk)), None)

    @cached_property
    def projects(self) -> list[Project]:
        """The filing's projects with their budget unit, each holding this filing (its department and year
        loaded): the figures, the snapshot and the performance forms (evaluations.publication) read them."""
        return list(self.filing.projects.select_related("unit").order_by("order", "code"))

    @cached_property
    def procurements(self) -> dict[str, Procurement]:
        return {p.category: p for p in _PROCUREMENTS.objects(self.filing.pk)}

    @cached_property
    def assets(self) -> dict[str, AssetHolding]:
        return {a.kind: a for a in _ASSETS.objects(self.filing.pk)}

    @cached_property
    def previous(self) -> FilingFacts | None:
        """The facts of last year's filing of the same department and kind, approved or published (the
        latest version), when it is in the system: what "与上年相比" compares with (comparable facts: grouped
        only by what the comparison reads)."""
        previous = previous_filings(filing=self.filing).select_related("department", "fiscal_year").defer("published_snapshot").first()
        return FilingFacts(previous, comparable=True) if previous is not None else None

    @cached_property
    def entered_prior(self) -> dict[str, Decimal]:
        """Last year's figures the department entered (PriorYearFigure), by key."""
        return dict(_ENTERED_PRIOR.rows(self.filing.pk))


def _prepared(filing: Filing) -> Filing:
    """The filing with its department and year loaded (everything computed from the facts shows both), in
    one query when they are not; the instance itself is kept, with whatever it holds."""
    missing = [name for name in ("department", "fiscal_year") if not Filing._meta.get_field(name).is_cached(filing)]
    if missing:
        loaded = Filing.objects.select_related(*missing).get(pk=filing.pk)
        for name in missing:
            setattr(filing, name, getattr(loaded, name))
    return filing


def filing_facts(*, filing: Filing) -> FilingFacts:
    """The facts of `filing`, read as they are needed and then kept (see FilingFacts)."""
    return FilingFacts(_prepared(filing))


def facts_projects_read(facts: Sequence[FilingFacts]) -> None:
    """Read `FilingFacts.projects` of these facts, those not read yet, in one query for all: the same projects,
    in the same order, each holding its facts' filing (a chunk of a publication reads them so)."""
    unread: dict[int, list[FilingFacts]] = {}
    for one in facts:
        if "projects" not in one.__dict__:
            unread.setdefault(one.filing.pk, []).append(one)
    if not unread:
        return
    found: dict[int, list[Project]] = {pk: [] for pk in unread}
    filings = {pk: some[0].filing for pk, some in unread.items()}
    for project in Project.objects.filter(filing_id__in=sorted(unread)).select_related("unit").order_by("order", "code"):
        project.filing = filings[project.filing_id]
        found[project.filing_id].append(project)
    for pk, some in unread.items():
        for one in some:  # facts of the same filing given twice share its projects
            one.__dict__["projects"] = found[pk]


def facts_of(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> FilingFacts:
    """The facts given, else the filing's, read now: for functions callable with either."""
    if facts is not None:
        if filing is not None and filing.pk != facts.filing.pk:
            raise ValueError(f"facts of filing {facts.filing.pk} given for filing {filing.pk}")
        return facts
    if filing is None:
        raise TypeError("a filing or its facts is needed")
    return filing_facts(filing=filing)


def catalog_names(*, fiscal_year_id: int, codes: dict[str, list[str]]) -> dict[tuple[str, str], str]:
    """Names by (kind, code) of these codes of the year's catalog (kind → codes), and of every 功能分类 类."""
    return catalog_names_many(fiscal_year_id=fiscal_year_id, codes=[codes])[0]


#: A 功能分类 类 (three digits): in the query, and again to tell each code set's names apart.
_CLASS_CODE = re.compile(r"[0-9]{3}")


def catalog_names_many(*, fiscal_year_id: int, codes: list[dict[str, list[str]]]) -> list[dict[tuple[str, str], str]]:
    """`catalog_names` of the year for each of these code sets, read in one query for all."""
    wanted: dict[str, set[str]] = {}
    for kinds in codes:
        for kind, some in kinds.items():
            wanted.setdefault(kind, set()).update(some)
    condition = Q(kind=CatalogItem.Kind.FUNCTION, code__regex=f"^{_CLASS_CODE.pattern}$")
    for kind, union in wanted.items():
        if union:
            condition |= Q(kind=kind, code__in=sorted(union))
    # not ordered: the catalog's default ordering joins the fiscal years for a sort no reader of a dict needs
    items = list(CatalogItem.objects.filter(condition, fiscal_year_id=fiscal_year_id).order_by().values_list("kind", "code", "name"))
    classes = {(kind, code) for kind, code, _name in items if kind == CatalogItem.Kind.FUNCTION and _CLASS_CODE.fullmatch(code)}
    found = []
    for kinds in codes:
        keys = classes | {(kind, code) for kind, some in kinds.items() for code in some}
        found.append({(kind, code): name for kind, code, name in items if (kind, code) in keys})
    return found


def _previous_condition(filing: Filing) -> Q:
    return Q(department_id=filing.department_id, kind=filing.kind, fiscal_year__year=filing.fiscal_year.year - 1)


_PREVIOUS_STATUSES = (Filing.Status.APPROVED, Filing.Status.PUBLISHED)


def previous_filings(*, filing: Filing):
    """Last year's filings of the same department and kind that a comparison may use (approved or
    published), the latest version first: FilingFacts.previous takes the first."""
    return Filing.objects.filter(_previous_condition(filing), status__in=_PREVIOUS_STATUSES).order_by("-version")


def previous_filings_first(*, filings: list[Filing], fields: tuple[str, ...]) -> dict[int, tuple | None]:
    """For each filing (by pk), these fields of the first of its `previous_filings`, or None: one query for all."""
    if not filings:
        return {}
    condition = Q()
    for filing in filings:
        condition |= _previous_condition(filing)
    rows = Filing.objects.filter(condition, status__in=_PREVIOUS_STATUSES).order_by("-version")
    first: dict[tuple, tuple] = {}
    for department_id, kind, year, *values in rows.values_list("department_id", "kind", "fiscal_year__year", *fields):
        first.setdefault((department_id, kind, year), tuple(values))
    return {filing.pk: first.get((filing.department_id, filing.kind, filing.fiscal_year.year - 1)) for filing in filings}
