"""The key figures of a filing, derived from its facts (`selectors.facts.FilingFacts`) without reading the lines again.

The explanatory text (说明), the checks, the charts and the public site print `filing_figures`: amounts
in 元 (Decimal), each as a `Figure` with the budget, the actual and the *main stage* — the (effective)
budget for a 部门预算 filing, the actual for a 部门决算 filing. The tables compute their cells from the
same facts and take the figures that are not sums of lines (the 三公 预算数, last year's 三公) from here,
so every table total equals the figure of the same name.

Last year's figures (for "与上年相比") come from the same department's approved or published filing of
the same kind for year − 1 when it is in the system, else from the filing's `PriorYearFigure` rows.
The keys of those rows are listed in `PRIOR_KEYS`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from disclosures.models import (
    AssetHolding,
    CatalogItem,
    ExpenseKind,
    Filing,
    FundingSource,
    IncomeLine,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.money import ZERO, format_percent, percent, to_wan
from disclosures.selectors.facts import Fact, FilingFacts, facts_of

#: Keys of last year's figures (PriorYearFigure.key) and what each one means.
PRIOR_KEYS: dict[str, str] = {
    "total": "收支总计（本年收入合计＋年初结转和结余）",
    "income": "本年收入合计",
    "expense": "本年支出合计",
    "fiscal_total": "财政拨款收支总计（财政拨款收入＋财政拨款年初结转和结余）",
    "gpb_expense": "一般公共预算财政拨款支出",
    "basic": "基本支出",
    "project": "项目支出",
    "three_public.total": "“三公”经费合计",
    "three_public.overseas": "因公出国（境）费",
    "three_public.vehicle": "公务用车购置及运行维护费",
    "three_public.vehicle_purchase": "公务用车购置费",
    "three_public.vehicle_operation": "公务用车运行维护费",
    "three_public.reception": "公务接待费",
    "operating_costs": "机关运行经费",
    "procurement": "政府采购支出（预算）总额",
}

#: The four 三公 items in the order the disclosure tables print them: (key, label).
THREE_PUBLIC_ITEMS: tuple[tuple[str, str], ...] = (
    ("overseas", "因公出国（境）费"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行维护费"),
    ("reception", "公务接待费"),
)

#: 部门预算支出经济分类 codes of the "三公" items (一般公共预算财政拨款 only; 差旅费 30211 is not 三公).
THREE_PUBLIC_CODES: dict[str, str] = {item: code for item, (_field, code) in ThreePublicStats.BUDGET_ITEMS.items()}

GPB = FundingSource.GENERAL_PUBLIC_BUDGET
BASIC_KINDS = (ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC)
#: 上缴上级支出, 经营支出, 对附属单位补助支出: in 本年支出合计, neither 基本 nor 项目支出.
OTHER_KINDS = (ExpenseKind.UPPER, ExpenseKind.BUSINESS, ExpenseKind.SUBSIDY)
OPERATING_COST_NATURES = (Unit.Nature.ADMINISTRATIVE, Unit.Nature.CIVIL_SERVICE_MANAGED)


@dataclass(frozen=True)
class Figure:
    """An amount at each stage, in 元. `amount` is the main stage of the filing (budget or actual)."""

    amount: Decimal = ZERO
    budget: Decimal = ZERO
    actual: Decimal = ZERO
    initial_budget: Decimal = ZERO

    @property
    def completion(self) -> Decimal | None:
        """完成预算 %: actual / (effective) budget, 1 decimal; None when the budget is zero."""
        return percent(self.actual, self.budget)

    @property
    def wan(self) -> Decimal:
        return to_wan(self.amount)

    def __add__(self, other: Figure) -> Figure:
        return Figure(
            amount=self.amount + other.amount,
            budget=self.budget + other.budget,
            actual=self.actual + other.actual,
            initial_budget=self.initial_budget + other.initial_budget,
        )


NO_FIGURE = Figure()


def figure_sum(figures: Iterable[Figure]) -> Figure:
    total = NO_FIGURE
    for item in figures:
        total = total + item
    return total


@dataclass(frozen=True)
class FunctionRow:
    """A 支出功能分类 类/款/项 with its total, 基本支出 and 项目支出."""

    code: str
    name: str
    level: int  # 1 类, 2 款, 3 项
    label: str  # "一般公共服务（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"
    total: Figure
    basic: Figure
    project: Figure


@dataclass(frozen=True)
class EconomicRow:
    """A 部门预算支出经济分类 类 (3 digits) or 款 (5 digits)."""

    code: str
    name: str
    level: int  # 1 类, 2 款
    total: Figure


@dataclass(frozen=True)
class SourceSplit:
    source: str
    label: str
    total: Figure
    basic: Figure
    personnel: Figure
    public: Figure
    project: Figure
    other_kinds: Figure = NO_FIGURE  # 上缴上级支出 + 经营支出 + 对附属单位补助支出


@dataclass(frozen=True)
class IncomeFigures:
    total: Figure  # 本年收入合计
    by_source: dict[str, Figure]  # every FundingSource, in the order of FundingSource
    opening: Figure  # 年初结转和结余
    opening_by_source: dict[str, Figure]
    closing: Figure  # 年末结转和结余
    closing_by_source: dict[str, Figure]
    fiscal: Figure  # 财政拨款收入
    fiscal_opening: Figure
    fiscal_closing: Figure
    balance_used: Figure = NO_FIGURE  # 使用非财政拨款结余 (a 收入 row of 公开01)
    balance_used_by_source: dict[str, Figure] = field(default_factory=dict)
    distribution: Figure = NO_FIGURE  # 结余分配 (a 支出 row of 公开01)
    distribution_by_source: dict[str, Figure] = field(default_factory=dict)

    @property
    def grand_total(self) -> Figure:
        """收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余."""
        return self.total + self.balance_used + self.opening


@dataclass(frozen=True)
class ExpenseFigures:
    total: Figure  # 本年支出合计
    basic: Figure
    personnel: Figure  # 基本支出-人员经费
    public: Figure  # 基本支出-日常公用经费
    project: Figure
    by_source: dict[str, SourceSplit]
    function_rows: list[FunctionRow]  # all sources, 类/款/项 in code order
    upper: Figure = NO_FIGURE  # 上缴上级支出
    business: Figure = NO_FIGURE  # 经营支出
    subsidy: Figure = NO_FIGURE  # 对附属单位补助支出

    @property
    def fiscal(self) -> Figure:
        return figure_sum(self.by_source[s].total for s in (GPB, FundingSource.GOVERNMENT_FUND, FundingSource.STATE_CAPITAL))


@dataclass(frozen=True)
class FundExpenseFigures:
    """一般公共预算 (or 政府性基金 / 国有资本经营预算) 财政拨款 expense."""

    total: Figure
    basic: Figure
    personnel: Figure
    public: Figure
    project: Figure
    function_rows: list[FunctionRow]
    economic_rows: list[EconomicRow]  # 基本支出 by 经济分类 类/款

    @property
    def classes(self) -> list[FunctionRow]:
        return [r for r in self.function_rows if r.level == 1]

    @property
    def items(self) -> list[FunctionRow]:
        return [r for r in self.function_rows if r.level == 3]

    def economic_items(self, group: str) -> list[EconomicRow]:
        """The 款 of 人员经费 ("personnel": 301, 303) or 公用经费 ("public": the others)."""
        personnel = ("301", "303")
        return [r for r in self.economic_rows if r.level == 2 and (r.code[:3] in personnel) == (group == "personnel") and r.total.amount]


@dataclass(frozen=True)
class ThreePublicCounts:
    overseas_groups: int = 0
    overseas_people: int = 0
    reception_batches: int = 0
    reception_people: int = 0
    foreign_reception_batches: int = 0
    foreign_reception_people: int = 0
    vehicles_purchased: int = 0
    vehicles_owned: int = 0


@dataclass(frozen=True)
class ThreePublicFigures:
    overseas: Figure
    vehicle_purchase: Figure
    vehicle_operation: Figure
    reception: Figure
    counts: ThreePublicCounts

    @property
    def vehicle(self) -> Figure:
        """公务用车购置及运行维护费."""
        return self.vehicle_purchase + self.vehicle_operation

    @property
    def total(self) -> Figure:
        return self.overseas + self.vehicle + self.reception


@dataclass(frozen=True)
class OperatingCosts:
    """机关运行经费: 日常公用经费 of 行政/参公 units paid from 一般公共预算."""

    total: Figure
    items: list[EconomicRow]


@dataclass(frozen=True)
class ProcurementRow:
    category: str
    label: str
    budget: Decimal
    actual: Decimal
    amount: Decimal
    sme: Decimal
    micro: Decimal


@dataclass(frozen=True)
class ProcurementFigures:
    rows: list[ProcurementRow]  # goods, works, services
    total: Decimal
    total_budget: Decimal
    total_actual: Decimal
    sme: Decimal
    micro: Decimal

    @property
    def sme_share(self) -> Decimal | None:
        return percent(self.sme, self.total)

    @property
    def micro_share(self) -> Decimal | None:
        return percent(self.micro, self.total)

    def row(self, category: str) -> ProcurementRow:
        return next(r for r in self.rows if r.category == category)


@dataclass(frozen=True)
class AssetRow:
    kind: str
    label: str
    quantity: Decimal = field(metadata={"unit": "quantity"})
    value: Decimal


@dataclass(frozen=True)
class AssetFigures:
    rows: list[AssetRow]  # every AssetHolding.Kind, zero where not entered

    @property
    def vehicles(self) -> Decimal:
        return sum((r.quantity for r in self.rows if r.kind.startswith("vehicle_")), Decimal(0))

    def quantity(self, kind: str) -> Decimal:
        return next(r.quantity for r in self.rows if r.kind == kind)


@dataclass(frozen=True)
class ProjectFigure:
    id: int
    code: str
    name: str
    purpose: str
    declared: Figure  # the project's own amounts (budget / 执行数) — what the project list declares
    fiscal: Decimal  # 其中财政拨款
    lines: Figure  # the expense lines linked to the project
    line_count: int = field(metadata={"unit": "count"})
    plan: tuple[Decimal | None, ...] = field(metadata={"unit": "percent"})
    goal_1: str
    goal_2: str
    result_summary: str


@dataclass(frozen=True)
class UnattributedLine:
    """项目支出 lines of one 功能分类项 not linked to any project."""

    function_code: str
    label: str
    total: Figure


@dataclass(frozen=True)
class ProjectFigures:
    rows: list[ProjectFigure]
    declared_total: Figure
    unattributed: list[UnattributedLine]


@dataclass(frozen=True)
class PriorFigures:
    """Last year's figures: from last year's filing ("filing"), entered rows ("entered") or none ("none")."""

    year: int
    origin: str
    filing_id: int | None
    values: dict[str, Decimal]

    def get(self, key: str) -> Decimal | None:
        return self.values.get(key)


@dataclass(frozen=True)
class Change:
    """This year against last year. `delta_wan` and `pct` are computed from the printed 万元 figures, so
    that a reader recomputes exactly what the text says (43.16 − 50.98 = −7.82, even when the 元 amounts
    differ by 7.825 万元)."""

    current: Decimal
    prior: Decimal
    delta: Decimal  # 元, exact
    delta_wan: Decimal = field(metadata={"unit": "wan"})
    pct: Decimal | None = field(metadata={"unit": "percent"})

    @property
    def direction(self) -> str:
        return "increase" if self.delta_wan > 0 else "decrease" if self.delta_wan < 0 else "same"


@dataclass(frozen=True)
class FilingFigures:
    filing_id: int
    department: str
    year: int
    kind: str
    income: IncomeFigures
    expense: ExpenseFigures
    gpb: FundExpenseFigures  # 一般公共预算财政拨款
    gov_fund: FundExpenseFigures  # 政府性基金预算财政拨款
    state_capital: FundExpenseFigures  # 国有资本经营预算财政拨款
    three_public: ThreePublicFigures
    operating_costs: OperatingCosts
    procurement: ProcurementFigures
    assets: AssetFigures
    projects: ProjectFigures
    prior: PriorFigures

    @property
    def is_final(self) -> bool:
        return self.kind == Filing.Kind.FINAL

    @property
    def current_values(self) -> dict[str, Decimal]:
        """This year's figure for every PRIOR_KEYS key (main stage)."""
        return dict(self._current_values)

    @functools.cached_property
    def _current_values(self) -> dict[str, Decimal]:
        """current_values, computed once: the text, the key figures and their JSON ask for them key by key."""
        return _comparable_values(self)

    def change(self, key: str) -> Change | None:
        """This year against last year for a PRIOR_KEYS key; None when last year's figure is unknown."""
        changes = self._changes
        if key not in changes:
            changes[key] = self._change(key)
        return changes[key]

    @functools.cached_property
    def _changes(self) -> dict[str, Change | None]:
        """The changes computed so far, by key (the text and the snapshot ask for the same ones)."""
        return {}

    def _change(self, key: str) -> Change | None:
        prior = self.prior.get(key)
        if prior is None:
            return None
        current = self._current_values[key]
        delta_wan = to_wan(current) - to_wan(prior)
        return Change(current=current, prior=prior, delta=current - prior, delta_wan=delta_wan, pct=percent(delta_wan, to_wan(prior)))


