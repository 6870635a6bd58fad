"""Creating filings (新建填报): an accountant creates the filing of a year and kind for their own department,
the bureau creates every missing filing of a year; either may start from last year's filing of the same kind.

The catalog of the year must exist (the lines' codes belong to the filing's year). A copied line keeps its
codes only where the new year's catalog has them: the others are left out and reported, code by code, so
the department enters them again under the year's codes. Amounts are copied or cleared, as the user chose.
Refusals raise CreateRefused with a Chinese message meant for the user.

What other apps keep per project (evaluations: the performance targets) follows the copied projects through
the hooks registered with `register_copy_hook` at the app's `ready()`: disclosures does not know what they
copy, and never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disclosures.access import is_reviewer, user_department
from disclosures.models import (
    AssetHolding,
    CatalogItem,
    Department,
    ExpenseLine,
    Filing,
    FiscalYear,
    IncomeLine,
    Procurement,
    Project,
    ThreePublicStats,
)
from disclosures.services import lines
from disclosures.services.audit import audit_record
from disclosures.services.locking import filing_write

#: The catalogs a filing's lines need: every line has a 功能分类 项, every 基本支出 line a 部门经济分类 款.
REQUIRED_CATALOGS = (CatalogItem.Kind.FUNCTION, CatalogItem.Kind.DEPT_ECONOMIC)
#: Amount fields cleared when a copy starts with empty amounts (None where the field means "not entered").
_CLEARED = {"budget_amount": 0, "adjusted_amount": None, "actual_amount": 0}
_PROJECT_CLEARED = {
    **_CLEARED,
    "fiscal_amount": 0,
    "plan_march": None,
    "plan_june": None,
    "plan_october": None,
    "plan_december": None,
}
_PROCUREMENT_CLEARED = {"budget_amount": 0, "actual_amount": 0, "sme_amount": 0, "micro_amount": 0}
_ASSET_CLEARED = {"quantity": 0, "value": 0}


class CreateRefused(Exception):
    """A filing that may not be created; `message` is Chinese and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(CreateRefused):
    pass


@dataclass
class MissingCode:
    """A code of last year's lines that the new year's catalog does not have."""

    kind: str  # CatalogItem.Kind value
    code: str
    name: str
    lines: int = 0

    @property
    def kind_label(self) -> str:
        return str(CatalogItem.Kind(self.kind).label)


@dataclass
class CopyReport:
    """What was copied from last year's filing, and the codes that could not be."""

    source: Filing
    year: int
    keep_amounts: bool
    copied: dict[str, int] = field(default_factory=dict)  # 支出明细 / 收入明细 / 项目 / … → rows copied
    missing: list[MissingCode] = field(default_factory=list)
    unmapped: list[MissingCode] = field(default_factory=list)  # 部门经济分类 without a 政府经济分类 in the new year
    skipped: list[str] = field(default_factory=list)  # what a copy hook could not copy, one Chinese sentence each

    @property
    def skipped_lines(self) -> int:
        return sum(m.lines for m in self.missing) + sum(m.lines for m in self.unmapped)

    def summary(self) -> str:
        parts = "、".join(f"{label}{count}" for label, count in self.copied.items() if count) or "没有明细"
        amounts = "保留上年金额" if self.keep_amounts else "金额已清零"
        return f"已从{self.source}复制{parts}（{amounts}）。"

    def code_problems(self) -> list[str]:
        """One Chinese sentence per code that kept lines from being copied."""
        found = [f"{m.kind_label}{m.code} {m.name}：{self.year}年分类科目中没有该编码，{m.lines}条明细未复制" for m in self.missing]
        found += [f"{m.kind_label}{m.code} {m.name}：{self.year}年分类科目中没有对应的政府经济分类，{m.lines}条明细未复制" for m in self.unmapped]
        return found

    def problems(self) -> list[str]:
        """Everything that was not copied: the codes, then what the copy hooks skipped."""
        return [*self.code_problems(), *self.skipped]


