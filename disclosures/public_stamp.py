"""The public data's stamp kept in the public cache, so that a stored public page costs no database query.

The stamp itself (`selectors.public.public_stamp`) is one query over what the public reads: the published
filings, their frozen documents (a publication is public from the moment they are created) and the
departments. Every write to those rows goes through `Model.save()`/`delete()` — the workflow's publication,
the publication job's frozen documents, the admin, the imports, the demo — so the rule "such a write
replaces the stamp" is kept here once, as model signals (`connect`), rather than as a call each writer
has to remember. Each signal replaces the stamp when the writing transaction commits (`on_commit`);
a rolled-back write changes nothing.

Two cache entries, in the "public" cache shared by every web process:

- `GENERATION_KEY`: a random token, replaced by every invalidation (never reused, so a token that was
  evicted and created again cannot bring an old stamp back);
- `STAMP_KEY`: `(generation, stamp)`, the stamp computed from the database by a reader that had read
  that generation *before* its query, kept `STAMP_SECONDS`.

A reader serves the stored stamp only when its generation is the current one. The race — a reader
queries the old data just before a publication commits and stores its stamp just after the invalidation —
is closed by that order: the stale stamp is stored under the generation the reader read before the
commit, which the invalidation has already replaced, so no one serves it. Conversely a stamp stored under
the current generation was queried after that generation was written, i.e. after every invalidation
before it, and so after the commits they followed. What is left is the moment between a commit and its
`on_commit` callback (microseconds), and a lost invalidation (the process killed between the two, or a
write that bypasses `save()`, such as `QuerySet.update`): the stored stamp expires after `STAMP_SECONDS`
(`PUBLIC_STAMP_SECONDS`, 5 s by default), which bounds how long such a write stays unseen.

Inside a transaction (`atomic`) the stamp is read from the database and not shared: that connection may
see its own uncommitted writes, which other processes must not key their pages by, and the shared stamp
may be older than them. This is also what keeps the test suite's transactional tests on the stamp of
their own data.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from disclosures.models import Department, Filing, PublicationDocument
from disclosures.selectors.public import PublicStamp, public_stamp

logger = logging.getLogger(__name__)

CACHE_ALIAS = "public"
GENERATION_KEY = "public-stamp:generation"
STAMP_KEY = "public-stamp:current"


def public_cache():
    return caches[CACHE_ALIAS]


def stamp_seconds() -> float:
    return getattr(settings, "PUBLIC_STAMP_SECONDS", 5)


def public_stamp_current() -> PublicStamp:
    """The public data's stamp: from the public cache when a reader stored it under the current
    generation, else from the database (and then stored, outside a transaction)."""
    return public_stamp_read()[0]


def public_stamp_read(*, also: str | None = None) -> tuple[PublicStamp, Any]:
    """The stamp (see public_stamp_current), and the public cache's entry `also` (None when absent) read in
    the same cache round trip: a stored page is found with one read."""
    cache = public_cache()
    if connection.in_atomic_block:
        return public_stamp(), cache.get(also) if also else None
    found = cache.get_many([GENERATION_KEY, STAMP_KEY, *([also] if also else [])])
    generation, stored = found.get(GENERATION_KEY), found.get(STAMP_KEY)
    if generation is not None and stored is not None and stored[0] == generation:
        return stored[1], found.get(also)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    stamp = public_stamp()  # after the generation was read: see the module's docstring
    if generation is not None:
        cache.set(STAMP_KEY, (generation, stamp), timeout=stamp_seconds())
    return stamp, found.get(also)


def public_stamp_invalidate() -> None:
    """Start a new generation: every reader queries the stamp again. Call it after the commit."""
    public_cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def public_stamp_replace_on_commit() -> None:
    """Replace the stamp when the current transaction commits. The signals below call it; so does a write
    to what the stamp reads that bypasses `save()` (services.prepared publishes with one UPDATE)."""
    # robust: the publication is committed whatever the cache says; a failed write is bounded by STAMP_SECONDS.
    transaction.on_commit(public_stamp_invalidate, robust=True)


def _filing_saved(sender, instance: Filing, **kwargs) -> None:
    if instance.status == Filing.Status.PUBLISHED:
        public_stamp_replace_on_commit()


def _filing_deleted(sender, instance: Filing, **kwargs) -> None:
    if instance.status == Filing.Status.PUBLISHED:
        public_stamp_replace_on_commit()


def _changed(sender, **kwargs) -> None:
    public_stamp_replace_on_commit()


def connect() -> None:
    """Replace the stamp on commit of every write the stamp reads (called once, from the app's ready())."""
    post_save.connect(_filing_saved, sender=Filing, dispatch_uid="public_stamp_filing_saved")
    post_delete.connect(_filing_deleted, sender=Filing, dispatch_uid="public_stamp_filing_deleted")
    for model in (PublicationDocument, Department):
        post_save.connect(_changed, sender=model, dispatch_uid=f"public_stamp_{model.__name__}_saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public_stamp_{model.__name__}_deleted")