# --------------------------------------------------------------------------------------------- building


def _stage(filing_kind: str, initial: Decimal, budget: Decimal, actual: Decimal) -> Figure:
    main = actual if filing_kind == Filing.Kind.FINAL else budget
    return Figure(amount=main, budget=budget, actual=actual, initial_budget=initial)


class _Acc:
    """Sums of (年初预算, effective budget, actual) keyed by anything."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.sums: dict = defaultdict(lambda: [ZERO, ZERO, ZERO])

    def add(self, key, fact: Fact) -> None:
        s = self.sums[key]
        s[0] += fact.initial
        s[1] += fact.budget
        s[2] += fact.actual

    def get(self, key) -> Figure:
        if key not in self.sums:
            return NO_FIGURE
        initial, budget, actual = self.sums[key]
        return _stage(self.kind, initial, budget, actual)

    def keys(self):
        return self.sums.keys()


def _strip_expense(name: str) -> str:
    """'一般公共服务支出' → '一般公共服务', as the texts write '一般公共服务（类）'."""
    return name[: -len("支出")] if name.endswith("支出") and len(name) > 2 else name


def _function_label(code: str, names: dict[str, str]) -> str:
    parts = []
    if len(code) >= 3:
        parts.append(f"{_strip_expense(names.get(code[:3], code[:3]))}（类）")
    if len(code) >= 5:
        parts.append(f"{names.get(code[:5], code[:5])}（款）")
    if len(code) >= 7:
        parts.append(f"{names.get(code, code)}（项）")
    return "".join(parts)


#: A 功能分类 code's level by its length: 类, 款, 项.
_FUNCTION_LEVELS = {3: 1, 5: 2, 7: 3}


def _function_rows(acc: _Acc, basic: _Acc, project: _Acc, names: dict[str, str], labels: dict[str, str]) -> list[FunctionRow]:
    """The rows of these sums by 功能分类 code. `labels`: each code's label, built once for the four sets of
    rows of one filing's figures (all sources, 一般公共预算, 政府性基金, 国有资本经营)."""
    rows = []
    for code in sorted(acc.keys()):
        label = labels.get(code)
        if label is None:
            label = labels[code] = _function_label(code, names)
        rows.append(
            FunctionRow(
                code=code,
                name=names.get(code, code),
                level=_FUNCTION_LEVELS.get(len(code), 3),
                label=label,
                total=acc.get(code),
                basic=basic.get(code),
                project=project.get(code),
            )
        )
    return rows


