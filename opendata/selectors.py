"""What the open-data pages, downloads and the API read: published filings and their frozen snapshots.

This is the only module of the app that looks inside a snapshot. Snapshots are JSON written by
`disclosures.selectors.snapshot.build_snapshot` at publication, and other work changes that structure
(fields are added over time, and old snapshots keep the shape they were published with), so every
value is read defensively: a missing key is "unknown" (None), never an exception, and amounts are
parsed from their decimal strings into `Decimal` 元 with two places.

Which filings exist publicly is decided by `disclosures.selectors.public` (published, with a snapshot;
the newest version of each department × year × kind). Nothing here queries a draft, submitted,
returned or approved filing.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Max
from django.utils import timezone

from disclosures.models import Filing
from disclosures.money import CENT, percent
from disclosures.selectors.bureau import PUBLICATION_DEADLINE_DAYS, publication_deadline
from disclosures.selectors.figures import THREE_PUBLIC_ITEMS
from disclosures.selectors.public import public_filing_list, published_filings
from disclosures.selectors.snapshot import published_snapshot

#: Key figures followed across years on a department's page: (snapshot key, label).
SERIES_FIGURES: tuple[tuple[str, str], ...] = (
    ("total", "收支总计"),
    ("expense", "本年支出合计"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("three_public.total", "“三公”经费合计"),
    ("operating_costs", "机关运行经费"),
)

KIND_LABELS = dict(Filing.Kind.choices)


def amount(value) -> Decimal | None:
    """A snapshot amount ("123.45", 123, None, "") as Decimal 元 with two places, or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        return None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class PublishedFiling:
    """The current published version of one department's budget or final accounts, with its snapshot."""

    pk: int
    department: str
    department_code: str
    year: int
    kind: str
    version: int
    published_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    snapshot: dict = field(repr=False, compare=False)

    @property
    def kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def title(self) -> str:
        return f"{self.department}{self.year}年{self.kind_display}"

    # ---- figures, in 元 -------------------------------------------------------------------------

    def key_figure(self, key: str) -> Decimal | None:
        for row in _list(self.snapshot.get("key_figures")):
            if isinstance(row, dict) and row.get("key") == key:
                return amount(row.get("amount"))
        if key.startswith("three_public."):
            item = key.split(".", 1)[1]
            if item in self.three_public:
                return self.three_public[item]
        return None

    def prior_figure(self, key: str) -> Decimal | None:
        """Last year's figure as the filing itself published it (与上年相比), when it gave one."""
        for row in _list(self.snapshot.get("key_figures")):
            if isinstance(row, dict) and row.get("key") == key:
                return amount(row.get("prior"))
        return None

    @property
    def three_public(self) -> dict[str, Decimal]:
        """The four 三公 items (元) from the chart data, which lists them by label in a fixed order."""
        by_label: dict[str, Decimal] = {}
        for pair in _list(_dict(self.snapshot.get("charts")).get("three_public")):
            if isinstance(pair, (list, tuple)) and len(pair) >= 2 and (value := amount(pair[1])) is not None:
                by_label[str(pair[0])] = value
        return {key: by_label[label] for key, label in THREE_PUBLIC_ITEMS if label in by_label}

    @property
    def expense_by_class(self) -> list[tuple[str, str, Decimal]]:
        """(功能分类 类 code, name, 元) of this filing's spending; the code is looked up in its tables."""
        codes: dict[str, str] = {}
        for table in _list(self.snapshot.get("tables")):
            for row in _list(_dict(table).get("rows")):
                row = _dict(row)
                code = str(row.get("code") or "")
                if len(code) != 3 or row.get("level") not in (1, None):
                    continue
                for cell in _list(row.get("cells")):
                    cell = _dict(cell)
                    if cell.get("key") == "name" and cell.get("text"):
                        codes.setdefault(str(cell["text"]).strip(), code)
        rows = []
        for pair in _list(_dict(self.snapshot.get("charts")).get("expense_by_class")):
            if isinstance(pair, (list, tuple)) and len(pair) >= 2 and (value := amount(pair[1])) is not None:
                name = str(pair[0])
                rows.append((codes.get(name, ""), name, value))
        return rows

    @property
    def projects(self) -> list[dict]:
        return [p for p in _list(self.snapshot.get("projects")) if isinstance(p, dict)]

    @property
    def tables(self) -> list[dict]:
        return [t for t in _list(self.snapshot.get("tables")) if isinstance(t, dict)]

    @property
    def publication_days(self) -> int | None:
        """Days from approval (批复) to publication, counted as the bureau's dashboard counts them."""
        if self.approved_at is None or self.published_at is None:
            return None
        days, _state, _left = publication_deadline(filing=self)  # type: ignore[arg-type]
        return days

    @property
    def in_time(self) -> bool | None:
        """Whether the filing was published within the 20-day rule (None when the approval date is unknown)."""
        days = self.publication_days
        return None if days is None else days <= PUBLICATION_DEADLINE_DAYS