@dataclass(frozen=True)
class ProjectsCopied:
    """What a copy hook is given: the filing copied from, the new one and its projects, each new project (saved,
    with its pk) under the pk of the project it was copied from.

    Two copies call the hooks: 新建填报 from last year's filing (a new year: what is planned comes along, never
    what was achieved), and a correction (公开更正, workflow.filing_correct: a new version of the same filing,
    `correction`), which must carry everything the published version holds, so that publishing it unchanged
    publishes the same figures."""

    source: Filing
    filing: Filing
    projects: Mapping[int, Project]
    keep_amounts: bool
    correction: bool = False


@dataclass
class HookCopied:
    """What a copy hook did: `count` rows of `label` (shown in the copy's summary, e.g. 绩效指标12), and one
    Chinese sentence per row it could not copy (listed to the user and in the 操作记录)."""

    label: str
    count: int
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CopyHook:
    label: str  # what it copies, e.g. 绩效目标: named on the 新建填报 page
    copy: Callable[[ProjectsCopied], HookCopied]


#: key → hook, in registration order; each runs once per copy, in the copy's transaction, after the projects.
COPY_HOOKS: dict[str, CopyHook] = {}


def register_copy_hook(key: str, *, label: str, copy: Callable[[ProjectsCopied], HookCopied]) -> None:
    """Register (or replace) what follows a project into the filing a copy from last year creates; called
    from an app's `ready()`. The hook must read and write in bulk: its queries may not grow with the rows."""
    COPY_HOOKS[key] = CopyHook(label=label, copy=copy)


def copy_hooks_run(copied: ProjectsCopied) -> list[HookCopied]:
    """Every registered hook, in order, on the projects just copied (in the copy's transaction)."""
    return [hook.copy(copied) for hook in COPY_HOOKS.values()]


def copied_with_projects() -> list[str]:
    """What the registered hooks copy with the projects, for the 新建填报 page."""
    return [hook.label for hook in COPY_HOOKS.values()]


@dataclass
class CreatedFiling:
    filing: Filing
    report: CopyReport | None = None


def catalog_year(*, year: int) -> FiscalYear:
    """The fiscal year if its catalog has been loaded; CreateRefused (naming what is missing) otherwise."""
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    kinds = set(CatalogItem.objects.filter(fiscal_year=fiscal_year).values_list("kind", flat=True).distinct()) if fiscal_year else set()
    missing = [str(CatalogItem.Kind(k).label) for k in REQUIRED_CATALOGS if k not in kinds]
    if missing:
        raise CreateRefused(
            f"{year}年的政府收支分类科目（{'、'.join(missing)}）尚未导入，不能创建{year}年的填报。请联系财政局系统管理员先导入该年度的分类科目。"
        )
    assert fiscal_year is not None
    return fiscal_year


def years_with_catalog() -> list[int]:
    """The years whose catalogs are loaded, newest first: the years a filing can be created for."""
    have = {kind: set(CatalogItem.objects.filter(kind=kind).values_list("fiscal_year__year", flat=True).distinct()) for kind in REQUIRED_CATALOGS}
    return sorted(set.intersection(*have.values()), reverse=True)


def last_year_filing(*, department: Department, year: int, kind: str) -> Filing | None:
    """Last year's filing of the same kind: its newest published version, else its newest version."""
    earlier = Filing.objects.filter(department=department, fiscal_year__year=year - 1, kind=kind).select_related("department", "fiscal_year")
    return earlier.filter(status=Filing.Status.PUBLISHED).order_by("-version").first() or earlier.order_by("-version").first()


def may_create_for(user, department: Department) -> bool:
    """The department's accountant, a reviewer or a superuser (系统管理员) may create its filings."""
    if is_reviewer(user):
        return True
    own = user_department(user)
    return own is not None and own.pk == department.pk