def _fund_figures(
    kind: str, facts: list[Fact], names: dict[str, str], econ_names: dict[str, str], *, rows: bool = True, labels: dict[str, str] | None = None
) -> FundExpenseFigures:
    """The totals of these expense facts and, with `rows`, their 功能分类 and 经济分类 rows (`labels`: see _function_rows)."""
    by_kind = _Acc(kind)
    func, func_basic, func_project = _Acc(kind), _Acc(kind), _Acc(kind)
    econ = _Acc(kind)
    for fact in facts:
        by_kind.add(fact.kind, fact)
        if not rows:
            continue
        code = fact.function
        for prefix in {code[:3], code[:5], code} if len(code) == 7 else {code[:3], code}:
            func.add(prefix, fact)
            if fact.kind == ExpenseKind.PROJECT:
                func_project.add(prefix, fact)
            elif fact.kind in BASIC_KINDS:
                func_basic.add(prefix, fact)
        econ_code = fact.dept_economic
        if fact.kind in BASIC_KINDS and econ_code:
            econ.add(econ_code[:3], fact)
            if len(econ_code) == 5:
                econ.add(econ_code, fact)
    personnel, public, project = (by_kind.get(k) for k in (ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC, ExpenseKind.PROJECT))
    other_kinds = figure_sum(by_kind.get(k) for k in OTHER_KINDS)
    economic_rows = [EconomicRow(code=c, name=econ_names.get(c, c), level=1 if len(c) == 3 else 2, total=econ.get(c)) for c in sorted(econ.keys())]
    return FundExpenseFigures(
        total=personnel + public + project + other_kinds,
        basic=personnel + public,
        personnel=personnel,
        public=public,
        project=project,
        function_rows=_function_rows(func, func_basic, func_project, names, {} if labels is None else labels),
        economic_rows=economic_rows,
    )


