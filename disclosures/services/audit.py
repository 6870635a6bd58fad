"""The audit trail (操作记录): who changed what, when, with the value before and after.

Every workflow transition writes one entry (see services.workflow). Figures of a filing that has been
approved or published can change only through a correction (a new version) or through the admin by a
superuser; those changes are written here field by field, so the bureau can see what moved. The line
services and the admin call `audit_changes` after a save with the values they had before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.db import models

from disclosures.models import AuditEntry, Filing
from disclosures.money import format_number

# Fields that never count as a change of a figure (bookkeeping, not data).
IGNORED_FIELDS = frozenset({"id", "filing", "created_at", "updated_at"})


def audit_record(
    *,
    filing: Filing | None,
    actor,
    action: str,
    object_repr: str = "",
    field: str = "",
    before: str = "",
    after: str = "",
    comment: str = "",
) -> AuditEntry:
    """Write one audit entry. `actor` may be None (a system step such as the demo loader)."""
    entry = _entry(filing=filing, actor=actor, action=action, object_repr=object_repr, field=field, before=before, after=after, comment=comment)
    entry.save()
    return entry


def _entry(*, filing, actor, action: str, object_repr: str, field: str, before: str, after: str, comment: str) -> AuditEntry:
    """An unsaved audit entry, its fields validated."""
    entry = AuditEntry(
        filing=filing,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action[:50],
        object_repr=object_repr[:200],
        field=field[:100],
        before=before,
        after=after,
        comment=comment,
    )
    entry.full_clean(exclude=["filing", "actor"])  # rows the caller holds; the database checks the keys (a query each)
    return entry


def audit_transition(*, filing: Filing, actor, action: str, before_status: str, comment: str = "") -> AuditEntry:
    """A status change: before/after hold the statuses' Chinese labels as the bureau reads them."""
    return audit_transitions(changes=[(filing, before_status, comment)], actor=actor, action=action)[0]


def audit_transitions(*, changes: Sequence[tuple[Filing, str, str]], actor, action: str) -> list[AuditEntry]:
    """The same status change of several filings ((filing, before_status, comment) each) by one actor: one
    entry each (as `audit_transition` writes it), written in one INSERT."""
    labels = dict(Filing.Status.choices)
    entries = [
        _entry(
            filing=filing,
            actor=actor,
            action=action,
            object_repr=str(filing),
            field="状态",
            before=str(labels.get(before_status, before_status)),
            after=str(labels.get(filing.status, filing.status)),
            comment=comment,
        )
        for filing, before_status, comment in changes
    ]
    return AuditEntry.objects.bulk_create(entries)


def figures_must_be_audited(filing: Filing) -> bool:
    """Changes are audited on frozen filings (approved/published) and on corrections of published ones."""
    return filing.status in (Filing.Status.APPROVED, Filing.Status.PUBLISHED) or filing.supersedes_id is not None


def field_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, str]:
    """The instance's concrete field values as text, to be passed as `before` to `audit_changes` later."""
    names = fields or [f.attname for f in instance._meta.concrete_fields if f.name not in IGNORED_FIELDS]
    return {name: _as_text(getattr(instance, name)) for name in names}


def audit_changes(
    *,
    filing: Filing,
    actor,
    instance: models.Model,
    before: Mapping[str, str] | None,
    action: str = "修改数据",
    comment: str = "",
    force: bool = False,
) -> list[AuditEntry]:
    """Record every field of `instance` whose value differs from `before` (None = a new object; a
    deleted object is recorded with `audit_deletion`). Does nothing on an ordinary draft unless `force`.
    """
    if not force and not figures_must_be_audited(filing):
        return []
    after = field_values(instance, list(before) if before else None)
    entries = []
    if before is None:
        entries.append(audit_record(filing=filing, actor=actor, action="新增数据", object_repr=_repr(instance), comment=comment))
        return entries
    for name, old in before.items():
        new = after.get(name, "")
        if old != new:
            entries.append(
                audit_record(
                    filing=filing,
                    actor=actor,
                    action=action,
                    object_repr=_repr(instance),
                    field=_verbose(instance, name),
                    before=old,
                    after=new,
                    comment=comment,
                )
            )
    return entries


def audit_deletion(*, filing: Filing, actor, instance: models.Model, comment: str = "", force: bool = False) -> AuditEntry | None:
    if not force and not figures_must_be_audited(filing):
        return None
    return audit_record(
        filing=filing,
        actor=actor,
        action="删除数据",
        object_repr=_repr(instance),
        before="；".join(f"{k}={v}" for k, v in field_values(instance).items()),
        comment=comment,
    )


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, places=2) if value == value.quantize(Decimal("0.01")) else format_number(value)
    return str(value)


def _repr(instance: models.Model) -> str:
    return f"{instance._meta.verbose_name}#{instance.pk} {instance}"[:200]


def _verbose(instance: models.Model, attname: str) -> str:
    for f in instance._meta.concrete_fields:
        if f.attname == attname:
            return str(f.verbose_name)
    return attname
