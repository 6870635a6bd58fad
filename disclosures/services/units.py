"""The unit a filing publishes in (万元 or 元): the department's choice, a setting of the filing.

Amounts are stored in 元 whatever the unit; the unit only changes how tables and the 说明 print them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from disclosures.access import user_department
from disclosures.models import Filing
from disclosures.money import AmountUnit
from disclosures.services.audit import audit_record


@transaction.atomic
def filing_amount_unit_update(*, filing: Filing, user, unit: str) -> Filing:
    """Set the unit the filing publishes in. Only its own department, only while it is editable; audited."""
    if user_department(user) != filing.department:
        raise PermissionDenied("只有本部门填报人可以选择金额单位。")
    if unit not in AmountUnit.values:
        raise ValidationError(f"金额单位应为{'或'.join(AmountUnit.labels)}。")
    filing = Filing.objects.select_for_update().select_related("department", "fiscal_year").get(pk=filing.pk)
    if not filing.is_editable:
        raise ValidationError("该填报已提交或已审核，不能再修改金额单位。")
    before = filing.amount_unit
    if before == unit:
        return filing
    filing.amount_unit = unit
    filing.full_clean()
    filing.save(update_fields=["amount_unit", "updated_at"])
    audit_record(
        filing=filing, actor=user, action="unit_update", object_repr=str(filing), field="amount_unit",
        before=AmountUnit(before).label, after=AmountUnit(unit).label, comment="公开金额单位",
    )
    return filing