def _income_figures(facts: FilingFacts) -> IncomeFigures:
    acc = _Acc(facts.filing.kind)
    for fact in facts.income:
        acc.add((fact.category, fact.source), fact)

    def by_source(category: str) -> dict[str, Figure]:
        return {s.value: acc.get((category, s.value)) for s in FundingSource}

    income, opening, closing, used, distribution = (
        by_source(c)
        for c in (
            IncomeLine.Category.INCOME,
            IncomeLine.Category.OPENING,
            IncomeLine.Category.CLOSING,
            IncomeLine.Category.BALANCE_USED,
            IncomeLine.Category.DISTRIBUTION,
        )
    )
    fiscal_of = lambda d: figure_sum(d[s] for s in (GPB, FundingSource.GOVERNMENT_FUND, FundingSource.STATE_CAPITAL))  # noqa: E731
    return IncomeFigures(
        total=figure_sum(income.values()),
        by_source=income,
        opening=figure_sum(opening.values()),
        opening_by_source=opening,
        closing=figure_sum(closing.values()),
        closing_by_source=closing,
        fiscal=fiscal_of(income),
        fiscal_opening=fiscal_of(opening),
        fiscal_closing=fiscal_of(closing),
        balance_used=figure_sum(used.values()),
        balance_used_by_source=used,
        distribution=figure_sum(distribution.values()),
        distribution_by_source=distribution,
    )


