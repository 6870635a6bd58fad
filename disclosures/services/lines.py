"""The write services for a filing's data: every writer (admin, entry pages, upload, demo) goes through these.

They enforce what a form cannot be trusted with:
- a line's catalog codes belong to the filing's fiscal year (the database triggers of migration 0003 stand
  behind this), the 功能分类 is a 项 (7 digits) and the 经济分类 a 款 (5 digits);
- the 政府预算支出经济分类 is never entered: it is derived from the 部门预算经济分类's 对照表 (for a
  事业单位 that is not 参公, the institution mapping, e.g. 30101 → 50501);
- the unit belongs to the filing's department and the project to the same filing;
- the filing is editable (草稿/已退回), read under the filing's row lock in the transaction that writes
  (disclosures.services.locking.filing_write, which also bumps the filing's data revision). Nobody
  changes a submitted, approved or published filing, superusers included: a correction is a new version.
Refusals raise django.core.exceptions.ValidationError with Chinese messages.
"""

from __future__ import annotations

import functools
import operator
import sqlite3
from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connections, models, router, transaction

from disclosures.models import (
    CatalogItem,
    ExpenseKind,
    ExpenseLine,
    Filing,
    FiscalYear,
    IncomeLine,
    Project,
    ThreePublicStats,
    Unit,
)
from disclosures.services.audit import audit_changes, audit_deletion, audit_record, field_values
from disclosures.services.locking import ensure_editable, filing_write

__all__ = ["ensure_editable", "filing_write"]  # re-exported: callers check editability the same way

FUNCTION_ITEM_LENGTH = 7  # 项
ECONOMIC_ITEM_LENGTH = 5  # 款
INSTITUTION_NATURES = (Unit.Nature.PUBLIC_INSTITUTION,)  # 参公 units use the 机关 (501–504) items


def _stored_filing_id(instance: models.Model) -> int | None:
    """For an update, the filing the object is stored in (it may be moved away from it: that one is written too)."""
    if instance.pk is None:
        return None
    return type(instance).objects.filter(pk=instance.pk).values_list("filing_id", flat=True).first()


def _catalog_item_errors(*, item: CatalogItem | None, kind: str, length: int, level: str, fiscal_year: FiscalYear) -> list[str]:
    if item is None:
        return []
    label = CatalogItem.Kind(kind).label
    errors = []
    if item.kind != kind:
        errors.append(f"“{item}”不是{label}科目。")
    if item.fiscal_year_id != fiscal_year.pk:
        errors.append(
            f"{label}科目“{item}”属于{item.fiscal_year.year}年分类科目，与本填报年度（{fiscal_year.year}年）不一致，请选择{fiscal_year.year}年的科目。"
        )
    if len(item.code) != length:
        errors.append(f"{label}应填到{level}（{length}位编码），“{item}”是{len(item.code)}位编码。")
    return errors


def derive_gov_economic_item(*, dept_economic_item: CatalogItem | None, unit: Unit) -> CatalogItem | None:
    """The 政府预算支出经济分类 款 of a line, from the 对照表 of its 部门预算经济分类 款.

    A 事业单位 (not 参公) uses the institution mapping where the catalog has one (301xx → 50501, 302xx → 50502).
    """
    if dept_economic_item is None:
        return None
    if unit.nature in INSTITUTION_NATURES and dept_economic_item.gov_economic_institution_id:
        return dept_economic_item.gov_economic_institution
    return dept_economic_item.gov_economic


def _full_clean_and_save(instance: models.Model) -> None:
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # the database triggers and constraints stand behind full_clean()
        raise ValidationError(f"数据库拒绝保存：{exc}") from exc


@transaction.atomic
def filing_create(*, department, fiscal_year: FiscalYear, kind: str, user=None) -> Filing:
    """A new filing (version 1, draft) of a department's budget or final accounts for a year.

    Copies the department's duties and organisation text (the filing keeps its own copy, as published) and
    creates the empty ThreePublicStats row the 三公 text needs.
    """
    kind = Filing.Kind(kind)
    if Filing.objects.filter(department=department, fiscal_year=fiscal_year, kind=kind).exists():
        raise ValidationError(f"{department.name}{fiscal_year.year}年{kind.label}已存在，不能重复创建。")
    filing = Filing(
        department=department,
        fiscal_year=fiscal_year,
        kind=kind,
        duties=department.duties,
        organisation=department.organisation,
    )
    filing.full_clean()
    filing.save()
    ThreePublicStats.objects.create(filing=filing)
    audit_record(filing=filing, actor=user, action="创建填报", object_repr=str(filing))
    return filing


