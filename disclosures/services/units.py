"""The unit a filing publishes in (万元 or 元): the department's choice, a setting of the filing.

Amounts are stored in 元 whatever the unit; the unit only changes how tables and the 说明 print them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from disclosures.access import may_write_for
from disclosures.models import Filing
from disclosures.money import AmountUnit
from disclosures.services.audit import audit_record
from disclosures.services.locking import filing_write


def filing_amount_unit_update(*, filing: Filing, user, unit: str) -> Filing:
    """Set the unit the filing publishes in. Only who may edit it (access), only while it is editable (re-read
    under the filing's write lock, which bumps its data revision: the documents change with the unit); audited."""
    if not may_write_for(user, filing):
        raise PermissionDenied("只有本部门填报人可以选择金额单位。")
    if unit not in AmountUnit.values:
        raise ValidationError(f"金额单位应为{'或'.join(AmountUnit.labels)}。")
    with filing_write(filing=filing) as locked:
        return _unit_update(filing=locked, user=user, unit=unit)


def _unit_update(*, filing: Filing, user, unit: str) -> Filing:
    before = filing.amount_unit
    if before == unit:
        return filing
    filing.amount_unit = unit
    filing.full_clean()
    filing.save(update_fields=["amount_unit", "updated_at"])
    audit_record(
        filing=filing,
        actor=user,
        action="修改金额单位",
        object_repr=str(filing),
        field="公开金额单位",
        before=AmountUnit(before).label,
        after=AmountUnit(unit).label,
        comment="公开金额单位",
    )
    return filing