def current_filings(*, year: int | None = None, kind: str | None = None, department: str = "") -> list[PublishedFiling]:
    """The current published version of every filing, newest year first, then by department code.

    `department` matches a department's code or its exact name. Three queries whatever the county's size.
    """
    department = department.strip()
    rows = public_filing_list(year=year)
    if kind:
        rows = [r for r in rows if r.kind == kind]
    if department:
        rows = [r for r in rows if department in (r.department_code, r.department)]
    if not rows:
        return []
    extra = {
        f.pk: f
        for f in published_filings()
        .filter(pk__in=[r.pk for r in rows])
        .only("pk", "published_snapshot", "published_parts", "approved_at", "published_at")
        .order_by()
    }
    result = []
    for r in rows:
        data = extra.get(r.pk)
        if data is None:  # unpublished between the two queries
            continue
        result.append(
            PublishedFiling(
                pk=r.pk,
                department=r.department,
                department_code=r.department_code,
                year=r.year,
                kind=r.kind,
                version=r.version,
                published_at=data.published_at,
                approved_at=data.approved_at,
                snapshot=_dict(published_snapshot(data)),
            )
        )
    return result


def last_published_at(*, year: int | None = None) -> datetime.datetime | None:
    """The newest publication (of a year): what ETag and Last-Modified of the data are derived from."""
    filings = published_filings()
    if year is not None:
        filings = filings.filter(fiscal_year__year=year)
    return filings.aggregate(last=Max("published_at"))["last"]


def data_stamp(filings: list[PublishedFiling]) -> str:
    """A short tag that changes whenever any of these filings is published, corrected or withdrawn."""
    text = "|".join(f"{f.pk}:{f.version}:{f.published_at.isoformat() if f.published_at else ''}" for f in filings)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def newest(filings: list[PublishedFiling]) -> datetime.datetime | None:
    stamps = [f.published_at for f in filings if f.published_at is not None]
    return max(stamps) if stamps else None


# ------------------------------------------------------------------------------ county overview


@dataclass
class OverviewRow:
    filing: PublishedFiling
    total: Decimal | None
    basic: Decimal | None
    project: Decimal | None
    three_public: dict[str, Decimal | None]
    three_public_total: Decimal | None
    operating_costs: Decimal | None
    three_public_prior: Decimal | None = None
    three_public_change: Decimal | None = None
    three_public_change_pct: Decimal | None = None

    @property
    def three_public_items(self) -> list[Decimal | None]:
        return [self.three_public.get(key) for key, _label in THREE_PUBLIC_ITEMS]


@dataclass
class CountyOverview:
    year: int
    kind: str
    rows: list[OverviewRow]
    by_class: list[tuple[str, str, Decimal]]  # (code, name, 元) summed over departments, largest first
    three_ranking: list[OverviewRow]
    totals: dict[str, Decimal]
    filings: list[PublishedFiling]

    @property
    def kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


OVERVIEW_SORTS = {
    "department": lambda r: r.filing.department_code,
    "total": lambda r: r.total or Decimal(0),
    "basic": lambda r: r.basic or Decimal(0),
    "project": lambda r: r.project or Decimal(0),
    "three": lambda r: r.three_public_total or Decimal(0),
    "operating": lambda r: r.operating_costs or Decimal(0),
    "published": lambda r: r.filing.published_at or timezone.now(),
    "days": lambda r: r.filing.publication_days if r.filing.publication_days is not None else 10**6,
}


