"""The columns of each upload sheet, as django-import-export Resources.

One Resource per kind of line. A `Column` is an import-export Field that also carries what the template
needs (the comment on the header cell, an example value, a validation list). The same definitions serve
the template, the preview (each Field's widget cleans its cell), the apply step and the export of a
filing, so a workbook exported from a filing imports back into an identical filing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from import_export import fields, resources

from disclosures.models import (
    BASIC_EXPENSE_KINDS,
    AssetHolding,
    CatalogItem,
    ExpenseKind,
    ExpenseLine,
    FundingSource,
    IncomeLine,
    PriorYearFigure,
    Procurement,
    Project,
    ThreePublicStats,
    Unit,
)

from disclosures.money import AmountUnit

from . import widgets as w
from .workbook import ColumnSpec

AMOUNT_FORMAT = "#,##0.00"


class Column(fields.Field):
    """A Field with its header comment, example value and (optional) validation list for the template."""

    def __init__(
        self,
        attribute: str,
        header: str,
        widget,
        *,
        comment: str,
        example=None,
        info_only: bool = False,
        width: int = 16,
        number_format: str | None = None,
        choices: Callable | None = None,
    ):
        super().__init__(attribute=attribute, column_name=header, widget=widget, readonly=info_only)
        self.comment = comment
        self.example = example
        self.info_only = info_only
        self.width = width
        self.number_format = number_format
        self.choices_for = choices

    def clean(self, row, **kwargs):
        """The widget's reading of the cell. Field.clean also replaces an empty value by the field's
        default, but no column has one (the widgets apply their own), and its test `value in
        empty_values` compared every amount with None and "" (about 5% of a big preview)."""
        return self.widget.clean(row[self.column_name], row=row, **kwargs)

    def spec(self, context) -> ColumnSpec:
        if self.choices_for is not None:
            choices = self.choices_for(context)
        elif isinstance(self.widget, w.ChoiceWidget):
            choices = self.widget.labels
        elif isinstance(self.widget, w.CatalogCodeWidget):
            lengths = self.widget.lengths
            choices = [code for code in context.catalog_codes(self.widget.kind) if len(code) in lengths]
        else:
            choices = ()
        return ColumnSpec(
            header=self.column_name,
            comment=self.comment,
            example=self.example,
            choices=tuple(choices),
            width=self.width,
            number_format=self.number_format,
        )


def amount(attribute: str, header: str, comment: str, example, *, nullable: bool = False) -> Column:
    return Column(
        attribute,
        header,
        w.AmountWidget(nullable=nullable),
        comment=comment,
        example=example,
        number_format=AMOUNT_FORMAT,
        width=16,
    )


def unit_column() -> Column:
    return Column(
        "unit",
        "预算单位",
        w.UnitWidget(),
        comment="填写本部门的预算单位名称（或单位编码）；留空表示部门本级。",
        example="",
        width=24,
        choices=lambda context: context.unit_names(),
    )


def catalog_column(attribute: str, header: str, kind: str, lengths: tuple[int, ...], comment: str, example: str, *, required=True) -> Column:
    return Column(
        attribute,
        header,
        w.CatalogCodeWidget(kind, lengths=lengths, required=required),
        comment=comment,
        example=example,
        number_format="@",
        width=16,
    )


def name_column(attribute: str, header: str, example: str) -> Column:
    return Column(
        attribute,
        header,
        w.TextWidget(),
        comment="仅供核对，导入时以编码为准，可留空。",
        example=example,
        info_only=True,
        width=28,
    )


@dataclass(frozen=True)
class _BatchPlan:
    """How SheetResource.batch_instance fills the model's concrete fields, by their positions."""

    template: list  # the values of the fields no column sets, where their default is a constant
    defaults: list[tuple[int, Any]]  # fields no column sets whose default is computed for each object
    plain: list[tuple[int, str]]  # (position, attribute) of the plain input columns
    related: list[tuple[int, str, Any, str]]  # (position, attribute, field, the context's lookup) of the relations
    filing: int  # the position of filing_id
    filing_field: Any