def expense_line_errors(*, line: ExpenseLine, filing: Filing) -> dict[str, list[str]]:
    """The rules of an expense line beyond its fields, by field name; derives line.gov_economic_item.

    Reads only the related objects already on the line (unit, catalog items with their year and 对照表,
    project), so the batch import, which assigns them from lookups loaded once, runs no query here.
    """
    year = filing.fiscal_year
    errors: dict[str, list[str]] = {}

    function_item = line.function_item if line.function_item_id else None
    dept_item = line.dept_economic_item if line.dept_economic_item_id else None
    if function_item is None:
        errors["function_item"] = ["请填写支出功能分类科目。"]
    else:
        found = _catalog_item_errors(item=function_item, kind=CatalogItem.Kind.FUNCTION, length=FUNCTION_ITEM_LENGTH, level="项", fiscal_year=year)
        if found:
            errors["function_item"] = found
    found = _catalog_item_errors(item=dept_item, kind=CatalogItem.Kind.DEPT_ECONOMIC, length=ECONOMIC_ITEM_LENGTH, level="款", fiscal_year=year)
    if found:
        errors["dept_economic_item"] = found

    unit = line.unit if line.unit_id else None
    if unit is None:
        errors["unit"] = ["请选择预算单位。"]
    elif unit.department_id != filing.department_id:
        errors["unit"] = [f"预算单位“{unit}”不属于{filing.department.name}。"]

    if line.project_id is not None:
        if line.project.filing_id != filing.pk:
            errors["project"] = [f"项目“{line.project}”不属于本填报。"]
        elif line.expense_kind != ExpenseKind.PROJECT:
            errors["project"] = ["只有项目支出可以关联项目。"]

    if dept_item is not None and unit is not None and "dept_economic_item" not in errors:
        gov_item = derive_gov_economic_item(dept_economic_item=dept_item, unit=unit)
        if gov_item is None:
            errors["dept_economic_item"] = [
                f"部门预算经济分类科目“{dept_item}”没有对应的政府预算经济分类科目，请系统管理员在{year.year}年分类科目中补充对照关系。"
            ]
        line.gov_economic_item = gov_item
    elif dept_item is None:
        line.gov_economic_item = None
    return errors


def _unit_errors(*, instance: IncomeLine | Project, filing: Filing) -> dict[str, list[str]]:
    if instance.unit_id and instance.unit.department_id != filing.department_id:
        return {"unit": [f"预算单位“{instance.unit}”不属于{filing.department.name}。"]}
    return {}


def income_line_errors(*, line: IncomeLine, filing: Filing) -> dict[str, list[str]]:
    """The rules of an income line beyond its fields: its unit belongs to the filing's department, its
    功能分类 (optional: older lines have none) is a 项 of the filing's year."""
    errors = _unit_errors(instance=line, filing=filing)
    function_item = line.function_item if line.function_item_id else None
    if function_item is not None:
        found = _catalog_item_errors(
            item=function_item, kind=CatalogItem.Kind.FUNCTION, length=FUNCTION_ITEM_LENGTH, level="项", fiscal_year=filing.fiscal_year
        )
        if found:
            errors["function_item"] = found
    return errors


def project_errors(*, project: Project, filing: Filing) -> dict[str, list[str]]:
    """The rules of a project beyond its fields (its unit belongs to the filing's department)."""
    return _unit_errors(instance=project, filing=filing)


def _save_filing_row(*, instance: models.Model, user, rules=None):
    """Save one object of a filing under the filing's write lock (both filings' when it moves): status
    re-read, no rule errors, full_clean, audited."""
    stored_filing_id = _stored_filing_id(instance)
    with filing_write(filing=instance.filing_id) as filing:
        if stored_filing_id is not None and stored_filing_id != filing.pk:
            with filing_write(filing=stored_filing_id):
                return _save_locked_row(instance=instance, filing=filing, user=user, rules=rules)
        return _save_locked_row(instance=instance, filing=filing, user=user, rules=rules)


