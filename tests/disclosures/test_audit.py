"""The audit helper the line services and the admin call: before/after of every changed figure."""

from decimal import Decimal

import pytest

from disclosures.models import AuditEntry, ExpenseLine
from disclosures.services.audit import audit_changes, audit_deletion, field_values, figures_must_be_audited

pytestmark = pytest.mark.django_db


def test_changes_on_an_approved_filing_are_recorded_field_by_field(approved_filing, django_user_model):
    """The audit describes a change of a locked filing's line field by field (the database itself refuses to
    store such a change: tests/disclosures/test_lock_triggers.py), from the instance as edited."""
    admin = django_user_model.objects.create_superuser("root", password="pw-Root-12345")
    line = ExpenseLine.objects.get(filing=approved_filing, dept_economic_item__code="30217")
    before = field_values(line)
    line.actual_amount = Decimal("13500.00")
    line.budget_amount = Decimal("13500.00")

    entries = audit_changes(filing=approved_filing, actor=admin, instance=line, before=before, comment="管理员更正")

    assert sorted((e.field, e.before, e.after) for e in entries) == [
        ("决算数（元）", "18500.00", "13500.00"),
        ("年初预算数（元）", "18500.00", "13500.00"),
    ]
    assert all(e.actor == admin and e.filing == approved_filing and "支出明细" in e.object_repr for e in entries)


def test_drafts_are_not_audited_unless_forced(clean_filing):
    line = ExpenseLine.objects.filter(filing=clean_filing).first()
    before = field_values(line)
    line.actual_amount += 1
    line.save()
    assert not figures_must_be_audited(clean_filing)
    assert audit_changes(filing=clean_filing, actor=None, instance=line, before=before) == []
    assert len(audit_changes(filing=clean_filing, actor=None, instance=line, before=before, force=True)) == 1


def test_corrections_are_audited_even_as_drafts(published_filing, accountant):
    from disclosures.services import workflow

    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="更正")
    assert figures_must_be_audited(correction)
    line = ExpenseLine.objects.filter(filing=correction).first()
    entry = audit_deletion(filing=correction, actor=accountant, instance=line)
    assert entry.action == "删除数据" and str(line.actual_amount) in entry.before
    assert AuditEntry.objects.filter(filing=correction, action="删除数据").count() == 1