def filing_start(
    *, user, department: Department, year: int, kind: str, copy_from_last_year: bool = False, keep_amounts: bool = False
) -> CreatedFiling:
    """Create the filing (version 1, draft) of `department` for `year` and `kind`, optionally with last
    year's lines. Refused when the user may not file for the department, when the year's catalog is not
    loaded, when the filing exists, or when a copy is asked for and last year has no filing."""
    if not may_create_for(user, department):
        raise NotPermitted("只能为本部门创建填报。")
    if kind not in Filing.Kind.values:
        raise CreateRefused("请选择部门预算或部门决算。")
    fiscal_year = catalog_year(year=year)
    source = None
    if copy_from_last_year:
        source = last_year_filing(department=department, year=year, kind=kind)
        if source is None:
            raise CreateRefused(f"{department.name}没有{year - 1}年的{Filing.Kind(kind).label}填报，无法从上年复制；可以不复制，直接创建空白填报。")
    return _create(user=user, department=department, fiscal_year=fiscal_year, kind=kind, source=source, keep_amounts=keep_amounts)


def missing_filings(*, year: int, kinds: Iterable[str] | None = None) -> list[tuple[Department, str]]:
    """(department, kind) of every filing of `year` that does not exist yet, in the dashboard's order."""
    kinds = list(kinds or Filing.Kind.values)
    existing = set(Filing.objects.filter(fiscal_year__year=year, kind__in=kinds).values_list("department_id", "kind"))
    return [(department, kind) for department in Department.objects.all() for kind in kinds if (department.pk, kind) not in existing]


def filings_create_missing(
    *, user, year: int, kinds: Iterable[str] | None = None, copy_from_last_year: bool = False, keep_amounts: bool = False
) -> list[CreatedFiling]:
    """The bureau creates every missing filing of a year (all departments, the given kinds). With
    copy_from_last_year, a department with last year's filing of the kind starts from it; the others
    start empty. Each filing is created in its own transaction."""
    if not is_reviewer(user):
        raise NotPermitted("只有财政局审核人可以批量创建填报。")
    fiscal_year = catalog_year(year=year)
    created = []
    for department, kind in missing_filings(year=year, kinds=kinds):
        source = last_year_filing(department=department, year=year, kind=kind) if copy_from_last_year else None
        try:
            created.append(_create(user=user, department=department, fiscal_year=fiscal_year, kind=kind, source=source, keep_amounts=keep_amounts))
        except CreateRefused:
            continue  # created meanwhile by the department itself
    return created


def _create(*, user, department: Department, fiscal_year: FiscalYear, kind: str, source: Filing | None, keep_amounts: bool) -> CreatedFiling:
    label = f"{department.name}{fiscal_year.year}年{Filing.Kind(kind).label}"
    try:
        with transaction.atomic():
            filing = lines.filing_create(department=department, fiscal_year=fiscal_year, kind=kind, user=user)
            report = None
            if source is not None:
                filing.amount_unit = source.amount_unit
                filing.duties = source.duties or filing.duties
                filing.organisation = source.organisation or filing.organisation
                filing.save(update_fields=["amount_unit", "duties", "organisation", "updated_at"])
                report = _copy_lines(source=source, filing=filing, keep_amounts=keep_amounts)
                audit_record(
                    filing=filing,
                    actor=user,
                    action="复制上年填报",
                    object_repr=str(filing),
                    comment="\n".join([report.summary(), *report.problems()]),
                )
    except (IntegrityError, ValidationError):
        # lines.filing_create refuses an existing filing; the unique version constraint catches a concurrent one.
        raise CreateRefused(f"{label}已存在，不能重复创建。") from None
    return CreatedFiling(filing=filing, report=report)


