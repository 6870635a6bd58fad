"""The audit trail as people read it: every action and field in Chinese.

Entries written before the services recorded Chinese words kept codes ("reason_update",
"reasons.three_public.total", "status"); they are shown with the same words the services now write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from disclosures.models import AuditEntry, Filing
from disclosures.narrative.sections import leftover_label

ACTION_LABELS = {"reason_update": "填写变动原因", "unit_update": "修改金额单位"}
FIELD_LABELS = {"status": "状态", "amount_unit": "公开金额单位", "version": "版本", "reasons": "变动原因"}
#: The workflow's transitions: the history of a filing's status.
TRANSITIONS = ("创建填报", "复制上年填报", "提交", "退回", "审核通过", "公开", "发起更正")


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    object_repr: str
    field: str
    before: str
    after: str
    comment: str


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def field_label(field: str) -> str:
    if field.startswith("reasons."):
        return leftover_label(field[len("reasons.") :])
    if field.endswith("_id"):
        return FIELD_LABELS.get(field[:-3], "关联项")
    return FIELD_LABELS.get(field, field)


def audit_row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        at=entry.at,
        actor=(entry.actor.get_full_name() or entry.actor.username) if entry.actor else "系统",
        action=action_label(entry.action),
        object_repr=entry.object_repr,
        field=field_label(entry.field),
        before=entry.before,
        after=entry.after,
        comment=entry.comment,
    )


def audit_rows(*, filing: Filing) -> list[AuditRow]:
    """The filing's whole trail, oldest first."""
    return [audit_row(e) for e in AuditEntry.objects.filter(filing=filing).select_related("actor").order_by("at", "pk")]


def status_history(*, filing: Filing) -> list[AuditRow]:
    """The filing's transitions (created, submitted, returned, approved, published, corrected), oldest first."""
    entries = AuditEntry.objects.filter(filing=filing, action__in=TRANSITIONS).select_related("actor").order_by("at", "pk")
    return [audit_row(e) for e in entries]
