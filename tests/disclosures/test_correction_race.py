"""Two accountants (two PostgreSQL connections) start 发起更正 on the same published filing at the same
time: exactly one new version is created, the other is refused with a Chinese message (no 500 from the
unique version constraint)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from disclosures.models import ExpenseLine, Filing
from disclosures.services import workflow
from tests.disclosures.test_filing_locking import _Thread

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises whole transactions)")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_corrections_create_one_version(published_filing, accountant):
    created, release = threading.Event(), threading.Event()

    def correct_and_hold():
        with transaction.atomic():
            copy = workflow.filing_correct(filing=Filing.objects.get(pk=published_filing.pk), user=accountant, note="第一位")
            created.set()
            release.wait(30)
        return copy

    def correct():
        created.wait(30)
        return workflow.filing_correct(filing=Filing.objects.get(pk=published_filing.pk), user=accountant, note="第二位")

    a = _Thread(correct_and_hold)
    b = _Thread(correct)
    a.start()
    b.start()
    assert created.wait(30)
    time.sleep(1.5)
    assert b.is_alive(), "the second correction did not wait for the original's row lock"
    release.set()
    a.join(30)
    b.join(60)
    assert a.error is None, a.error
    assert isinstance(b.error, workflow.WrongStatus), b.error or b.result
    assert b.error.message == "该填报已有更正版本，请在最新版本上继续更正。"
    versions = Filing.objects.filter(department=published_filing.department, fiscal_year=published_filing.fiscal_year, kind=published_filing.kind)
    assert sorted(versions.values_list("version", "status")) == [(1, "published"), (2, "draft")]
    correction = versions.get(version=2)
    assert correction.correction_note == "第一位"
    assert ExpenseLine.objects.filter(filing=correction).count() == ExpenseLine.objects.filter(filing=published_filing).count() == 28
