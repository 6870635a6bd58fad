"""Writing the reasons of the explanatory text (the only words of the 说明 people write), and last year's
comparison figures where last year's filing is not in the system."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from disclosures.access import may_write_for
from disclosures.models import Filing, PriorYearFigure
from disclosures.money import format_figure
from disclosures.narrative import draft_sections
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.figures import PRIOR_KEYS, prior_figures
from disclosures.services.audit import audit_record
from disclosures.services.locking import filing_write

MAX_REASON_LENGTH = 500
REASON_ACTION = "填写变动原因"
PRIOR_ACTION = "填写上年对比数"


def prior_label(key: str) -> str:
    """'上年收支总计', '上年“三公”经费合计', '上年因公出国（境）费' (PRIOR_KEYS without its explanation)."""
    return "上年" + re.sub(r"（[^）]*）$", "", PRIOR_KEYS[key])


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


def filing_prior_figures_update(*, filing: Filing, user, figures: dict[str, Decimal | None]) -> Filing:
    """Save last year's comparison figures (元) the department typed: only while last year's filing is
    not in the system (its figures are used then), only PRIOR_KEYS; None removes a figure. Under the
    filing's write lock; each change audited with its Chinese label."""
    if not may_write_for(user, filing):
        raise PermissionDenied("只有本部门填报人可以填写上年对比数。")
    unknown = sorted(set(figures) - set(PRIOR_KEYS))
    if unknown:
        raise ValidationError(f"没有这些上年对比数：{len(unknown)}项。")
    with filing_write(filing=filing) as locked:
        if prior_figures(facts=filing_facts(filing=locked)).origin == "filing":
            raise ValidationError("上年的填报已在系统中，对比数取自上年填报，不能另行填写。")
        stored = {f.key: f for f in PriorYearFigure.objects.filter(filing=locked)}
        for key, amount in figures.items():
            current = stored.get(key)
            before = current.amount if current is not None else None
            if amount == before:
                continue
            if amount is None:
                assert current is not None
                current.delete()
            elif current is None:
                figure = PriorYearFigure(filing=locked, key=key, amount=amount)
                figure.full_clean()
                figure.save()
            else:
                current.amount = amount
                current.full_clean()
                current.save(update_fields=["amount"])
            audit_record(
                filing=locked,
                actor=user,
                action=PRIOR_ACTION,
                object_repr=str(locked),
                field=prior_label(key),
                before="" if before is None else f"{format_figure(before, 'yuan')} 元",
                after="" if amount is None else f"{format_figure(amount, 'yuan')} 元",
            )
        return locked


def _reasons_update(*, filing: Filing, user, reasons: dict[str, str]) -> Filing:
    slots = reason_slots(filing=filing)
    unknown = sorted(set(reasons) - set(slots))
    if unknown:
        raise ValidationError(f"说明中已没有其中{len(unknown)}处原因（数据已变化），请刷新页面后重新填写。")
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
            action=REASON_ACTION,
            object_repr=str(filing),
            field=slots[key],
            before=before,
            after=after,
        )
    return filing