def _save_locked_row(*, instance: models.Model, filing: Filing, user, rules) -> models.Model:
    instance.filing = filing
    errors = rules(instance, filing) if rules else {}
    if errors:
        raise ValidationError(errors)
    before = _stored_values(instance)
    _full_clean_and_save(instance)
    audit_changes(filing=filing, actor=user, instance=instance, before=before)
    return instance


def expense_line_save(*, line: ExpenseLine, user=None) -> ExpenseLine:
    """Create or update an expense line (支出明细); derives gov_economic_item from the 对照表."""
    return _save_filing_row(instance=line, user=user, rules=lambda line, filing: expense_line_errors(line=line, filing=filing))


def income_line_save(*, line: IncomeLine, user=None) -> IncomeLine:
    """Create or update an income line (本年收入 / 年初、年末结转和结余) of a unit."""
    return _save_filing_row(instance=line, user=user, rules=lambda line, filing: income_line_errors(line=line, filing=filing))


def project_save(*, project: Project, user=None) -> Project:
    """Create or update a project (项目支出) with its purpose, spending plan and goals.

    The seeds' own mistakes (identical goals, a spending plan that does not end at 100%) are stored as
    entered: the checks report them, the service does not hide them.
    """
    return _save_filing_row(instance=project, user=user, rules=lambda project, filing: project_errors(project=project, filing=filing))


def unit_save(*, unit: Unit, filing: Filing, user=None) -> Unit:
    """Create or update a budget unit (预算单位) of the filing's department from that filing's line editor.

    Units belong to the department, not to one filing: the write still goes under the filing's write lock,
    so it happens only while that filing is editable, and it is audited on it like the filing's lines.
    """
    with filing_write(filing=filing) as locked:
        if unit.department_id != locked.department_id:
            raise ValidationError(f"预算单位“{unit}”不属于{locked.department.name}。")
        before = _stored_values(unit)
        _full_clean_and_save(unit)
        audit_changes(filing=locked, actor=user, instance=unit, before=before)
    return unit


def unit_delete(*, unit: Unit, filing: Filing, user=None) -> None:
    """Delete a budget unit of the filing's department; refused while any filing has lines or projects of it."""
    with filing_write(filing=filing) as locked:
        if unit.department_id != locked.department_id:
            raise ValidationError(f"预算单位“{unit}”不属于{locked.department.name}。")
        if unit.expense_lines.exists() or unit.income_lines.exists() or unit.projects.exists():
            raise ValidationError(f"预算单位“{unit}”还有支出、收入明细或项目，不能删除；请先删除或改挂这些明细。")
        audit_deletion(filing=locked, actor=user, instance=unit)
        unit.delete()


def filing_item_save(*, item: models.Model, user=None) -> models.Model:
    """Create or update another object of a filing: Procurement, AssetHolding, PriorYearFigure, ThreePublicStats."""
    return _save_filing_row(instance=item, user=user)


#: The filing's own fields a department (or the admin) may change (its unit, 万元/元, and its texts); everything else changes only through
#: the workflow services (status, timestamps, snapshot) or is fixed at creation (department, year, kind, version).
FILING_TEXT_FIELDS = ("amount_unit", "duties", "organisation", "reasons", "other_notes", "correction_note")


def filing_fields_update(*, filing: Filing, user, values: dict) -> Filing:
    """Write only the given text fields of a filing (an admin form's changed_data), under the write lock.

    A form that loaded the filing before the reviewer approved it can no longer save the status it
    loaded (it saved every field, and put 已审核 back to 已退回): only `values` are written, with
    update_fields, after the status was re-read under the lock.
    """
    unknown = sorted(set(values) - set(FILING_TEXT_FIELDS))
    if unknown:
        raise ValidationError(f"这些字段不能在此修改：{'、'.join(unknown)}。状态只能通过提交、审核、公开流程改变。")
    if not values:
        return filing
    with filing_write(filing=filing) as locked:
        before = field_values(locked, list(values))
        for name, value in values.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=[*values, "updated_at"])
        audit_changes(filing=locked, actor=user, instance=locked, before=before)
    for name in values:
        setattr(filing, name, getattr(locked, name))
    return filing


