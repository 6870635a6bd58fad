"""What the workspace's line editor (明细录入) reads: its sheets, a page of rows, the running totals and
the catalog matches of a typed code or name.

A sheet is one of the upload's sheets (disclosures.imports.resources): the editor's columns, their
parsing and their Chinese messages are the upload's own, so a cell typed in the grid and the same cell
pasted from Excel or uploaded are read by the same widget. Amounts are shown and typed in the filing's
unit (元 or 万元); they are stored in 元.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Length, Substr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from disclosures.imports import widgets as w
from disclosures.imports.resources import (
    AssetHoldingResource,
    Column,
    ExpenseLineResource,
    IncomeLineResource,
    ProcurementResource,
    ProjectResource,
    SheetResource,
    ThreePublicStatsResource,
    UnitResource,
    resource_in_unit,
)
from disclosures.models import (
    CatalogItem,
    ExpenseKind,
    ExpenseLine,
    Filing,
    FundingSource,
    IncomeLine,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.money import ZERO, AmountError, amount_input_text, parse_amount_in, yuan
from disclosures.selectors.figures import THREE_PUBLIC_ITEMS

PAGE_SIZE = 100
CATALOG_MATCHES = 20
#: The level a line's code is entered at: 功能分类 项 (7 digits), 经济分类 款 (5 digits).
CATALOG_LENGTHS = {CatalogItem.Kind.FUNCTION: 7, CatalogItem.Kind.DEPT_ECONOMIC: 5, CatalogItem.Kind.GOV_ECONOMIC: 5}


@dataclass(frozen=True)
class Sheet:
    """A sheet of the line editor: its upload resource, and the columns only a 决算 filing shows."""

    key: str
    title: str
    resource: type[SheetResource] | None
    final_only: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @property
    def is_grid(self) -> bool:
        return self.resource is not None

    def resource_for(self, unit: str) -> SheetResource:
        assert self.resource is not None
        return resource_in_unit(self.resource, unit)

    def columns(self, resource: SheetResource, filing: Filing) -> list[Column]:
        """The columns the editor shows and writes for this filing (a budget filing has no 决算 columns)."""
        hidden = () if filing.kind == Filing.Kind.FINAL else self.final_only
        return [column for column in resource.input_columns() if column.attribute not in hidden]

    def queryset(self, filing: Filing) -> QuerySet:
        assert self.resource is not None
        queryset = self.resource().queryset_for(filing).order_by(*self.ordering())
        return queryset.select_related(*self.related) if self.related else queryset

    def ordering(self) -> list[str]:
        """The model's order within one filing or department (sorting by the filing itself would join and
        sort by its year, department and kind for nothing), then the primary key."""
        assert self.resource is not None
        model = self.resource._meta.model
        return [name for name in model._meta.ordering if name.lstrip("-") not in ("filing", "department")] + ["pk"]


#: The sheets in the order of the editor's tabs. 三公经费 is a form (one row per filing), not a grid.
SHEETS: dict[str, Sheet] = {
    sheet.key: sheet
    for sheet in (
        Sheet(
            "expense",
            "支出明细",
            ExpenseLineResource,
            final_only=("adjusted_amount", "actual_amount"),
            related=("unit", "function_item", "dept_economic_item", "project"),
        ),
        Sheet("income", "收入", IncomeLineResource, final_only=("adjusted_amount", "actual_amount"), related=("unit", "function_item")),
        Sheet("project", "项目", ProjectResource, final_only=("adjusted_amount", "actual_amount", "result_summary"), related=("unit",)),
        Sheet("three_public", "三公经费", None),
        Sheet("procurement", "政府采购", ProcurementResource, final_only=("actual_amount", "sme_amount", "micro_amount")),
        Sheet("asset", "资产", AssetHoldingResource),
        Sheet("unit", "单位", UnitResource),
    )
}


def sheet_or_none(key: str) -> Sheet | None:
    return SHEETS.get(key)


# --- Cells --------------------------------------------------------------------------------------------


#: Narrower than the default (em) where the values are short, so that a sheet's amounts fit beside the totals.
COLUMN_WIDTHS = {"unit": 8, "project": 6, "funding_source": 7, "expense_kind": 9, "note": 6, "source": 8, "category": 7}


@dataclass
class GridColumn:
    """A column as the grid draws it: the input's kind and, for a select, its options."""

    attribute: str
    header: str
    input: str  # "catalog", "select", "amount", "number", "text", "long_text"
    catalog_kind: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    width: int = 8
    default: str = ""  # a new row's value (a select's default choice)
    _options_html: dict[str, str] = field(default_factory=dict, repr=False)

    def options_html(self, selected: str) -> str:
        """The select's <option>s with `selected` chosen, built once per value (a page has few distinct
        values per column, and a hundred rows of selects rendered by the template cost most of the page)."""
        if selected not in self._options_html:
            self._options_html[selected] = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((value, mark_safe(" selected") if value == selected else "", label) for value, label in self.options),
            )
        return self._options_html[selected]