def three_public_figures(*, facts: FilingFacts) -> ThreePublicFigures:
    """Each 三公 item: its 决算数 from the 一般公共预算 lines of its 经济分类款, its 预算数 the department's
    entered figure (ThreePublicStats) where there is one, else the lines' budget. The 三公 tables print
    these figures (tables.engine). Computed once per FilingFacts."""
    return facts.derive("three_public", lambda: _three_public(facts))


def _three_public(facts: FilingFacts) -> ThreePublicFigures:
    kind = facts.filing.kind
    acc = _Acc(kind)
    code_to_item = {code: item for item, code in THREE_PUBLIC_CODES.items()}
    for fact in facts.expense:
        item = code_to_item.get(fact.dept_economic)
        if item and fact.source == GPB:
            acc.add(item, fact)
    stats = facts.three_public_stats
    counts = ThreePublicCounts(**{f.name: getattr(stats, f.name) for f in dataclasses.fields(ThreePublicCounts)}) if stats else ThreePublicCounts()
    items = {}
    for item in THREE_PUBLIC_CODES:
        lines = acc.get(item)
        entered = stats.entered_budget(item) if stats is not None else None
        items[item] = lines if entered is None else _stage(kind, entered, entered, lines.actual)
    return ThreePublicFigures(**items, counts=counts)


def _operating_costs(facts: FilingFacts, gpb_facts: list[Fact], econ_names: dict[str, str]) -> OperatingCosts:
    acc = _Acc(facts.filing.kind)
    for fact in gpb_facts:
        if fact.kind == ExpenseKind.PUBLIC and fact.unit_nature in OPERATING_COST_NATURES:
            acc.add(fact.dept_economic, fact)
    items = [EconomicRow(code=c, name=econ_names.get(c, c), level=2 if len(c) == 5 else 1, total=acc.get(c)) for c in sorted(acc.keys())]
    return OperatingCosts(total=figure_sum(i.total for i in items), items=items)