# --- The batch path (large uploads) -----------------------------------------------------------------
# The same rules as the services above, without a query per row: the related objects come from lookups
# the caller loaded once, uniqueness comes from the caller's natural keys, and the model's check
# constraints are evaluated in Python from their own definitions (the database enforces them too).

RULES = {
    ExpenseLine: lambda instance, filing: expense_line_errors(line=instance, filing=filing),
    IncomeLine: lambda instance, filing: income_line_errors(line=instance, filing=filing),
    Project: lambda instance, filing: project_errors(project=instance, filing=filing),
}
_LOOKUPS = {
    "exact": lambda a, b: a == b,
    "gte": lambda a, b: a is not None and b is not None and a >= b,
    "lte": lambda a, b: a is not None and b is not None and a <= b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "in": lambda a, b: a in b,
}


Predicate = Callable[[models.Model], "bool | None"]


def _compile_condition(condition: models.Q, model: type[models.Model]) -> Predicate | None:
    """A CheckConstraint's Q as a function of an unsaved instance (compiled once per model, not walked per
    row); None when a lookup is not one of the simple ones. The function answers None when a part of the
    condition cannot be decided (a value missing), as the constraint's own validate() then decides."""
    parts: list[Predicate] = []
    for child in condition.children:
        part = _compile_condition(child, model) if isinstance(child, models.Q) else _compile_lookup(child, model)
        if part is None:
            return None
        parts.append(part)
    conjunction = condition.connector == models.Q.AND
    negated = condition.negated

    def holds(instance: models.Model) -> bool | None:
        # every part is asked (one that cannot be decided makes the whole undecided), without a list of them
        found, undecided = conjunction, False
        for part in parts:
            result = part(instance)
            if result is None:
                undecided = True
            elif bool(result) is not conjunction:
                found = not conjunction
        if undecided:
            return None
        return not found if negated else found

    return holds


def _compile_lookup(child: tuple, model: type[models.Model]) -> Predicate | None:
    path, expected = child
    name, _, lookup = path.partition("__")
    lookup = lookup or "exact"
    if "__" in lookup or (lookup != "isnull" and lookup not in _LOOKUPS):
        return None
    attname = model._meta.get_field(name).attname
    if isinstance(expected, models.F):
        other = model._meta.get_field(expected.name).attname
        compare = _LOOKUPS[lookup]
        return lambda instance: compare(getattr(instance, attname), getattr(instance, other))
    if isinstance(expected, models.expressions.Combinable):
        return None
    if lookup == "isnull":
        wanted = bool(expected)
        return lambda instance: (getattr(instance, attname) is None) == wanted
    compare = _LOOKUPS[lookup]
    return lambda instance: compare(getattr(instance, attname), expected)


@functools.cache
def _compiled_check_constraints(model: type[models.Model]) -> tuple[tuple[models.CheckConstraint, Predicate | None], ...]:
    return tuple(
        (constraint, _compile_condition(constraint.condition, model))
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    )


def _check_constraint_errors(instance: models.Model) -> list[str]:
    """The violated CheckConstraints' messages, as full_clean() would report them."""
    messages = []
    for constraint, predicate in _compiled_check_constraints(type(instance)):
        held = None if predicate is None else predicate(instance)
        if held is None:
            try:
                constraint.validate(type(instance), instance)
            except ValidationError as error:
                messages.extend(error.messages)
        elif not held:
            messages.append(str(constraint.get_violation_error_message()))
    return messages


@functools.cache
def _relations(model: type[models.Model]) -> frozenset[str]:
    return frozenset(field.name for field in model._meta.concrete_fields if field.is_relation)