def county_overview(*, year: int, kind: str = Filing.Kind.BUDGET, sort: str = "department", descending: bool = False) -> CountyOverview:
    """Every department's current published filing of one year and kind, with the county's sums."""
    filings = current_filings(year=year, kind=kind)
    last_year = {f.department_code: f for f in current_filings(year=year - 1, kind=kind)}
    rows = []
    for f in filings:
        three = f.three_public
        row = OverviewRow(
            filing=f,
            total=f.key_figure("total"),
            basic=f.key_figure("basic"),
            project=f.key_figure("project"),
            three_public={key: three.get(key) for key, _ in THREE_PUBLIC_ITEMS},
            three_public_total=f.key_figure("three_public.total"),
            operating_costs=f.key_figure("operating_costs"),
        )
        prior = f.prior_figure("three_public.total")
        if prior is None and f.department_code in last_year:
            prior = last_year[f.department_code].key_figure("three_public.total")
        row.three_public_prior = prior
        if prior is not None and row.three_public_total is not None:
            row.three_public_change = row.three_public_total - prior
            row.three_public_change_pct = percent(row.three_public_change, prior) if prior else None
        rows.append(row)
    sort_key = OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["department"])
    rows.sort(key=sort_key, reverse=descending)
    classes: dict[tuple[str, str], Decimal] = {}
    for f in filings:
        for code, name, value in f.expense_by_class:
            classes[(code, name)] = classes.get((code, name), Decimal("0.00")) + value
    by_class = sorted(((code, name, value) for (code, name), value in classes.items()), key=lambda t: (-t[2], t[0]))
    ranking = sorted(rows, key=lambda r: (-(r.three_public_total or 0), r.filing.department_code))
    totals = {
        name: sum((getattr(r, name) or Decimal("0.00") for r in rows), Decimal("0.00"))
        for name in ("total", "basic", "project", "three_public_total", "operating_costs")
    }
    for key, _label in THREE_PUBLIC_ITEMS:
        totals[f"three_public.{key}"] = sum((r.three_public.get(key) or Decimal("0.00") for r in rows), Decimal("0.00"))
    return CountyOverview(year=year, kind=kind, rows=rows, by_class=by_class, three_ranking=ranking, totals=totals, filings=filings)


# ------------------------------------------------------------------------------ a department across years


@dataclass
class YearPair:
    year: int
    budget: PublishedFiling | None
    final: PublishedFiling | None

    @property
    def budget_expense(self) -> Decimal | None:
        return self.budget.key_figure("expense") if self.budget else None

    @property
    def final_expense(self) -> Decimal | None:
        return self.final.key_figure("expense") if self.final else None

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率: the 决算's 本年支出合计 against the same year's budgeted 本年支出合计, in %."""
        if self.budget_expense and self.final_expense is not None:
            return percent(self.final_expense, self.budget_expense)
        return None


@dataclass
class DepartmentHistory:
    code: str
    name: str
    filings: list[PublishedFiling]  # oldest year first, budget before final
    years: list[YearPair]

    def series(self, kind: str) -> list[tuple[int, dict[str, Decimal | None]]]:
        """(year, {figure key: 元}) of one kind, oldest first."""
        return [(f.year, {key: f.key_figure(key) for key, _label in SERIES_FIGURES}) for f in self.filings if f.kind == kind]


def department_history(*, department: str) -> DepartmentHistory | None:
    """Every current published filing of one department (by code or exact name), or None."""
    filings = current_filings(department=department)
    if not filings:
        return None
    filings.sort(key=lambda f: (f.year, f.kind != Filing.Kind.BUDGET))
    years = []
    for year in sorted({f.year for f in filings}):
        by_kind = {f.kind: f for f in filings if f.year == year}
        years.append(YearPair(year=year, budget=by_kind.get(Filing.Kind.BUDGET), final=by_kind.get(Filing.Kind.FINAL)))
    newest_filing = filings[-1]
    return DepartmentHistory(code=newest_filing.department_code, name=newest_filing.department, filings=filings, years=years)


def public_departments() -> list[tuple[str, str]]:
    """(code, name) of every department with a published filing."""
    seen: dict[str, str] = {}
    for row in public_filing_list():
        seen.setdefault(row.department_code, row.department)
    return sorted(seen.items())
