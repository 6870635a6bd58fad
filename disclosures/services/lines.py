"""The write services for a filing's data: every writer (admin, entry pages, upload, demo) goes through these.

They enforce what a form cannot be trusted with:
- a line's catalog codes belong to the filing's fiscal year (the database triggers of migration 0003 stand
  behind this), the 功能分类 is a 项 (7 digits) and the 经济分类 a 款 (5 digits);
- the 政府预算支出经济分类 is never entered: it is derived from the 部门预算经济分类's 对照表 (for a
  事业单位 that is not 参公, the institution mapping, e.g. 30101 → 50501);
- the unit belongs to the filing's department and the project to the same filing;
- the filing is editable (草稿/已退回); corrections and the bureau's fixes pass `allow_locked=True`, and
  their changes are written to the audit trail.
Refusals raise django.core.exceptions.ValidationError with Chinese messages.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

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

FUNCTION_ITEM_LENGTH = 7  # 项
ECONOMIC_ITEM_LENGTH = 5  # 款
INSTITUTION_NATURES = (Unit.Nature.PUBLIC_INSTITUTION,)  # 参公 units use the 机关 (501–504) items


def ensure_editable(*, filing: Filing, allow_locked: bool = False) -> None:
    """Refuse a change to a filing that is submitted, approved or published, unless explicitly allowed."""
    if allow_locked or filing.is_editable:
        return
    raise ValidationError(
        f"{filing}当前状态为“{filing.get_status_display()}”，不能修改；只有草稿或已退回的填报可以修改，已公开的数据请发起更正。"
    )


def _ensure_stored_filing_editable(instance: models.Model, *, allow_locked: bool) -> None:
    """For an update, the filing the object is stored in must be editable too (it may be moved away from it)."""
    if instance.pk is None or allow_locked:
        return
    stored = type(instance).objects.filter(pk=instance.pk).select_related("filing").first()
    if stored is not None and stored.filing_id != instance.filing_id:
        ensure_editable(filing=stored.filing, allow_locked=allow_locked)


def _catalog_item_errors(
    *, item: CatalogItem | None, kind: str, length: int, level: str, fiscal_year: FiscalYear
) -> list[str]:
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


def _save_filing_row(*, instance: models.Model, user, allow_locked: bool, errors: dict[str, list[str]] | None = None):
    """Save one object of a filing: editable filing, no rule errors, full_clean, audited when locked."""
    filing = instance.filing
    ensure_editable(filing=filing, allow_locked=allow_locked)
    _ensure_stored_filing_editable(instance, allow_locked=allow_locked)
    if errors:
        raise ValidationError(errors)
    before = _stored_values(instance)
    _full_clean_and_save(instance)
    _audit_locked_change(filing=filing, user=user, instance=instance, before=before, allow_locked=allow_locked)
    return instance


@transaction.atomic
def expense_line_save(*, line: ExpenseLine, user=None, allow_locked: bool = False) -> ExpenseLine:
    """Create or update an expense line (支出明细); derives gov_economic_item from the 对照表."""
    errors = expense_line_errors(line=line, filing=line.filing)
    return _save_filing_row(instance=line, user=user, allow_locked=allow_locked, errors=errors)


@transaction.atomic
def income_line_save(*, line: IncomeLine, user=None, allow_locked: bool = False) -> IncomeLine:
    """Create or update an income line (本年收入 / 年初、年末结转和结余) of a unit."""
    errors = income_line_errors(line=line, filing=line.filing)
    return _save_filing_row(instance=line, user=user, allow_locked=allow_locked, errors=errors)


@transaction.atomic
def project_save(*, project: Project, user=None, allow_locked: bool = False) -> Project:
    """Create or update a project (项目支出) with its purpose, spending plan and goals.

    The seeds' own mistakes (identical goals, a spending plan that does not end at 100%) are stored as
    entered: the checks report them, the service does not hide them.
    """
    errors = project_errors(project=project, filing=project.filing)
    return _save_filing_row(instance=project, user=user, allow_locked=allow_locked, errors=errors)


@transaction.atomic
def filing_item_save(*, item: models.Model, user=None, allow_locked: bool = False) -> models.Model:
    """Create or update another object of a filing: Procurement, AssetHolding, PriorYearFigure, ThreePublicStats."""
    return _save_filing_row(instance=item, user=user, allow_locked=allow_locked)


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


def _attribute(instance: models.Model, name: str):
    return getattr(instance, instance._meta.get_field(name).attname)


def _condition_holds(condition: models.Q, instance: models.Model) -> bool | None:
    """Evaluate a CheckConstraint's Q on an unsaved instance; None when a lookup is not one of the simple ones."""
    results = []
    for child in condition.children:
        if isinstance(child, models.Q):
            result = _condition_holds(child, instance)
        else:
            path, expected = child
            name, _, lookup = path.partition("__")
            lookup = lookup or "exact"
            if "__" in lookup:
                return None
            value = _attribute(instance, name)
            if isinstance(expected, models.F):
                expected = _attribute(instance, expected.name)
            elif isinstance(expected, models.expressions.Combinable):
                return None
            if lookup == "isnull":
                result = (value is None) == bool(expected)
            elif lookup in _LOOKUPS:
                result = _LOOKUPS[lookup](value, expected)
            else:
                return None
        if result is None:
            return None
        results.append(result)
    held = all(results) if condition.connector == models.Q.AND else any(results)
    return not held if condition.negated else held