def line_batch_errors(*, instance: models.Model, filing: Filing) -> dict[str, list[str]]:
    """What expense_line_save / income_line_save / project_save refuse, for one instance of a batch.

    The instance's related objects must already be assigned (from lookups loaded once), so no query runs:
    the service's own rules (RULES), the fields' validation of full_clean() (relations excepted — they
    come from the lookups), and the check constraints. Uniqueness is the caller's: it matches rows by the
    natural key, which is the model's unique constraint.
    """
    errors = RULES[type(instance)](instance, filing)
    try:
        instance.full_clean(exclude=_relations(type(instance)), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    constraint_messages = _check_constraint_errors(instance)
    if constraint_messages:
        errors.setdefault(NON_FIELD_ERRORS, []).extend(constraint_messages)
    return errors


def lines_bulk_write(*, filing: Filing, model: type[models.Model], new: list, changed: list, fields: list[str], batch_size: int = 1000) -> None:
    """Insert `new` and update `fields` of `changed`, objects of one model of `filing` that passed
    line_batch_errors. Call inside transaction.atomic(): a refusal by the database (its triggers and
    constraints stand behind the checks) becomes a ValidationError and the caller's transaction rolls back.
    """
    with filing_write(filing=filing):
        try:
            with transaction.atomic():
                for start in range(0, len(new), batch_size):
                    _insert_new(model, new[start : start + batch_size])
                if changed:
                    model.objects.bulk_update(changed, fields, batch_size=batch_size)
        except IntegrityError as exc:
            raise ValidationError(f"数据库拒绝保存：{exc}") from exc


def _insert_new(model: type[models.Model], objs: list) -> None:
    """INSERT new objects of `model`: the rows bulk_create() writes, without its insert compiler.

    The columns are bulk_create's (every concrete field but the auto-incremented key) and each value goes
    through the field's own pre_save() and get_db_prep_save(), as there; what is left out is the compiler's
    work per value (a placeholder, an expression check and a parameter list for each of them: on SQLite, where
    Django takes a statement to hold 999 parameters, 76 lines each, that was most of the CPU of writing a
    50,000-line import) and the primary keys asked back, which the batch path does not read. PostgreSQL gets
    the statement bulk_create sends it, INSERT … SELECT * FROM UNNEST(one array per column), for all the
    objects; SQLite multi-row INSERT … VALUES statements of as many rows as its library's parameter limit
    allows (a batch of 1,000 lines is one statement). The values must be plain ones (no expressions) and the
    related objects saved ones, as line_batch_errors() checked them (they come from lookups of the
    database). Any other case (another database, a key that is not auto-incremented, a database default, a
    generated column, a field with a placeholder of its own) is bulk_create's.
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    if (
        connection.vendor not in ("postgresql", "sqlite")
        or not isinstance(opts.pk, models.AutoField)
        or any(field.generated or field.has_db_default() or hasattr(field, "get_placeholder") for field in fields)
    ):
        model.objects.bulk_create(objs)
        return
    values = [
        (operator.attrgetter(field.attname) if type(field).pre_save is models.Field.pre_save else functools.partial(field.pre_save, add=True), field)
        for field in fields
    ]
    rows = [[field.get_db_prep_save(value(obj), connection) for value, field in values] for obj in objs]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the types without their parameters, as bulk_create writes them (varchar[], not varchar(12)[])
            arrays = ", ".join(f"(%s)::{field.db_type(connection).split('(')[0]}[]" for field in fields)
            cursor.execute(f"INSERT INTO {quote(opts.db_table)} ({columns}) SELECT * FROM UNNEST({arrays})", [list(column) for column in zip(*rows)])
        else:
            per_statement = max(1, _sqlite_max_parameters(connection) // len(fields))
            row_sql = f"({', '.join(['%s'] * len(fields))})"
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                cursor.execute(
                    f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}",
                    [value for row in chunk for value in row],
                )


def _sqlite_max_parameters(connection) -> int:
    """The parameters one SQLite statement takes: the linked library's limit (32,766 since SQLite 3.32),
    where Django assumes the 999 of older versions."""
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def line_delete(*, line: models.Model, user=None) -> None:
    """Delete an expense or income line, a project (its expense lines stay, unlinked) or another filing object."""
    if isinstance(line, ThreePublicStats):
        raise ValidationError("“三公”经费数量信息随填报创建，不能删除，可将数量改为0。")
    with filing_write(filing=line.filing_id) as filing:
        audit_deletion(filing=filing, actor=user, instance=line)
        line.delete()


def _stored_values(instance: models.Model) -> dict[str, str] | None:
    """The values as stored before this save (the instance in hand already carries the new ones)."""
    if instance.pk is None:
        return None
    stored = type(instance).objects.filter(pk=instance.pk).first()
    return field_values(stored) if stored is not None else None
