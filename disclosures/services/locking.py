"""The one lock every write to a filing's data takes, and the status check made under it.

A page, an admin form or an import job decides to write from a Filing it loaded earlier; by the time it
writes, the reviewer may have approved it (an import started on a draft once wrote 39,987 lines into an
approved filing because it checked the object loaded when it started). So every writer — line services,
the batch import, the admin, the reasons, targets and self-evaluations — writes inside `filing_write`,
which, in the transaction that writes:

1. locks the filing row (`SELECT … FOR UPDATE`; the workflow's submit/return/approve/publish take the
   same row lock through `filing_lock`, so a write and a transition are serialised);
2. re-reads the status and refuses (ValidationError, Chinese) unless the filing is 草稿 or 已退回;
3. bumps `Filing.data_revision` once — once per outermost `filing_write` of that filing, however many
   rows the block writes (nested blocks of the same filing reuse the outer lock and revision).

On SQLite the row lock is a no-op, but its transactions are IMMEDIATE (config/settings.py): a writer
holds the database's write lock from its first statement, which serialises the same way. The database
triggers of migration 0006 stand behind this for writers that bypass the services.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from disclosures.models import Filing

_state = threading.local()


def _open_writes() -> dict[int, Filing]:
    """The filings whose write block is open in this thread, by pk."""
    if not hasattr(_state, "filings"):
        _state.filings = {}
    return _state.filings


def ensure_editable(*, filing: Filing) -> None:
    """Refuse a change to a filing that is submitted, approved or published (read the status under the lock)."""
    if filing.is_editable:
        return
    raise ValidationError(f"{filing}当前状态为“{filing.get_status_display()}”，不能修改；只有草稿或已退回的填报可以修改，已公开的数据请发起更正。")


def filing_lock(*, pk: int) -> Filing:
    """The filing re-read under a row lock (call inside transaction.atomic)."""
    return Filing.objects.select_for_update(of=("self",)).select_related("department", "fiscal_year").get(pk=pk)


def filing_lock_state(*, pk: int) -> tuple[str, int]:
    """The filing's status and data revision, read under the row lock `filing_lock` takes (call inside
    transaction.atomic), for a writer that only checks them: the row itself, its department and its year are
    not loaded (a join and three model instances fewer: ~0.4 ms of Python and 0.2 ms of the server's CPU)."""
    return Filing.objects.select_for_update().filter(pk=pk).values_list("status", "data_revision").get()


def filings_lock(*, pks: Iterable[int]) -> dict[int, Filing]:
    """The filings re-read under their row locks, by pk (call inside transaction.atomic): one query, the rows
    locked in the order of their primary keys, so two callers locking overlapping sets cannot deadlock."""
    rows = Filing.objects.select_for_update(of=("self",)).select_related("department", "fiscal_year").filter(pk__in=sorted(set(pks))).order_by("pk")
    return {filing.pk: filing for filing in rows}


@contextmanager
def filing_write(*, filing: Filing | int) -> Iterator[Filing]:
    """Open (or join) the write transaction of a filing's data: lock, re-check the status, bump the revision.

    Yields the locked, freshly read Filing. The caller's Filing instance, if one was passed, gets the new
    revision and status too.
    """
    pk = filing.pk if isinstance(filing, Filing) else int(filing)
    open_writes = _open_writes()
    if pk in open_writes:
        yield open_writes[pk]
        return
    with transaction.atomic():
        locked = filing_lock(pk=pk)
        ensure_editable(filing=locked)
        now = timezone.now()
        Filing.objects.filter(pk=pk).update(data_revision=F("data_revision") + 1, updated_at=now)
        locked.data_revision += 1
        locked.updated_at = now
        open_writes[pk] = locked
        try:
            yield locked
        finally:
            open_writes.pop(pk, None)
    if isinstance(filing, Filing) and filing is not locked:
        filing.status = locked.status
        filing.data_revision = locked.data_revision
        filing.updated_at = locked.updated_at