def _procurement(facts: FilingFacts) -> ProcurementFigures:
    existing = facts.procurements
    rows = []
    for category in Procurement.Category:
        p = existing.get(category.value)
        budget = p.budget_amount if p else ZERO
        actual = p.actual_amount if p else ZERO
        rows.append(
            ProcurementRow(
                category=category.value,
                label=category.label,
                budget=budget,
                actual=actual,
                amount=actual if facts.filing.kind == Filing.Kind.FINAL else budget,
                sme=p.sme_amount if p else ZERO,
                micro=p.micro_amount if p else ZERO,
            )
        )
    return ProcurementFigures(
        rows=rows,
        total=sum((r.amount for r in rows), ZERO),
        total_budget=sum((r.budget for r in rows), ZERO),
        total_actual=sum((r.actual for r in rows), ZERO),
        sme=sum((r.sme for r in rows), ZERO),
        micro=sum((r.micro for r in rows), ZERO),
    )


def _assets(facts: FilingFacts) -> AssetFigures:
    existing = facts.assets
    return AssetFigures(
        rows=[
            AssetRow(
                kind=k.value,
                label=k.label,
                quantity=existing[k.value].quantity if k.value in existing else Decimal(0),
                value=existing[k.value].value if k.value in existing else ZERO,
            )
            for k in AssetHolding.Kind
        ]
    )


def _projects(facts: FilingFacts, names: dict[str, str]) -> ProjectFigures:
    kind = facts.filing.kind
    linked = _Acc(kind)
    line_counts: dict[int, int] = defaultdict(int)
    unattributed = _Acc(kind)
    for fact in facts.expense:
        if fact.kind != ExpenseKind.PROJECT:
            continue
        if fact.project is None:
            unattributed.add(fact.function, fact)
        else:
            linked.add(fact.project, fact)
            line_counts[fact.project] += 1
    result = []
    for p in facts.projects:
        declared = _stage(kind, p.budget_amount, p.effective_budget, p.actual_amount)
        result.append(
            ProjectFigure(
                id=p.pk,
                code=p.code,
                name=p.name,
                purpose=p.purpose,
                declared=declared,
                fiscal=p.fiscal_amount,
                lines=linked.get(p.pk),
                line_count=line_counts[p.pk],
                plan=tuple(getattr(p, f) for f in Project.PLAN_FIELDS),
                goal_1=p.goal_1,
                goal_2=p.goal_2,
                result_summary=p.result_summary,
            )
        )
    return ProjectFigures(
        rows=result,
        declared_total=figure_sum(p.declared for p in result),
        unattributed=[
            UnattributedLine(function_code=c, label=_function_label(c, names), total=unattributed.get(c)) for c in sorted(unattributed.keys())
        ],
    )


def _comparable_values(f: FilingFigures) -> dict[str, Decimal]:
    tp = f.three_public
    return {
        "total": f.income.grand_total.amount,
        "income": f.income.total.amount,
        "expense": f.expense.total.amount,
        "fiscal_total": (f.income.fiscal + f.income.fiscal_opening).amount,
        "gpb_expense": f.gpb.total.amount,
        "basic": f.expense.basic.amount,
        "project": f.expense.project.amount,
        "three_public.total": tp.total.amount,
        "three_public.overseas": tp.overseas.amount,
        "three_public.vehicle": tp.vehicle.amount,
        "three_public.vehicle_purchase": tp.vehicle_purchase.amount,
        "three_public.vehicle_operation": tp.vehicle_operation.amount,
        "three_public.reception": tp.reception.amount,
        "operating_costs": f.operating_costs.total.amount,
        "procurement": f.procurement.total,
    }


def prior_figures(*, facts: FilingFacts) -> PriorFigures:
    """Last year's comparable figures of a filing (its figures' `prior`), computed once per FilingFacts."""
    return facts.derive("prior", lambda: _prior(facts))


def _prior(facts: FilingFacts) -> PriorFigures:
    year = facts.filing.fiscal_year.year
    previous = facts.previous
    if previous is not None:
        values = _comparable_values(_build(previous, with_prior=False, comparable_only=True))
        return PriorFigures(year=year - 1, origin="filing", filing_id=previous.filing.pk, values=values)
    entered = facts.entered_prior
    return PriorFigures(year=year - 1, origin="entered" if entered else "none", filing_id=None, values=entered)


