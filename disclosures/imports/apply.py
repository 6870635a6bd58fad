"""Apply validated rows to a filing: all rows or none, each line saved through the line services.

A row whose natural key (e.g. unit × 功能科目 × 经济科目 × 支出类型 × 资金来源 × 项目 for an expense line)
matches an existing object updates it; other rows are added. Nothing is deleted by an upload.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction

from disclosures.models import ExpenseLine, Filing, IncomeLine, Project, Unit
from disclosures.services.audit import audit_record

from .context import ImportContext
from .preview import StagingError, discard_staged, load_staged
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


def save_instance(*, instance, user, allow_locked: bool = False) -> None:
    """Save one object of a filing through disclosures.services.lines (which derives the 政府经济分类,
    refuses codes of another year and edits of locked filings); a Unit after full_clean()."""
    from disclosures.services import lines

    if isinstance(instance, ExpenseLine):
        lines.expense_line_save(line=instance, user=user, allow_locked=allow_locked)
    elif isinstance(instance, IncomeLine):
        lines.income_line_save(line=instance, user=user, allow_locked=allow_locked)
    elif isinstance(instance, Project):
        lines.project_save(project=instance, user=user, allow_locked=allow_locked)
    elif isinstance(instance, Unit):
        instance.full_clean()
        instance.save()
    else:
        lines.filing_item_save(item=instance, user=user, allow_locked=allow_locked)


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


def apply_rows(*, resource: SheetResource, context: ImportContext, rows: list, user) -> ApplySummary:
    """Write `rows` ([(row number, values)]) of one sheet. Call inside a transaction; raises ImportFailed."""
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
            errors.extend(f"第{number}行{m}" if m.startswith("“") else f"第{number}行：{m}" for m in _messages(error, type(instance)))
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


def import_staged(*, filing: Filing, user, token: str) -> ApplySummary:
    """Apply an upload that passed its preview (see preview.stage_preview), and record it in the audit trail."""
    payload = load_staged(token=token, filing_id=filing.pk, user_id=user.pk)
    resource = UPLOAD_RESOURCES[payload["kind"]]()
    context = ImportContext.for_filing(filing)
    with transaction.atomic():
        summary = apply_rows(resource=resource, context=context, rows=payload["rows"], user=user)
        audit_record(
            filing=filing,
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
        summary = import_staged(filing=job.filing, user=job.created_by, token=token)
    except (ImportFailed, StagingError):
        discard_staged(token)
        raise
    discard_staged(token)
    return {"created": summary.created, "updated": summary.updated, "summary": str(summary)}
