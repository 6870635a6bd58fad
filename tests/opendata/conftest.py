"""The demo as `load_demo` leaves it: 山海关 and 资阳 2020 budgets published, 资阳's invented 2019 budget and
final accounts published, 茂县 2019 and 望城 2020 final accounts drafts, 山海关's correction returned.

`unpublished` adds what must never leak: 望城's 2020 final accounts approved but not published, even
with a snapshot already on the row (as if publication had failed half-way).
"""

import tempfile

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from disclosures.models import Filing


@pytest.fixture(scope="package")
def open_demo(django_db_setup, django_db_blocker):
    """Built once for this folder's tests (in each test process) inside a transaction that is rolled back
    after its last test; each test runs in a savepoint of it (pytest-django's `db`), so tests stay independent."""
    from demo.build import build_demo
    from demo.workflow import advance_demo

    from tests.conftest import publication_jobs_run

    media = tempfile.TemporaryDirectory()
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers, MEDIA_ROOT=media.name), media:
        with transaction.atomic():
            with publication_jobs_run():  # the publications' documents, without which they are not public
                demo = build_demo()
                advance_demo(demo)
            yield demo
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db_for_every_test(open_demo, db):
    """Every test of this folder runs in pytest-django's per-test transaction, a savepoint of open_demo's
    (so the folder's transaction is always opened first). Tests that build their own data, or need
    transactional_db, live outside this folder (tests/test_opendata_snapshot_shapes.py)."""


@pytest.fixture
def unpublished(open_demo):
    from disclosures.selectors.snapshot import build_snapshot

    filing = open_demo.wangcheng.filing
    now = timezone.now()
    Filing.objects.filter(pk=filing.pk).update(
        status=Filing.Status.APPROVED, approved_at=now, published_snapshot=build_snapshot(filing=filing, published_at=now)
    )
    filing.refresh_from_db()
    return {
        "approved": filing,
        "draft": open_demo.maoxian.filing,
        "returned": Filing.objects.get(status=Filing.Status.RETURNED),
    }


#: Text that only the unpublished filings contain.
LEAK_MARKERS = ("望城区信访局", "430112-XFJ", "信访工作专项经费", "茂县信访局", "513223-XFJ")