def _build(facts: FilingFacts, *, with_prior: bool, comparable_only: bool = False) -> FilingFigures:
    """The filing's figures. `comparable_only` (last year's filing, of which only `_comparable_values` is
    read): the totals alone, without the 功能分类 and 经济分类 rows, assets and projects, nor the catalog
    names, assets and projects they would read; such figures never leave `_prior`."""
    filing = facts.filing
    year = filing.fiscal_year.year
    kind = filing.kind
    rows = facts.expense
    if comparable_only:
        names: dict[str, str] = {}
        econ_names: dict[str, str] = {}
    else:
        names, econ_names = facts.names_of(CatalogItem.Kind.FUNCTION), facts.names_of(CatalogItem.Kind.DEPT_ECONOMIC)
    with_rows = not comparable_only

    totals = _Acc(kind)
    by_source = _Acc(kind)
    for fact in rows:
        totals.add(fact.kind, fact)
        by_source.add((fact.source, fact.kind), fact)
    personnel, public, project = (totals.get(k) for k in (ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC, ExpenseKind.PROJECT))
    upper, business, subsidy = (totals.get(k) for k in OTHER_KINDS)
    splits = {}
    for s in FundingSource:
        p, u, j = (by_source.get((s.value, k)) for k in (ExpenseKind.PERSONNEL, ExpenseKind.PUBLIC, ExpenseKind.PROJECT))
        o = figure_sum(by_source.get((s.value, k)) for k in OTHER_KINDS)
        splits[s.value] = SourceSplit(
            source=s.value, label=s.label, total=p + u + j + o, basic=p + u, personnel=p, public=u, project=j, other_kinds=o
        )
    labels: dict[str, str] = {}
    all_sources = _fund_figures(kind, rows, names, econ_names, rows=with_rows, labels=labels)
    expense = ExpenseFigures(
        total=personnel + public + project + upper + business + subsidy,
        basic=personnel + public,
        personnel=personnel,
        public=public,
        project=project,
        by_source=splits,
        function_rows=all_sources.function_rows,
        upper=upper,
        business=business,
        subsidy=subsidy,
    )
    gpb_rows = [fact for fact in rows if fact.source == GPB]
    return FilingFigures(
        filing_id=filing.pk,
        department=filing.department.name,
        year=year,
        kind=kind,
        income=_income_figures(facts),
        expense=expense,
        gpb=_fund_figures(kind, gpb_rows, names, econ_names, rows=with_rows, labels=labels),
        gov_fund=_fund_figures(
            kind, [fact for fact in rows if fact.source == FundingSource.GOVERNMENT_FUND], names, econ_names, rows=with_rows, labels=labels
        ),
        state_capital=_fund_figures(
            kind, [fact for fact in rows if fact.source == FundingSource.STATE_CAPITAL], names, econ_names, rows=with_rows, labels=labels
        ),
        three_public=three_public_figures(facts=facts),
        operating_costs=_operating_costs(facts, gpb_rows, econ_names),
        procurement=_procurement(facts),
        assets=AssetFigures(rows=[]) if comparable_only else _assets(facts),
        projects=ProjectFigures(rows=[], declared_total=NO_FIGURE, unattributed=[]) if comparable_only else _projects(facts, names),
        prior=prior_figures(facts=facts) if with_prior else PriorFigures(year=year - 1, origin="none", filing_id=None, values={}),
    )


