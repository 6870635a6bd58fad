"""Writing the reasons of the explanatory text (the only words of the 说明 people write)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from disclosures.access import may_write_for
from disclosures.models import Filing
from disclosures.narrative import draft_sections
from disclosures.services.audit import audit_record
from disclosures.services.locking import filing_write

MAX_REASON_LENGTH = 500


def reason_slots(*, filing: Filing) -> dict[str, str]:
    """Every reason key the filing's text asks for, with its label."""
    return {slot.key: slot.label for section in draft_sections(filing=filing) for slot in section.reasons}


def filing_reasons_update(*, filing: Filing, user, reasons: dict[str, str]) -> Filing:
    """Save the department's reasons. Only who may edit the filing (access.can_edit_filing), only while it
    is editable (re-read under the filing's write lock), only keys the text asks for; an empty reason
    removes the key. Each change is written to the audit trail."""
    if not may_write_for(user, filing):
        raise PermissionDenied("只有本部门填报人可以填写说明中的原因。")
    with filing_write(filing=filing) as locked:
        return _reasons_update(filing=locked, user=user, reasons=reasons)


def _reasons_update(*, filing: Filing, user, reasons: dict[str, str]) -> Filing:
    slots = reason_slots(filing=filing)
    unknown = sorted(set(reasons) - set(slots))
    if unknown:
        raise ValidationError(f"说明中没有这些原因：{'、'.join(unknown)}。")
    stored = dict(filing.reasons or {})
    changes = []
    for key, text in reasons.items():
        text = (text or "").strip()
        if len(text) > MAX_REASON_LENGTH:
            raise ValidationError(f"“{slots[key]}”不能超过{MAX_REASON_LENGTH}字。")
        before = str(stored.get(key, ""))
        if text == before:
            continue
        if text:
            stored[key] = text
        else:
            stored.pop(key, None)
        changes.append((key, before, text))
    if not changes:
        return filing
    filing.reasons = stored
    filing.full_clean()
    filing.save(update_fields=["reasons", "updated_at"])
    for key, before, after in changes:
        audit_record(
            filing=filing,
            actor=user,
            action="reason_update",
            object_repr=str(filing),
            field=f"reasons.{key}",
            before=before,
            after=after,
            comment=slots[key],
        )
    return filing