def grid_columns(*, sheet: Sheet, filing: Filing, unit: str, units: Iterable[Unit] = (), projects: Iterable[Project] = ()) -> list[GridColumn]:
    resource = sheet.resource_for(unit)
    result = []
    for column in sheet.columns(resource, filing):
        widget = column.widget
        grid_column = GridColumn(attribute=column.attribute, header=column.column_name, input="text", width=8)
        if isinstance(widget, w.CatalogCodeWidget):
            grid_column.input = "catalog"
            grid_column.catalog_kind = widget.kind
            grid_column.required = widget.required
            grid_column.width = 7
        elif isinstance(widget, w.UnitWidget):
            grid_column.input = "select"
            grid_column.options = [(u.code, u.name) for u in units]
        elif isinstance(widget, w.ProjectCodeWidget):
            grid_column.input = "select"
            grid_column.options = [("", "（无）"), *((p.code, f"{p.code} {p.name}") for p in projects)]
        elif isinstance(widget, w.ChoiceWidget):
            grid_column.input = "select"
            grid_column.options = [(str(value), str(label)) for value, label in widget.choices]
            grid_column.default = str(widget.default) if widget.default is not None else grid_column.options[0][0]
            if not widget.required and widget.default is None:
                grid_column.options.insert(0, ("", ""))
        elif isinstance(widget, w.AmountWidget) and not isinstance(widget, w.QuantityWidget):
            grid_column.input = "amount"
            grid_column.width = 7
        elif isinstance(widget, (w.QuantityWidget, w.PercentWidget, w.CountWidget)):
            grid_column.input = "number"
            grid_column.width = 4
        elif column.attribute in ("purpose", "goal_1", "goal_2", "result_summary"):
            grid_column.input = "long_text"
            grid_column.width = 12
        if isinstance(widget, w.TextWidget):
            grid_column.required = widget.required
        grid_column.width = COLUMN_WIDTHS.get(column.attribute, grid_column.width)
        result.append(grid_column)
    return result


@dataclass
class Cell:
    column: GridColumn
    value: str
    hint: str = ""
    errors: list[str] = field(default_factory=list)

    row_id: str = ""

    @property
    def options_html(self) -> str:
        return self.column.options_html(self.value)

    @property
    def input_html(self) -> str:
        """The cell's input or select. Built here rather than by template tags: a page of a hundred rows has a
        thousand of them, and this keeps the page of a 3,000-line filing fast."""
        column = self.column
        common = format_html(
            'name="{}" id="{}-{}" aria-label="{}"{}',
            column.attribute,
            self.row_id,
            column.attribute,
            column.header,
            mark_safe(' aria-invalid="true"') if self.errors else "",
        )
        if column.input == "select":
            return format_html("<select {}>{}</select>", common, self.options_html)
        if column.input == "catalog":
            extra = format_html(
                ' list="catalog-{}" data-lookup="{}" autocomplete="off" placeholder="编码或名称"', column.catalog_kind, column.catalog_kind
            )
        elif column.input in ("amount", "number"):
            extra = mark_safe(' inputmode="decimal" autocomplete="off"')
        else:
            extra = mark_safe(' autocomplete="off"')
        return format_html('<input type="text" {} value="{}"{}>', common, self.value, extra)

    def td_html(self, *, editable: bool) -> str:
        """The cell: its input (or, read-only, its value), the catalog name beside a code, its messages."""
        classes = f"cell {self.column.input}" + (" has-error" if self.errors else "")
        if editable:
            content = self.input_html
        else:
            content = format_html('<span class="value">{}</span>', self.label if self.column.input == "select" else self.value)
        hint = format_html('<small class="hint">{}</small>', self.hint) if self.hint else ""
        errors = format_html_join("", '<span class="cell-error" role="alert">{}</span>', ((message,) for message in self.errors))
        return format_html('<td class="{}">{}{}{}</td>', classes, content, hint, errors)

    @property
    def label(self) -> str:
        """A select's value as its label (read-only grids)."""
        return next((label for value, label in self.column.options if value == self.value), self.value)