def filing_figures(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> FilingFigures:
    """The key figures of a filing (all amounts in 元), with last year's figures for comparison: computed
    from its facts (given, or read now), once per FilingFacts."""
    found = facts_of(filing=filing, facts=facts)
    return found.derive("figures", lambda: _build(found, with_prior=True))


def summary_rows(figures: FilingFigures) -> list[tuple[str, Figure, bool]]:
    """(label, Figure, is_total) for the derived totals shown on the filing pages and in the admin."""
    expense = figures.expense
    income = figures.income
    rows = [
        ("本年收入合计", income.total, True),
        ("年初结转和结余", income.opening, False),
        ("本年支出合计", expense.total, True),
        ("基本支出（人员经费＋日常公用经费）", expense.basic, False),
        ("　其中：人员经费", expense.personnel, False),
        ("　　　　日常公用经费", expense.public, False),
        ("项目支出", expense.project, False),
        ("年末结转和结余", income.closing, False),
    ]
    labels = dict(FundingSource.choices)
    for source, split in expense.by_source.items():
        if split.total.amount or split.total.budget or split.total.actual:
            rows.append((f"支出：{labels.get(source, source)}", split.total, False))
    return rows


# --------------------------------------------------------------------------------------------- JSON


_JSON_FIELDS: dict[type, tuple[tuple[str, str | None], ...] | None] = {}


def _json_fields(cls: type) -> tuple[tuple[str, str | None], ...] | None:
    """(name, unit metadata) of a dataclass's fields, else None: looked up once per class, not per value."""
    if cls not in _JSON_FIELDS:
        _JSON_FIELDS[cls] = tuple((f.name, f.metadata.get("unit")) for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
    return _JSON_FIELDS[cls]


class _Json:
    """Figures → JSON values. The 万元 text of an amount is formatted once per value: a filing's figures hold
    about a thousand amounts, most of them repeated (zeros above all). Keyed by the value and its sign, so
    that −0 keeps its own text; equal non-zero values print alike whatever their exponent.

    A Figure's whole dict is likewise built once per value (its four amounts, and their signs when one
    is signed: −0 again): a filing's ~900 Figures hold ~250 distinct ones, a third of them NO_FIGURE.
    Each Figure gets its own copy, so that no two places of the result share a dict."""

    def __init__(self) -> None:
        self.texts: dict[tuple[Decimal, bool], str] = {}
        self.figures: dict[tuple, dict] = {}

    def wan(self, amount: Decimal) -> str:
        key = (amount, amount.is_signed())
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = f"{to_wan(amount):.2f}"
        return text

    def figure(self, value: Figure) -> dict:
        amount, budget, actual, initial = value.amount, value.budget, value.actual, value.initial_budget
        signs = (amount.is_signed(), budget.is_signed(), actual.is_signed(), initial.is_signed())
        key = (amount, budget, actual, initial, signs) if True in signs else (amount, budget, actual, initial)
        found = self.figures.get(key)
        if found is None:
            completion = value.completion
            found = self.figures[key] = {
                "amount": self.wan(amount),
                "budget": self.wan(budget),
                "actual": self.wan(actual),
                "initial_budget": self.wan(initial),
                "completion": None if completion is None else f"{completion:.1f}",
            }
        return found.copy()

    def value(self, value, unit: str | None = None):
        cls = type(value)
        if cls is str or cls is int or cls is bool or value is None:  # most values: what the checks below return as is
            return value
        if isinstance(value, Figure):
            return self.figure(value)
        fields = _json_fields(cls)
        if fields is not None:
            return {name: self.value(getattr(value, name), field_unit) for name, field_unit in fields}
        if isinstance(value, dict):
            return {str(k): self.value(v, unit) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v, unit) for v in value]
        if isinstance(value, Decimal):
            if unit == "percent":
                return f"{value:.1f}"
            if unit == "wan":
                return f"{value:.2f}"
            if unit in ("quantity", "count"):
                return f"{value.normalize():f}"
            return self.wan(value)
        return value


def figures_as_dict(figures: FilingFigures) -> dict:
    """The figures as JSON-ready data: amounts as 万元 strings with 2 decimals, percentages with 1.

    Besides the dataclass fields it adds the derived totals a reader needs (收入总计, 三公 合计, changes
    against last year).
    """
    json = _Json()
    data = json.value(figures)
    data["is_final"] = figures.is_final
    data["income"]["grand_total"] = json.figure(figures.income.grand_total)
    data["expense"]["fiscal"] = json.figure(figures.expense.fiscal)
    data["three_public"]["vehicle"] = json.figure(figures.three_public.vehicle)
    data["three_public"]["total"] = json.figure(figures.three_public.total)
    data["procurement"]["sme_share"] = format_percent(figures.procurement.sme_share)
    data["procurement"]["micro_share"] = format_percent(figures.procurement.micro_share)
    data["assets"]["vehicles"] = f"{figures.assets.vehicles.normalize():f}"
    data["current"] = {k: json.wan(v) for k, v in figures.current_values.items()}
    data["changes"] = {key: json.value(change) for key in PRIOR_KEYS if (change := figures.change(key)) is not None}
    return data