def _check_constraint_errors(instance: models.Model) -> list[str]:
    """The violated CheckConstraints' messages, as full_clean() would report them."""
    messages = []
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        held = _condition_holds(constraint.condition, instance)
        if held is None:
            try:
                constraint.validate(type(instance), instance)
            except ValidationError as error:
                messages.extend(error.messages)
        elif not held:
            messages.append(str(constraint.get_violation_error_message()))
    return messages


def line_batch_errors(*, instance: models.Model, filing: Filing) -> dict[str, list[str]]:
    """What expense_line_save / income_line_save / project_save refuse, for one instance of a batch.

    The instance's related objects must already be assigned (from lookups loaded once), so no query runs:
    the service's own rules (RULES), the fields' validation of full_clean() (relations excepted — they
    come from the lookups), and the check constraints. Uniqueness is the caller's: it matches rows by the
    natural key, which is the model's unique constraint.
    """
    errors = RULES[type(instance)](instance, filing)
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    try:
        instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
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
    ensure_editable(filing=filing)
    try:
        with transaction.atomic():
            if new:
                model.objects.bulk_create(new, batch_size=batch_size)
            if changed:
                model.objects.bulk_update(changed, fields, batch_size=batch_size)
    except IntegrityError as exc:
        raise ValidationError(f"数据库拒绝保存：{exc}") from exc


@transaction.atomic
def line_delete(*, line: models.Model, user=None, allow_locked: bool = False) -> None:
    """Delete an expense or income line, a project (its expense lines stay, unlinked) or another filing object."""
    filing = line.filing
    ensure_editable(filing=filing, allow_locked=allow_locked)
    if isinstance(line, ThreePublicStats):
        raise ValidationError("“三公”经费数量信息随填报创建，不能删除，可将数量改为0。")
    audit_deletion(filing=filing, actor=user, instance=line, force=allow_locked and not filing.is_editable)
    line.delete()


def _stored_values(instance: models.Model) -> dict[str, str] | None:
    """The values as stored before this save (the instance in hand already carries the new ones)."""
    if instance.pk is None:
        return None
    stored = type(instance).objects.filter(pk=instance.pk).first()
    return field_values(stored) if stored is not None else None


def _audit_locked_change(*, filing: Filing, user, instance: models.Model, before, allow_locked: bool) -> None:
    """A change to a frozen filing (only possible with allow_locked) is always recorded field by field."""
    audit_changes(filing=filing, actor=user, instance=instance, before=before, force=allow_locked and not filing.is_editable)