@dataclass
class GridRow:
    pk: int | None
    cells: list[Cell]
    errors: list[str] = field(default_factory=list)
    dirty: bool = False
    number: int | None = None  # the row's position in the sheet, on a page

    def __post_init__(self) -> None:
        for cell in self.cells:
            cell.row_id = self.dom_id

    @property
    def cells_html(self) -> str:
        return mark_safe("".join(cell.td_html(editable=True) for cell in self.cells))

    @property
    def cells_readonly_html(self) -> str:
        return mark_safe("".join(cell.td_html(editable=False) for cell in self.cells))

    @property
    def has_cell_errors(self) -> bool:
        return any(cell.errors for cell in self.cells)

    @property
    def dom_id(self) -> str:
        return f"row-{self.pk}" if self.pk else "row-new"


def cell_text(instance, column: GridColumn, unit: str) -> tuple[str, str]:
    """(the input's value, the hint beside it) of an object's attribute."""
    value = getattr(instance, column.attribute)
    if column.input == "catalog":
        return (value.code, value.name) if value is not None else ("", "")
    if isinstance(value, (Unit, Project)):
        return value.code, ""
    if value is None:
        return "", ""
    if column.input == "amount":
        return amount_input_text(value, unit), ""
    if isinstance(value, bool):
        return str(value), ""  # the select's option values: "True" (是) / "False" (否)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}", ""
    return str(value), ""


def row_of(instance, columns: list[GridColumn], unit: str) -> GridRow:
    return GridRow(pk=instance.pk, cells=[Cell(column, *cell_text(instance, column, unit)) for column in columns])


def row_from_input(*, pk: int | None, data, columns: list[GridColumn], errors: dict[str, list[str]]) -> GridRow:
    """The row as the user typed it, with the messages beside its cells (nothing was saved)."""
    cells = [Cell(column, str(data.get(column.attribute, "")), errors=errors.get(column.attribute, [])) for column in columns]
    shown = {column.attribute for column in columns}
    rest = [message for name, messages in errors.items() if name not in shown for message in messages]
    return GridRow(pk=pk, cells=cells, errors=rest, dirty=True)


def blank_row(columns: list[GridColumn]) -> GridRow:
    cells = []
    for column in columns:
        value = column.default
        if column.input == "select" and not value and column.options and column.attribute != "project":
            value = column.options[0][0]
        cells.append(Cell(column, value))
    return GridRow(pk=None, cells=cells)


def grid_page(*, sheet: Sheet, filing: Filing, columns: list[GridColumn], unit: str, page: str | int | None) -> tuple[Page, list[GridRow]]:
    """One page of the sheet's rows (PAGE_SIZE), in the model's order."""
    ids = sheet.queryset(filing).select_related(None).values_list("pk", flat=True)
    paginator = Paginator(ids, PAGE_SIZE)
    current = paginator.get_page(page)
    page_ids = list(current.object_list)  # sorted narrow rows first, then only the page's rows joined
    instances = sheet.queryset(filing).filter(pk__in=page_ids).in_bulk()
    rows = [row_of(instances[pk], columns, unit) for pk in page_ids if pk in instances]
    for number, row in enumerate(rows, start=current.start_index()):
        row.number = number
    return current, rows


# --- Totals -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amounts:
    budget: Decimal = ZERO
    actual: Decimal = ZERO

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(self.budget + other.budget, self.actual + other.actual)

    def __sub__(self, other: Amounts) -> Amounts:
        return Amounts(self.budget - other.budget, self.actual - other.actual)


@dataclass(frozen=True)
class TotalRow:
    label: str
    amounts: Amounts
    level: int = 1  # 0 a total, 1 a row, 2 an indented row


@dataclass(frozen=True)
class GridTotals:
    """The running totals beside the grid: 支出 by 功能分类 类, 收入 by category, the 收支平衡, projects."""

    is_final: bool
    expense_classes: list[TotalRow]
    expense_total: Amounts
    income_rows: list[TotalRow]
    income_total: Amounts
    income_side: Amounts  # 收入总计 = 本年收入 + 使用非财政拨款结余 + 年初结转和结余
    expense_side: Amounts  # 支出总计 = 本年支出 + 结余分配 + 年末结转和结余
    projects_total: Amounts
    project_expense: Amounts
    procurement_total: Amounts

    @property
    def difference(self) -> Amounts:
        return self.income_side - self.expense_side

    @property
    def balanced(self) -> bool:
        stage = self.difference.actual if self.is_final else self.difference.budget
        return stage == 0

    @property
    def projects_match(self) -> bool:
        difference = self.projects_total - self.project_expense
        return (difference.actual if self.is_final else difference.budget) == 0