class SheetResource(resources.ModelResource):
    """A sheet of an upload workbook: its columns, natural key, row rules and how a row becomes an object."""

    sheet_title: str = ""
    kind: str = ""
    natural_key: tuple[str, ...] = ()
    # Fields the line services derive rather than read from a column (written by the batch path too).
    derived_fields: tuple[str, ...] = ()
    singleton = False

    def columns(self) -> list[Column]:
        return [self.fields[name] for name in self._meta.fields]

    def input_columns(self) -> list[Column]:
        """The columns read into the model (cached: the preview and the apply ask for them on every row)."""
        columns = self.__dict__.get("_input_columns")
        if columns is None:
            columns = self.__dict__["_input_columns"] = [column for column in self.columns() if not column.info_only]
        return columns

    def column_specs(self, context) -> list[ColumnSpec]:
        return [column.spec(context) for column in self.columns()]

    def fields_by_attribute(self, attribute: str) -> Column:
        return next(column for column in self.columns() if column.attribute == attribute)

    def existing_objects(self, filing) -> list:
        """The filing's current objects of this sheet, with what their natural keys need joined in."""
        model = self._meta.model
        related = [name for name in self.natural_key if model._meta.get_field(name).is_relation]
        return list(self.queryset_for(filing).select_related(*related))

    def existing_keys(self, filing) -> dict[tuple, int]:
        """Natural key → primary key of the filing's objects, in one query (keys as `clean` returns them:
        catalog items by pk, units and projects by code)."""
        model = self._meta.model
        columns = []
        for name in self.natural_key:
            field = model._meta.get_field(name)
            if not field.is_relation:
                columns.append(name)
            elif field.related_model is CatalogItem:
                columns.append(field.attname)
            else:
                columns.append(f"{name}__code")
        return {tuple(row[1:]): row[0] for row in self.queryset_for(filing).values_list("pk", *columns)}

    def key_of(self, values: dict) -> tuple:
        return tuple(values.get(name) for name in self.natural_key)

    def instance_key(self, instance) -> tuple:
        return self.key_of(self.values_of(instance))

    def values_of(self, instance) -> dict:
        """The stored-value form of an existing object (what `clean` would return for its export)."""
        values = {}
        for name in self.natural_key:
            field = instance._meta.get_field(name)
            value = getattr(instance, name)
            if field.is_relation:
                related = value
                if related is None:
                    values[name] = None
                elif isinstance(related, CatalogItem):
                    values[name] = related.pk
                else:
                    values[name] = related.code
            else:
                values[name] = value
        return values

    def row_errors(self, values: dict, context) -> list[str]:
        """Rules between the columns of one row (Chinese messages, prefixed with the row number by the caller)."""
        return []

    def queryset_for(self, filing):
        return self._meta.model.objects.filter(filing=filing)

    def new_instance(self, context):
        return self._meta.model(filing=context.filing)

    def assign(self, instance, values: dict, context) -> None:
        for column in self.input_columns():
            value = values.get(column.attribute)
            field = instance._meta.get_field(column.attribute)
            if field.is_relation:
                if isinstance(column.widget, w.CatalogCodeWidget):
                    setattr(instance, column.attribute, context.catalog_item(value) if value else None)
                elif isinstance(column.widget, w.UnitWidget):
                    setattr(instance, column.attribute, context.unit_by_code(value) if value else None)
                elif isinstance(column.widget, w.ProjectCodeWidget):
                    setattr(instance, column.attribute, context.project_by_code(value) if value else None)
            else:
                setattr(instance, column.attribute, value)

    def batch_instance(self, values: dict, context):
        """new_instance() and assign() in one step for the batch path (tens of thousands of rows): the model
        is built from column values and foreign-key ids, and the related objects, which come from the
        context's lookups of this filing, are put in its cache instead of through each relation's
        descriptor (whose checks were most of the cost of building a line).

        The values are given by position, one for each concrete field in order, as Django builds the objects
        it reads (Model.from_db): the keyword path of Model.__init__ was most of what was left. A field that no
        column sets (the key, a derived field) gets its default, as a keyword-built object gets it."""
        model = self._meta.model
        plan = self._batch_plan()
        args = plan.template.copy()
        for index, field in plan.defaults:
            args[index] = field.get_default()
        for index, attribute in plan.plain:
            args[index] = values.get(attribute)
        args[plan.filing] = context.filing.pk
        objects = []
        for index, attribute, field, lookup in plan.related:
            value = values.get(attribute)
            obj = getattr(context, lookup)(value) if value else None
            args[index] = None if obj is None else obj.pk
            objects.append((field, obj))
        instance = model(*args)
        plan.filing_field.set_cached_value(instance, context.filing)
        for field, obj in objects:
            field.set_cached_value(instance, obj)
        return instance

    def _batch_plan(self) -> _BatchPlan:
        """Where each concrete field's value comes from: an input column (plain, or a relation with the
        context's lookup of it), the filing, or the field's default."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            model_fields = self._meta.model._meta.concrete_fields
            position = {field.name: index for index, field in enumerate(model_fields)}
            lookups = {w.CatalogCodeWidget: "catalog_item", w.UnitWidget: "unit_by_code", w.ProjectCodeWidget: "project_by_code"}
            plain, related = [], []
            for column in self.input_columns():
                field = self._meta.model._meta.get_field(column.attribute)
                if field.is_relation:
                    related.append((position[field.name], column.attribute, field, lookups[type(column.widget)]))
                else:
                    plain.append((position[field.name], column.attribute))
            filing_field = self._meta.model._meta.get_field("filing")
            given = {index for index, *_ in plain} | {index for index, *_ in related} | {position["filing"]}
            template: list = [None] * len(model_fields)
            defaults = []
            for index, field in enumerate(model_fields):
                if index in given:
                    continue
                if field.has_default() and callable(field.default):
                    defaults.append((index, field))  # a new value for each object
                else:
                    template[index] = field.get_default()
            plan = self.__dict__["_plan"] = _BatchPlan(
                template=template, defaults=defaults, plain=plain, related=related, filing=position["filing"], filing_field=filing_field
            )
        return plan

    def export_rows(self, queryset) -> list[list]:
        return [[column.export(obj) for column in self.columns()] for obj in queryset]

    def restore(self, values: dict) -> dict:
        """Values as stored as JSON between preview and apply → the types `clean` returned."""
        restored = dict(values)
        decimals = self.__dict__.get("_decimal_attributes")
        if decimals is None:
            decimals = self.__dict__["_decimal_attributes"] = [
                column.attribute for column in self.input_columns() if isinstance(column.widget, (w.AmountWidget, w.PercentWidget))
            ]
        for attribute in decimals:
            value = restored.get(attribute)
            if value is not None:
                restored[attribute] = Decimal(value)
        return restored


class UnitResource(SheetResource):
    sheet_title = "单位"
    kind = "unit"
    natural_key = ("code",)

    code = Column(
        "code", "单位编码", w.TextWidget(max_length=20, required=True), comment="预算单位编码，如“301001”。", example="901001", number_format="@"
    )
    name = Column("name", "单位名称", w.TextWidget(max_length=100, required=True), comment="预算单位全称。", example="某县信访局", width=30)
    is_main = Column(
        "is_main",
        "部门本级",
        w.BooleanChoiceWidget(label="是否部门本级"),
        comment="部门本级填“是”，二级预算单位填“否”。每个部门只有一个本级。",
        example="是",
        width=10,
    )
    nature = Column(
        "nature",
        "单位性质",
        w.ChoiceWidget(Unit.Nature.choices, label="单位性质", default=Unit.Nature.ADMINISTRATIVE),
        comment="行政单位、参照公务员法管理事业单位、事业单位或其他。",
        example="行政单位",
        width=24,
    )
    grade = Column("grade", "单位级别", w.TextWidget(max_length=20), comment="如“正科级”“股级”，可留空。", example="正科级", width=10)
    funding_form = Column(
        "funding_form",
        "经费保障形式",
        w.ChoiceWidget(Unit.FundingForm.choices, label="经费保障形式", default=Unit.FundingForm.FULL),
        comment="财政全额拨款、财政差额拨款或自收自支。",
        example="财政全额拨款",
        width=14,
    )
    staff_quota = Column("staff_quota", "编制人数", w.CountWidget(), comment="核定编制人数（整数）。", example=8, width=10)
    staff_actual = Column("staff_actual", "实有人数", w.CountWidget(), comment="年末实有人数（整数）。", example=8, width=10)

    class Meta:
        model = Unit
        name = "单位"
        fields = ("code", "name", "is_main", "nature", "grade", "funding_form", "staff_quota", "staff_actual")

    def queryset_for(self, filing):
        return Unit.objects.filter(department_id=filing.department_id)

    def new_instance(self, context):
        return Unit(department=context.department)


class ExpenseLineResource(SheetResource):
    sheet_title = "支出"
    kind = "expense"
    natural_key = ("unit", "function_item", "dept_economic_item", "expense_kind", "funding_source", "project")
    derived_fields = ("gov_economic_item",)

    unit = unit_column()
    function_item = catalog_column(
        "function_item",
        "支出功能分类科目编码",
        CatalogItem.Kind.FUNCTION,
        (7,),
        "支出功能分类科目编码，7位项级科目，如2010301（行政运行）。须是本填报年度的科目。",
        "2010301",
    )
    function_name = name_column("function_item__name", "支出功能分类科目名称", "行政运行")
    dept_economic_item = catalog_column(
        "dept_economic_item",
        "部门预算经济分类科目编码",
        CatalogItem.Kind.DEPT_ECONOMIC,
        (5,),
        "部门预算支出经济分类款级科目编码，5位，如30101（基本工资）。基本支出必须填写；项目支出可留空。政府预算经济分类由对照表自动带出。",
        "30101",
        required=False,
    )
    dept_economic_name = name_column("dept_economic_item__name", "部门预算经济分类科目名称", "基本工资")
    expense_kind = Column(
        "expense_kind",
        "支出类型",
        w.ChoiceWidget(ExpenseKind.choices, label="支出类型"),
        comment="基本支出-人员经费（301、303类）、基本支出-日常公用经费（302类等）、项目支出、上缴上级支出、经营支出（事业单位经营支出）或对附属单位补助支出。",
        example=ExpenseKind.PERSONNEL.label,
        width=22,
    )
    project = Column(
        "project",
        "项目编码",
        w.ProjectCodeWidget(),
        comment="项目支出填写所属项目的编码（项目须已在“项目”表中）；基本支出留空。",
        example="",
        number_format="@",
        width=20,
    )
    funding_source = Column(
        "funding_source",
        "资金来源",
        w.ChoiceWidget(FundingSource.choices, label="资金来源", default=FundingSource.GENERAL_PUBLIC_BUDGET),
        comment="收入来源，如“一般公共预算财政拨款”；留空按一般公共预算财政拨款。",
        example=FundingSource.GENERAL_PUBLIC_BUDGET.label,
        width=24,
    )
    budget_amount = amount(
        "budget_amount", "年初预算数（元）", "年初预算数，单位元，最多两位小数，如1036.03；不能为负数，不能是公式。", Decimal("1036.03")
    )
    adjusted_amount = amount("adjusted_amount", "调整预算数（元）", "调整后预算数，单位元；没有调整时留空。", None, nullable=True)
    actual_amount = amount("actual_amount", "决算数（元）", "全年实际支出（决算数），单位元；预算填报留空或填0。", None)
    note = Column("note", "备注", w.TextWidget(max_length=200), comment="可留空。", example="", width=20)

    class Meta:
        model = ExpenseLine
        name = "支出明细"
        fields = (
            "unit",
            "function_item",
            "function_name",
            "dept_economic_item",
            "dept_economic_name",
            "expense_kind",
            "project",
            "funding_source",
            "budget_amount",
            "adjusted_amount",
            "actual_amount",
            "note",
        )

    def row_errors(self, values, context):
        errors = []
        is_project = values.get("expense_kind") == ExpenseKind.PROJECT
        is_basic = values.get("expense_kind") in BASIC_EXPENSE_KINDS
        if values.get("project") and not is_project:
            errors.append("“项目编码”：只有项目支出可以填写项目编码")
        if is_basic and not values.get("dept_economic_item"):
            errors.append("“部门预算经济分类科目编码”：基本支出必须填写部门预算经济分类科目编码")
        return errors


class IncomeLineResource(SheetResource):
    sheet_title = "收入"
    kind = "income"
    natural_key = ("unit", "category", "source", "function_item")

    unit = unit_column()
    category = Column(
        "category",
        "类别",
        w.ChoiceWidget(IncomeLine.Category.choices, label="收入类别", default=IncomeLine.Category.INCOME),
        comment="本年收入、年初结转和结余（预算：上年结转）、年末结转和结余（预算：结转下年）、使用非财政拨款结余或结余分配；留空为本年收入。",
        example=IncomeLine.Category.INCOME.label,
        width=16,
    )
    source = Column(
        "source",
        "收入来源",
        w.ChoiceWidget(FundingSource.choices, label="收入来源"),
        comment="如“一般公共预算财政拨款”“事业收入”“其他收入”。",
        example=FundingSource.GENERAL_PUBLIC_BUDGET.label,
        width=24,
    )
    function_item = catalog_column(
        "function_item",
        "功能分类科目编码",
        CatalogItem.Kind.FUNCTION,
        (7,),
        "该收入安排支出的支出功能分类科目编码，7位项级科目，如2010301（行政运行）；须是本填报年度的科目。"
        "收入决算表、部门收入总表按此科目列示；收入涉及多个科目时按科目分行填写。",
        "2010301",
        required=False,
    )
    function_name = name_column("function_item__name", "功能分类科目名称", "行政运行")
    budget_amount = amount("budget_amount", "年初预算数（元）", "年初预算数，单位元，最多两位小数；不能为负数，不能是公式。", Decimal("3823100.00"))
    adjusted_amount = amount("adjusted_amount", "调整预算数（元）", "调整后预算数，单位元；没有调整时留空。", None, nullable=True)
    actual_amount = amount("actual_amount", "决算数（元）", "全年实际收入（决算数），单位元；预算填报留空或填0。", None)

    class Meta:
        model = IncomeLine
        name = "收入明细"
        fields = ("unit", "category", "source", "function_item", "function_name", "budget_amount", "adjusted_amount", "actual_amount")


def percent_column(attribute: str, header: str, month: str, example) -> Column:
    return Column(
        attribute,
        header,
        w.PercentWidget(),
        comment=f"截至{month}底累计支出占全年预算的百分比，0–100，如 25 表示 25%；可留空。",
        example=example,
        width=12,
    )


class ProjectResource(SheetResource):
    sheet_title = "项目"
    kind = "project"
    natural_key = ("code",)

    code = Column(
        "code",
        "项目编码",
        w.TextWidget(max_length=40, required=True),
        comment="项目编码，如“202-3202-YBN-67SQ”；同一填报内不能重复。",
        example="202-3202-YBN-67SQ",
        number_format="@",
        width=22,
    )
    name = Column("name", "项目名称", w.TextWidget(max_length=200, required=True), comment="项目全称。", example="信访工作经费", width=30)
    unit = unit_column()
    purpose = Column("purpose", "资金用途", w.TextWidget(), comment="项目资金的主要用途。", example="用于信访接待、矛盾纠纷调处等工作。", width=30)
    budget_amount = amount("budget_amount", "全年预算数（元）", "项目全年预算数，单位元，最多两位小数。", Decimal("200000.00"))
    adjusted_amount = amount("adjusted_amount", "调整后预算数（元）", "调整后预算数，单位元；没有调整时留空。", None, nullable=True)
    actual_amount = amount("actual_amount", "全年执行数（元）", "全年实际支出，单位元；预算填报留空或填0。", None)
    fiscal_amount = amount("fiscal_amount", "其中财政拨款（元）", "预算数中的财政拨款部分，单位元。", Decimal("200000.00"))
    plan_march = percent_column("plan_march", "3月底支出进度（%）", "3月", 25)
    plan_june = percent_column("plan_june", "6月底支出进度（%）", "6月", 50)
    plan_october = percent_column("plan_october", "10月底支出进度（%）", "10月", 80)
    plan_december = percent_column("plan_december", "12月底支出进度（%）", "12月", 100)
    goal_1 = Column("goal_1", "年度目标1", w.TextWidget(), comment="项目的年度绩效目标一。", example="按时办理信访事项。", width=30)
    goal_2 = Column(
        "goal_2", "年度目标2", w.TextWidget(), comment="项目的年度绩效目标二（不要与目标1相同）。", example="群众满意度不低于90%。", width=30
    )
    result_summary = Column(
        "result_summary", "实际完成目标", w.TextWidget(), comment="决算时填写实际完成情况；预算填报可留空。", example="", width=30
    )
    order = Column("order", "排序", w.CountWidget(), comment="在表格和说明中的顺序，整数，可留空。", example=1, width=8)

    class Meta:
        model = Project
        name = "项目"
        fields = (
            "code",
            "name",
            "unit",
            "purpose",
            "budget_amount",
            "adjusted_amount",
            "actual_amount",
            "fiscal_amount",
            "plan_march",
            "plan_june",
            "plan_october",
            "plan_december",
            "goal_1",
            "goal_2",
            "result_summary",
            "order",
        )

    def row_errors(self, values, context):
        budget = values.get("adjusted_amount") if values.get("adjusted_amount") is not None else values.get("budget_amount")
        if budget is not None and values.get("fiscal_amount") is not None and values["fiscal_amount"] > budget:
            return ["“其中财政拨款（元）”：财政拨款不能超过项目预算数"]
        return []


class ThreePublicStatsResource(SheetResource):
    sheet_title = "三公数量"
    kind = "three_public"
    natural_key = ()
    singleton = True

    overseas_groups = Column(
        "overseas_groups", "因公出国（境）团组数", w.CountWidget(), comment="全年因公出国（境）团组数（个）。", example=0, width=14
    )
    overseas_people = Column("overseas_people", "因公出国（境）人次", w.CountWidget(), comment="全年因公出国（境）人次。", example=0, width=14)
    reception_batches = Column("reception_batches", "国内公务接待批次", w.CountWidget(), comment="国内公务接待批次。", example=12, width=14)
    reception_people = Column("reception_people", "国内公务接待人次", w.CountWidget(), comment="国内公务接待人次。", example=60, width=14)
    foreign_reception_batches = Column(
        "foreign_reception_batches", "外事接待批次", w.CountWidget(), comment="外事接待批次，没有填0。", example=0, width=12
    )
    foreign_reception_people = Column(
        "foreign_reception_people", "外事接待人次", w.CountWidget(), comment="外事接待人次，没有填0。", example=0, width=12
    )
    vehicles_purchased = Column("vehicles_purchased", "购置公务用车数", w.CountWidget(), comment="本年购置公务用车数（辆）。", example=0, width=12)
    vehicles_owned = Column("vehicles_owned", "公务用车保有量", w.CountWidget(), comment="年末公务用车保有量（辆）。", example=1, width=12)
    budget_overseas = amount(
        "budget_overseas",
        "因公出国（境）费预算数（元）",
        "本年“三公”经费预算数，单位元，按批复填写；留空则取30212支出明细的预算数。",
        Decimal("0.00"),
        nullable=True,
    )
    budget_vehicle_purchase = amount(
        "budget_vehicle_purchase", "公务用车购置费预算数（元）", "留空则取31013支出明细的预算数。", Decimal("0.00"), nullable=True
    )
    budget_vehicle_operation = amount(
        "budget_vehicle_operation", "公务用车运行维护费预算数（元）", "留空则取30231支出明细的预算数。", Decimal("126000.00"), nullable=True
    )
    budget_reception = amount("budget_reception", "公务接待费预算数（元）", "留空则取30217支出明细的预算数。", Decimal("19950.50"), nullable=True)

    class Meta:
        model = ThreePublicStats
        name = "三公数量"
        fields = (
            "overseas_groups",
            "overseas_people",
            "reception_batches",
            "reception_people",
            "foreign_reception_batches",
            "foreign_reception_people",
            "vehicles_purchased",
            "vehicles_owned",
            "budget_overseas",
            "budget_vehicle_purchase",
            "budget_vehicle_operation",
            "budget_reception",
        )


class ProcurementResource(SheetResource):
    sheet_title = "政府采购"
    kind = "procurement"
    natural_key = ("category",)

    category = Column(
        "category",
        "采购类别",
        w.ChoiceWidget(Procurement.Category.choices, label="采购类别"),
        comment="货物、工程或服务，每类一行。",
        example="货物",
        width=10,
    )
    budget_amount = amount("budget_amount", "采购预算（元）", "政府采购预算，单位元。", Decimal("50000.00"))
    actual_amount = amount("actual_amount", "采购支出（元）", "实际政府采购支出，单位元；预算填报填0。", None)
    sme_amount = amount("sme_amount", "授予中小企业合同金额（元）", "授予中小企业的合同金额，单位元。", None)
    micro_amount = amount("micro_amount", "其中授予小微企业合同金额（元）", "其中授予小微企业的合同金额，不能超过中小企业金额。", None)

    class Meta:
        model = Procurement
        name = "政府采购"
        fields = ("category", "budget_amount", "actual_amount", "sme_amount", "micro_amount")

    def row_errors(self, values, context):
        if (values.get("micro_amount") or 0) > (values.get("sme_amount") or 0):
            return ["“其中授予小微企业合同金额（元）”：不能超过授予中小企业合同金额"]
        return []


class AssetHoldingResource(SheetResource):
    sheet_title = "资产"
    kind = "asset"
    natural_key = ("kind",)

    kind_ = Column(
        "kind",
        "资产类别",
        w.ChoiceWidget(AssetHolding.Kind.choices, label="资产类别"),
        comment="车辆按用途分类，或单价50万元以上通用设备、单价100万元以上专用设备、房屋。每类一行。",
        example="主要领导干部用车",
        width=28,
    )
    quantity = Column(
        "quantity",
        "数量",
        w.QuantityWidget(),
        comment="车辆、设备填台（辆）数，房屋填平方米；最多两位小数。",
        example=Decimal("1"),
        width=10,
        number_format="0.##",
    )
    value = amount("value", "价值（元）", "资产原值，单位元。", Decimal("180000.00"))

    class Meta:
        model = AssetHolding
        name = "资产"
        fields = ("kind_", "quantity", "value")


class PriorYearFigureResource(SheetResource):
    sheet_title = "上年数"
    kind = "prior"
    natural_key = ("key",)

    key = Column(
        "key",
        "指标",
        w.TextWidget(max_length=60, required=True),
        comment="上年对比数的指标标识，如 total、gpb_expense、three_public.vehicle、operating_costs。",
        example="total",
        width=26,
    )
    amount_ = amount("amount", "上年金额（元）", "上年的金额，单位元，用于说明中与上年对比。", Decimal("3500000.00"))

    class Meta:
        model = PriorYearFigure
        name = "上年数"
        fields = ("key", "amount_")


def resource_in_unit(resource_class: type[SheetResource], unit: str) -> SheetResource:
    """A sheet's resource whose amount columns are read in `unit` (元 or 万元) and say so in their headers
    (年初预算数（万元）): the line editor and its paste take amounts in the unit the filing publishes in."""
    resource = resource_class()
    if AmountUnit(unit) == AmountUnit.YUAN:
        return resource
    for column in resource.columns():
        if type(column.widget) is w.AmountWidget:
            column.widget = w.AmountWidget(nullable=column.widget.nullable, unit=unit)
            column.column_name = column.column_name.replace("（元）", f"（{AmountUnit(unit).label}）")
    return resource


# The sheets of a whole-filing workbook, in the order they are applied (units and projects first,
# because expense lines refer to them).
FILING_RESOURCES: Sequence[type[SheetResource]] = (
    UnitResource,
    IncomeLineResource,
    ProjectResource,
    ExpenseLineResource,
    ThreePublicStatsResource,
    ProcurementResource,
    AssetHoldingResource,
    PriorYearFigureResource,
)
APPLY_ORDER: Sequence[type[SheetResource]] = (
    UnitResource,
    ProjectResource,
    ExpenseLineResource,
    IncomeLineResource,
    ThreePublicStatsResource,
    ProcurementResource,
    AssetHoldingResource,
    PriorYearFigureResource,
)
# What a department can upload on its own into an existing filing.
UPLOAD_RESOURCES: dict[str, type[SheetResource]] = {
    ExpenseLineResource.kind: ExpenseLineResource,
    IncomeLineResource.kind: IncomeLineResource,
    ProjectResource.kind: ProjectResource,
}
