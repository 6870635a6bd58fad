"""Apply validated rows to a filing: all rows or none.

A row whose natural key (e.g. unit × 功能科目 × 经济科目 × 支出类型 × 资金来源 × 项目 for an expense line)
matches an existing object updates it; other rows are added. Nothing is deleted by an upload.

Expense lines, income lines and projects are written in batches (lines_bulk_write: one INSERT statement per
batch of new rows, bulk_update for the changed ones) after each row has passed
disclosures.services.lines.line_batch_errors — the per-row services' own rules, run against the catalog,
units and projects loaded once (ImportContext) instead of ~26 queries per row. The other sheets, a few rows
each, are saved row by row through the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError

from disclosures.models import ExpenseLine, Filing, IncomeLine, Project, Unit
from disclosures.services import lines
from disclosures.services.audit import audit_record
from disclosures.services.locking import filing_write
from jobs.services import job_progress

from .context import GoneSincePreview, ImportContext
from .keys import SeenKeys
from .preview import StagingError, discard_staged, key_description, load_staged, staged_rows
from .resources import UPLOAD_RESOURCES, SheetResource


class ImportFailed(Exception):
    """Applying failed on some rows; nothing was written. `messages` are Chinese, with row numbers."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class ApplySummary:
    title: str
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"“{self.title}”表新增{self.created}行，更新{self.updated}行"


def save_instance(*, instance, user) -> None:
    """Save one object of a filing through disclosures.services.lines (which derives the 政府经济分类,
    refuses codes of another year and, under the filing's row lock, edits of locked filings); a Unit
    after full_clean()."""
    if isinstance(instance, ExpenseLine):
        lines.expense_line_save(line=instance, user=user)
    elif isinstance(instance, IncomeLine):
        lines.income_line_save(line=instance, user=user)
    elif isinstance(instance, Project):
        lines.project_save(project=instance, user=user)
    elif isinstance(instance, Unit):
        instance.full_clean()
        instance.save()
    else:
        lines.filing_item_save(item=instance, user=user)


def _messages(error: ValidationError, model) -> list[str]:
    """Chinese messages, each naming the field by its verbose name (“部门预算经济分类科目”：…)."""
    if not hasattr(error, "message_dict"):
        return list(error.messages)

    def label(name: str) -> str:
        try:
            return f"“{model._meta.get_field(name).verbose_name}”："
        except FieldDoesNotExist:
            return ""

    return [m if field == "__all__" else f"{label(field)}{m}" for field, ms in error.message_dict.items() for m in ms]


def apply_rows(*, resource: SheetResource, context: ImportContext, rows: Iterable, user) -> ApplySummary:
    """Write `rows` ([(row number, values)]) of one sheet. Call inside a transaction; raises ImportFailed.

    Expense lines, income lines and projects (the sheets that can be large) go through the batch path;
    the small sheets (units, 三公数量, 采购, 资产, 上年数) are saved row by row through the services.
    """
    if resource._meta.model in BATCH_MODELS:
        return _write_batched(resource=resource, context=context, rows=rows)
    summary = ApplySummary(title=resource.sheet_title)
    existing = {resource.instance_key(obj): obj for obj in resource.existing_objects(context.filing)}
    errors: list[str] = []
    for number, stored in rows:
        values = resource.restore(stored)
        key = resource.key_of(values)
        instance = existing.get(key) or resource.new_instance(context)
        is_new = instance.pk is None
        resource.assign(instance, values, context)
        try:
            save_instance(instance=instance, user=user)
        except ValidationError as error:
            errors.extend(_row_messages(number, error, type(instance)))
            continue
        existing[key] = instance
        if is_new:
            summary.created += 1
        else:
            summary.updated += 1
    if errors:
        raise ImportFailed(errors)
    if resource.kind in ("unit", "project"):
        context.refresh()
    return summary


def _row_messages(number: int, error: ValidationError, model) -> list[str]:
    return [f"第{number}行{m}" if m.startswith("“") else f"第{number}行：{m}" for m in _messages(error, model)]


# --- The batch path ----------------------------------------------------------------------------------
# Memory: one batch of model instances at a time, plus the natural keys of the filing's objects and of
# the rows seen so far (a digest per row in a temporary SQLite table, see keys.py: refusing duplicates).

BATCH_MODELS = (ExpenseLine, IncomeLine, Project)
BATCH_ROWS = 1000
MAX_MESSAGES = 200  # a file with an error on every row is reported by its first rows, then counted


@dataclass
class _Batch:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    rows: int = 0