def _amounts(row: dict) -> Amounts:
    """Sums in 元 to the 分 (SQLite sums decimals as floats: 3703680.00000014 is 3,703,680.00)."""
    return Amounts(yuan(row.get("budget") or ZERO), yuan(row.get("actual") or ZERO))


EFFECTIVE_BUDGET = Coalesce("adjusted_amount", "budget_amount")


def grid_totals(*, filing: Filing, deltas: Iterable[tuple[str, str, Amounts]] = ()) -> GridTotals:
    """The totals of the filing's stored lines in five aggregate queries, whatever the number of lines.

    `deltas` = [(sheet, 功能分类 类 or income category, amounts to add)] show the totals as they will be
    once a row being typed is saved: its typed amounts added, its stored amounts subtracted.
    """
    by_class: dict[str, Amounts] = {}
    project_expense = Amounts()
    expense_rows = (
        ExpenseLine.objects.filter(filing=filing)
        .annotate(cls=Substr("function_item__code", 1, 3))
        .values("cls", "expense_kind")
        .annotate(budget=Sum(EFFECTIVE_BUDGET), actual=Sum("actual_amount"))
        .order_by()
    )
    for row in expense_rows:
        by_class[row["cls"]] = by_class.get(row["cls"], Amounts()) + _amounts(row)
        if row["expense_kind"] == ExpenseKind.PROJECT:
            project_expense += _amounts(row)
    by_category: dict[str, Amounts] = {}
    income_rows = (
        IncomeLine.objects.filter(filing=filing).values("category").annotate(budget=Sum(EFFECTIVE_BUDGET), actual=Sum("actual_amount")).order_by()
    )
    for row in income_rows:
        by_category[row["category"]] = _amounts(row)
    for sheet, key, amounts in deltas:
        if amounts == Amounts():
            continue
        if sheet == "expense" and key:
            by_class[key] = by_class.get(key, Amounts()) + amounts
        elif sheet == "income" and key:
            by_category[key] = by_category.get(key, Amounts()) + amounts
    names = dict(
        CatalogItem.objects.filter(fiscal_year_id=filing.fiscal_year_id, kind=CatalogItem.Kind.FUNCTION, code__in=list(by_class)).values_list(
            "code", "name"
        )
    )
    classes = [TotalRow(f"{code} {names.get(code, '')}".strip(), by_class[code]) for code in sorted(by_class)]
    expense_total = sum((row.amounts for row in classes), Amounts())
    categories = IncomeLine.Category
    income_rows_out = [TotalRow(str(label), by_category.get(value, Amounts())) for value, label in categories.choices if value in by_category]
    income_total = by_category.get(categories.INCOME, Amounts())
    income_side = income_total + by_category.get(categories.BALANCE_USED, Amounts()) + by_category.get(categories.OPENING, Amounts())
    expense_side = expense_total + by_category.get(categories.DISTRIBUTION, Amounts()) + by_category.get(categories.CLOSING, Amounts())
    projects = Project.objects.filter(filing=filing).aggregate(budget=Sum(EFFECTIVE_BUDGET), actual=Sum("actual_amount"))
    procurement = Procurement.objects.filter(filing=filing).aggregate(budget=Sum("budget_amount"), actual=Sum("actual_amount"))
    return GridTotals(
        is_final=filing.kind == Filing.Kind.FINAL,
        expense_classes=classes,
        expense_total=expense_total,
        income_rows=income_rows_out,
        income_total=income_total,
        income_side=income_side,
        expense_side=expense_side,
        projects_total=_amounts(projects),
        project_expense=project_expense,
        procurement_total=_amounts(procurement),
    )


# --- Catalog lookup -----------------------------------------------------------------------------------


def catalog_matches(*, filing: Filing, kind: str, text: str, limit: int = CATALOG_MATCHES) -> list[CatalogItem]:
    """Codes of the filing's year and of the level a line takes (项 / 款) whose code starts with, or whose
    name contains, the typed text."""
    text = text.strip()
    if kind not in CATALOG_LENGTHS or not text:
        return []
    items = CatalogItem.objects.filter(fiscal_year_id=filing.fiscal_year_id, kind=kind).annotate(code_length=Length("code"))
    items = items.filter(code_length=CATALOG_LENGTHS[CatalogItem.Kind(kind)])
    return list(items.filter(Q(code__startswith=text) | Q(name__icontains=text)).order_by("code")[:limit])


