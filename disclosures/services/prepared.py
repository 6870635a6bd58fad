"""The snapshot of an approved filing prepared ahead of its publication, and its copy at publication.

Publishing a year's filings used to compute every snapshot (figures, tables, text, charts: ~0.26 s a
filing, over a second for the largest) inside the publication's locked transaction. An approved filing's
data is locked (its data revision no longer changes), so the snapshot's body can be built beforehand —
by the generation job that builds the approved filing's working documents from the same facts — and
stored with what it was built from (`PreparedSnapshot`). `workflow.filing_publish`, the one place of the
publication's rules, checks it under the filing's row lock (`selectors.snapshot.prepared_snapshot_usable`)
and copies its body in the database (`prepared_snapshot_publish`), the publication's moment and its
performance parts stored beside it; when anything it was built from changed, it computes the body as
before. Either way the published snapshot (`selectors.snapshot.published_snapshot`) is the one
`build_snapshot` computes at that moment.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Subquery

from disclosures.models import Filing, PreparedSnapshot
from disclosures.selectors.facts import FilingFacts, facts_of
from disclosures.selectors.snapshot import (
    SNAPSHOT_SCHEMA,
    filing_sections,
    inputs_digest,
    prepared_snapshot_usable,
    snapshot_body,
    snapshot_inputs,
    unwritten_reasons,
)
from disclosures.services.locking import filing_lock_state


def snapshot_prepare(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> PreparedSnapshot | None:
    """Build and store the snapshot body of an approved filing (from its facts, given or read now), unless
    a prepared one still matches. Returns the prepared row, or None for a filing that is not approved
    (nothing is stored: only an approved filing's data is locked)."""
    facts = facts_of(filing=filing, facts=facts)
    filing = facts.filing
    if filing.status != Filing.Status.APPROVED:
        return None
    current = prepared_snapshot_usable(filing=filing)
    if current is not None:
        return current
    body = snapshot_body(facts)
    missing = [slot.label for slot in unwritten_reasons(filing_sections(facts))]
    digest = inputs_digest(snapshot_inputs(facts))
    with transaction.atomic():
        status, data_revision = filing_lock_state(pk=filing.pk)
        if status != Filing.Status.APPROVED or data_revision != filing.data_revision:
            return None
        # A filing's prepared row is written (here) and removed (at publication) only under the filing's row
        # lock, held now: the row found stale or absent is replaced by a DELETE and an INSERT, where
        # update_or_create locked it first and inserted in a savepoint of its own.
        PreparedSnapshot.objects.filter(filing_id=filing.pk).delete()
        values: dict[str, Any] = {
            "data_revision": filing.data_revision,
            "schema": SNAPSHOT_SCHEMA,
            "inputs_digest": digest,
            "catalog_codes": facts.catalog_codes,
            "missing_reasons": missing,
            "body": body,  # a dict, stored as its JSON text (json_text.JSONTextField: a TextField to the type checker)
        }
        return PreparedSnapshot.objects.create(filing=filing, **values)


def prepared_snapshot_publish(*, filing: Filing, prepared: PreparedSnapshot, published_at: datetime.datetime, parts: list[dict]) -> bool:
    """Publish `filing` (locked by the caller) from its prepared snapshot in one UPDATE: status, publication
    time, performance parts and the snapshot, the prepared body copied as it is by the database (no
    decoding and encoding of megabytes of JSON, here or in the database: the moment and the parts are
    columns of their own, filled in by `selectors.snapshot.published_snapshot`). Only while the prepared
    row is still the one checked (`prepared_snapshot_usable`); returns whether the filing was updated. An
    UPDATE sends no post_save: the caller replaces the public stamp (`public_stamp_replace_on_commit`), once
    for all the filings it publishes."""
    updated = Filing.objects.filter(
        pk=filing.pk,
        status=Filing.Status.APPROVED,
        data_revision=prepared.data_revision,
        prepared_snapshot__pk=prepared.pk,
        prepared_snapshot__data_revision=prepared.data_revision,
        prepared_snapshot__schema=prepared.schema,
        prepared_snapshot__inputs_digest=prepared.inputs_digest,
    ).update(
        status=Filing.Status.PUBLISHED,
        published_at=published_at,
        updated_at=published_at,
        published_parts=parts,
        published_snapshot=Subquery(PreparedSnapshot.objects.filter(pk=prepared.pk).values("body")),
    )
    return updated == 1