def _checked_batches(*, resource: SheetResource, context: ImportContext, rows: Iterable, errors: list[str]) -> Iterator[_Batch]:
    """Build and check the instances of `rows`, BATCH_ROWS at a time, against lookups loaded once.

    Each row is checked by disclosures.services.lines.line_batch_errors (the rules of the per-row services);
    its messages, prefixed with the row number, go to `errors`. Rows whose natural key matches an existing
    object update it; a key repeated in the rows is refused as the preview refuses it.
    """
    model = resource._meta.model
    existing = resource.existing_keys(context.filing)
    seen = SeenKeys()
    try:
        batch = _Batch()
        for number, stored in rows:
            values = resource.restore(stored)
            key = resource.key_of(values)
            batch.rows += 1
            first = seen.first_seen(key, number)
            if first is not None:
                errors.append(f"第{number}行：与第{first}行重复（同一{key_description(resource)}只能有一行）")
                continue
            try:
                instance = resource.batch_instance(values, context)
            except GoneSincePreview as gone:
                errors.append(f"第{number}行：{gone.args[0]}")
                continue
            found = lines.line_batch_errors(instance=instance, filing=context.filing)
            if found:
                errors.extend(_row_messages(number, ValidationError(found), model))
            elif key in existing:
                instance.pk = existing[key]
                instance._state.adding = False
                batch.changed.append(instance)
            else:
                batch.new.append(instance)
            if batch.rows >= BATCH_ROWS:
                yield batch
                batch = _Batch()
        if batch.rows:
            yield batch
    finally:
        seen.close()


def _failed(errors: list[str]) -> ImportFailed:
    if len(errors) > MAX_MESSAGES:
        errors = [*errors[:MAX_MESSAGES], f"……另有{len(errors) - MAX_MESSAGES}处错误未列出。"]
    return ImportFailed(errors)


def _write_batched(*, resource: SheetResource, context: ImportContext, rows: Iterable) -> ApplySummary:
    """One pass over the rows: check each row and write batch by batch with bulk_create / bulk_update.

    Call inside the filing's write transaction (import_write). After the first error nothing more is
    written, the remaining rows are still checked so that every error is reported, and ImportFailed rolls
    the caller's transaction back, batches already written included.
    """
    model = resource._meta.model
    fields = [column.attribute for column in resource.input_columns()] + list(resource.derived_fields)
    summary = ApplySummary(title=resource.sheet_title)
    errors: list[str] = []
    for batch in _checked_batches(resource=resource, context=context, rows=rows, errors=errors):
        if errors:
            continue
        try:
            lines.lines_bulk_write(filing=context.filing, model=model, new=batch.new, changed=batch.changed, fields=fields)
        except ValidationError as error:
            raise ImportFailed(list(error.messages)) from None
        summary.created += len(batch.new)
        summary.updated += len(batch.changed)
    if errors:
        raise _failed(errors)
    if resource.kind == "project":
        context.refresh()
    return summary


@contextmanager
def import_write(*, filing: Filing) -> Iterator[Filing]:
    """The one transaction an import writes in: the filing's write lock (status re-read under the row
    lock, data revision bumped once: services.locking.filing_write); a refusal becomes ImportFailed."""
    try:
        with filing_write(filing=filing) as locked:
            yield locked
    except ValidationError as error:
        raise ImportFailed(list(error.messages)) from None


def import_staged(*, filing: Filing, user, token: str, progress: Callable[[int, str], None] | None = None) -> ApplySummary:
    """Apply an upload that passed its preview (see preview.stage_preview), and record it in the audit trail.

    One pass over the staged rows, in one transaction (all rows or none) that holds the filing's row lock
    and re-reads its status first: each row is checked against the catalog, units and projects as they
    are under the lock and written in batches as it goes; a row that no longer passes (the data changed
    since the preview) or a filing submitted or approved meanwhile refuses the whole apply. Progress is
    reported once, before the transaction (what it writes would not be seen before the commit).
    """
    payload = load_staged(token=token, filing_id=filing.pk, user_id=user.pk)
    resource = UPLOAD_RESOURCES[payload["kind"]]()
    total = payload.get("count", 0)
    if progress is not None:
        progress(5, f"正在校验并写入{total}行")
    with import_write(filing=filing) as locked:
        context = ImportContext.for_filing(locked)
        summary = apply_rows(resource=resource, context=context, rows=staged_rows(token), user=user)
        audit_record(
            filing=locked,
            actor=user,
            action="导入Excel",
            object_repr=payload["filename"],
            comment=str(summary),
        )
    return summary


def import_job_run(*, job) -> dict:
    """The work of an 导入Excel job: apply the rows staged under job.params["token"], then drop them.

    Re-running is harmless: rows are matched by their natural keys, so a second apply updates the same
    objects to the same values. The staged rows are dropped once the apply has succeeded or been refused;
    after a transient fault they stay for the retry.
    """
    token = job.params.get("token", "")
    try:
        summary = import_staged(
            filing=job.filing,
            user=job.created_by,
            token=token,
            progress=lambda percent, message: job_progress(job.pk, percent, message),
        )
    except (ImportFailed, StagingError):
        discard_staged(token)
        raise
    discard_staged(token)
    return {"created": summary.created, "updated": summary.updated, "summary": str(summary)}
