"""Writing the reasons of the explanatory text (the only words of the 说明 people write)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from disclosures.access import user_department
from disclosures.models import Filing
from disclosures.narrative import draft_sections
from disclosures.services.audit import audit_record

MAX_REASON_LENGTH = 500


def reason_slots(*, filing: Filing) -> dict[str, str]:
    """Every reason key the filing's text asks for, with its label."""
    return {slot.key: slot.label for section in draft_sections(filing=filing) for slot in section.reasons}


@transaction.atomic
def filing_reasons_update(*, filing: Filing, user, reasons: dict[str, str]) -> Filing:
    """Save the department's reasons. Only the filing's own department, only while it is editable,
    only keys the text asks for; an empty reason removes the key. Each change is written to the audit trail."""
    if user_department(user) != filing.department:
        raise PermissionDenied("只有本部门填报人可以填写说明中的原因。")
    filing = Filing.objects.select_for_update().select_related("department", "fiscal_year").get(pk=filing.pk)
    if not filing.is_editable:
        raise ValidationError("该填报已提交或已审核，不能再修改说明中的原因。")
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
            filing=filing, actor=user, action="reason_update", object_repr=str(filing),
            field=f"reasons.{key}", before=before, after=after, comment=slots[key],
        )
    return filing