def catalog_code_for_name(*, filing: Filing, kind: str, text: str) -> str | None:
    """The code of a name typed instead of a code ('信访事务' → '2010308'), when exactly one item of the
    filing's year and level has that name."""
    if kind not in CATALOG_LENGTHS:
        return None
    items = CatalogItem.objects.filter(fiscal_year_id=filing.fiscal_year_id, kind=kind, name=text.strip()).annotate(code_length=Length("code"))
    codes = list(items.filter(code_length=CATALOG_LENGTHS[CatalogItem.Kind(kind)]).values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else None


def typed_row_deltas(*, sheet: Sheet, filing: Filing, pk: int | None, data, unit: str) -> list[tuple[str, str, Amounts]]:
    """The change a row being typed (not yet saved) makes to the totals: its typed amounts in, its stored
    amounts out. A cell that is not (yet) a valid amount counts as zero."""
    if sheet.key not in ("expense", "income"):
        return []
    key_field = "function_item" if sheet.key == "expense" else "category"
    deltas = []
    if pk is not None:
        stored = sheet.queryset(filing).filter(pk=pk).first()
        if stored is not None:
            key = stored.function_item.code[:3] if sheet.key == "expense" else stored.category
            deltas.append((sheet.key, key, Amounts(-stored.effective_budget, -stored.actual_amount)))

    def typed(name: str):
        text = str(data.get(name, "") or "").strip()
        if not text:
            return None
        try:
            return parse_amount_in(text, unit)
        except AmountError:
            return ZERO

    key = str(data.get(key_field, "") or "").strip()
    if sheet.key == "expense":
        key = key[:3] if len(key) == 7 and key.isdigit() else ""  # a 类 only once a 项 code is typed
    if not key:
        return deltas
    budget = typed("adjusted_amount")
    if budget is None:
        budget = typed("budget_amount") or ZERO
    deltas.append((sheet.key, key, Amounts(budget, typed("actual_amount") or ZERO)))
    return deltas


def three_public_lines(*, filing: Filing) -> dict[str, Amounts]:
    """The 三公 items' amounts from the 一般公共预算 expense lines (30212, 31013, 30231, 30217), by item: the
    决算数, and the budget the 预算数 falls back to where none is entered."""
    codes = {code: item for item, (_, code) in ThreePublicStats.BUDGET_ITEMS.items()}
    rows = (
        ExpenseLine.objects.filter(filing=filing, funding_source=FundingSource.GENERAL_PUBLIC_BUDGET, dept_economic_item__code__in=list(codes))
        .values("dept_economic_item__code")
        .annotate(budget=Sum(EFFECTIVE_BUDGET), actual=Sum("actual_amount"))
        .order_by()
    )
    found = {codes[row["dept_economic_item__code"]]: _amounts(row) for row in rows}
    return {item: found.get(item, Amounts()) for item in ThreePublicStats.BUDGET_ITEMS}


def three_public_columns(unit: str) -> list[Column]:
    """The 三公 form's fields: the upload's 三公数量 columns, the 预算数 read in `unit`."""
    return resource_in_unit(ThreePublicStatsResource, unit).input_columns()


@dataclass
class FormField:
    name: str
    label: str
    value: str
    errors: list[str] = field(default_factory=list)


@dataclass
class ThreePublicForm:
    items: list[dict]  # label, code, field (the entered 预算数), lines (Amounts of the item's lines)
    count_fields: list[FormField]


def three_public_form(*, filing: Filing, unit: str, posted=None, errors: dict[str, list[str]] | None = None) -> ThreePublicForm:
    """The 三公 form as stored, or (with `errors`) as posted, beside the items' amounts from the lines."""
    errors = errors or {}
    stats = ThreePublicStats.objects.filter(filing=filing).first() or ThreePublicStats(filing=filing)
    fields = {}
    for column in three_public_columns(unit):
        stored = getattr(stats, column.attribute)
        if errors and posted is not None:
            value = str(posted.get(column.attribute, ""))
        elif stored is None:
            value = ""
        else:
            value = amount_input_text(stored, unit) if column.attribute.startswith("budget_") else str(stored)
        fields[column.attribute] = FormField(column.attribute, column.column_name, value, errors.get(column.attribute, []))
    lines = three_public_lines(filing=filing)
    items = [
        {
            "label": label,
            "code": ThreePublicStats.BUDGET_ITEMS[item][1],
            "field": fields[ThreePublicStats.BUDGET_ITEMS[item][0]],
            "lines": lines[item],
        }
        for item, label in THREE_PUBLIC_ITEMS
    ]
    return ThreePublicForm(items=items, count_fields=[f for name, f in fields.items() if not name.startswith("budget_")])