def _copy_lines(*, source: Filing, filing: Filing, keep_amounts: bool) -> CopyReport:
    report = CopyReport(source=source, year=filing.fiscal_year.year, keep_amounts=keep_amounts)
    catalog = {
        (item.kind, item.code): item
        for item in CatalogItem.objects.filter(fiscal_year=filing.fiscal_year).select_related("gov_economic", "gov_economic_institution")
    }
    missing: dict[tuple[str, str], MissingCode] = {}
    unmapped: dict[str, MissingCode] = {}

    def lookup(item: CatalogItem | None) -> CatalogItem | None:
        if item is None:
            return None
        found = catalog.get((item.kind, item.code))
        if found is None:
            missing.setdefault((item.kind, item.code), MissingCode(kind=item.kind, code=item.code, name=item.name)).lines += 1
        return found

    with filing_write(filing=filing):
        projects = {}
        for project in Project.objects.filter(filing=source).order_by("order", "code"):
            projects[project.pk] = _copy(project, filing=filing, cleared=None if keep_amounts else _PROJECT_CLEARED, result_summary="")
        Project.objects.bulk_create(projects.values())
        report.copied["项目"] = len(projects)
        for done in copy_hooks_run(ProjectsCopied(source=source, filing=filing, projects=projects, keep_amounts=keep_amounts)):
            report.copied[done.label] = report.copied.get(done.label, 0) + done.count
            report.skipped += done.skipped

        new_lines = []
        for line in ExpenseLine.objects.filter(filing=source).select_related("unit", "function_item", "dept_economic_item").order_by("pk"):
            function_item = lookup(line.function_item)
            dept_item = lookup(line.dept_economic_item) if line.dept_economic_item_id else None
            if function_item is None or (line.dept_economic_item_id and dept_item is None):
                continue
            gov_item = lines.derive_gov_economic_item(dept_economic_item=dept_item, unit=line.unit)
            if dept_item is not None and gov_item is None:
                unmapped.setdefault(dept_item.code, MissingCode(kind=dept_item.kind, code=dept_item.code, name=dept_item.name)).lines += 1
                continue
            new_lines.append(
                _copy(
                    line,
                    filing=filing,
                    cleared=None if keep_amounts else _CLEARED,
                    function_item=function_item,
                    dept_economic_item=dept_item,
                    gov_economic_item=gov_item,
                    project=projects.get(line.project_id) if line.project_id else None,
                )
            )
        ExpenseLine.objects.bulk_create(new_lines, batch_size=1000)
        report.copied["支出明细"] = len(new_lines)

        income = []
        for income_line in IncomeLine.objects.filter(filing=source).select_related("function_item").order_by("pk"):
            function_item = lookup(income_line.function_item) if income_line.function_item_id else None
            if income_line.function_item_id and function_item is None:
                continue
            income.append(_copy(income_line, filing=filing, cleared=None if keep_amounts else _CLEARED, function_item=function_item))
        IncomeLine.objects.bulk_create(income, batch_size=1000)
        report.copied["收入明细"] = len(income)

        procurements = [
            _copy(p, filing=filing, cleared=None if keep_amounts else _PROCUREMENT_CLEARED) for p in Procurement.objects.filter(filing=source)
        ]
        Procurement.objects.bulk_create(procurements)
        report.copied["政府采购"] = len(procurements)
        assets = [_copy(a, filing=filing, cleared=None if keep_amounts else _ASSET_CLEARED) for a in AssetHolding.objects.filter(filing=source)]
        AssetHolding.objects.bulk_create(assets)
        report.copied["资产"] = len(assets)

        if keep_amounts:
            stats = ThreePublicStats.objects.filter(filing=source).first()
            if stats is not None:
                values = {f.attname: getattr(stats, f.attname) for f in ThreePublicStats._meta.concrete_fields if f.name not in ("id", "filing")}
                ThreePublicStats.objects.filter(filing=filing).update(**values)
    report.missing = sorted(missing.values(), key=lambda m: (m.kind, m.code))
    report.unmapped = sorted(unmapped.values(), key=lambda m: m.code)
    return report


def _copy(instance, *, filing: Filing, cleared: dict | None, **overrides):
    """An unsaved copy of a row of `filing`'s source, moved to `filing`, with its amounts cleared or kept."""
    values = {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields if f.name not in ("id", "filing")}
    values.update(cleared or {})
    copy = type(instance)(**values)
    copy.filing = filing
    for name, value in overrides.items():
        setattr(copy, name, value)
    return copy
