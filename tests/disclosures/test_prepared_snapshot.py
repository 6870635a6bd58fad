"""A snapshot prepared ahead of publication (services.prepared): reused by workflow.filing_publish only while
everything it was built from is unchanged, and the published snapshot is exactly the one computed at
publication (seed 003, 茂县信访局 2019 年部门决算, and a correction of it)."""

from __future__ import annotations

import json
import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext

from bench.compare_snapshots import differences
from disclosures.lock_triggers import lock_triggers_lifted
from disclosures.models import CatalogItem, ExpenseLine, Filing, Notification, PreparedSnapshot, Unit
from disclosures.selectors import snapshot as snapshot_module
from disclosures.selectors.snapshot import build_snapshot, prepared_snapshot_usable, published_snapshot
from disclosures.services import generation, workflow
from disclosures.selectors.facts import filing_facts
from disclosures.services.locking import filing_lock, filing_lock_state
from disclosures.services.prepared import snapshot_prepare
from disclosures.tasks import publish_filings, publish_year
from jobs.models import Job
from tests.disclosures.workflow_fixtures import approved_correction
from tests.conftest import STAND_IN_PDF, publication_jobs_run
from tests.disclosures.test_filing_locking import _Thread

S = Filing.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def computed_now(filing: Filing) -> dict:
    """The snapshot computed from the database now, at the filing's publication time, as JSON stores it."""
    fresh = Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk)
    return json.loads(json.dumps(build_snapshot(filing=fresh, published_at=fresh.published_at)))


def stored(filing: Filing) -> dict:
    """The published snapshot as its readers get it (selectors.snapshot.published_snapshot)."""
    return published_snapshot(Filing.objects.get(pk=filing.pk))


def publish_without_computing(filing: Filing, user) -> Filing:
    """Publish; fails if filing_publish computes the snapshot instead of copying the prepared one."""
    with mock.patch.object(workflow, "snapshot_body", side_effect=AssertionError("computed at publication")):
        return workflow.filing_publish(filing=filing, user=user)


def publish_computing(filing: Filing, user) -> tuple[Filing, mock.Mock]:
    computing = mock.Mock(wraps=workflow.snapshot_body)
    with mock.patch.object(workflow, "snapshot_body", computing):
        workflow.filing_publish(filing=filing, user=user)
    return filing, computing


def test_the_prepared_snapshot_is_copied_and_equals_the_one_computed_at_publication(approved_filing, reviewer):
    prepared = snapshot_prepare(filing=approved_filing)
    assert prepared is not None and prepared.data_revision == approved_filing.data_revision and prepared.missing_reasons == []

    publish_without_computing(approved_filing, reviewer)

    snapshot = stored(approved_filing)
    assert differences(computed_now(approved_filing), snapshot) == []
    assert snapshot["published_at"] == approved_filing.published_at.isoformat()
    assert snapshot["filing"]["department"] == "茂县信访局" and snapshot["correction"] is None
    # the caller's instance reads the copied snapshot on first use; the prepared row is gone
    assert approved_filing.status == S.PUBLISHED and published_snapshot(approved_filing) == snapshot
    assert not PreparedSnapshot.objects.exists()


def test_a_publication_validates_nothing_the_database_enforces_with_queries(approved_filing, reviewer):
    """No existence query for the foreign keys of the audit entry and the job (rows the publication holds),
    no query for the job's check constraint, no savepoint but the publication's own (its notifications
    have no key that could collide): the database enforces all of it at the write."""
    snapshot_prepare(filing=approved_filing)
    with CaptureQueriesContext(connection) as queries:
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if s.startswith(('SELECT 1 AS "a"', 'SELECT 1 AS "_check"'))]
    assert len([s for s in statements if s.startswith("SAVEPOINT")]) == 1
    assert Notification.objects.filter(filing=approved_filing, kind=Notification.Kind.PUBLISHED).exists()


@pytest.mark.parametrize("prepared", [True, False], ids=["copied", "computed"])
def test_the_snapshot_is_stored_as_the_json_text_written(approved_filing, reviewer, prepared):
    """JSON text, not jsonb (disclosures.json_text): the database keeps the keys in the order written and
    neither parses the body on writing nor prints it on reading."""
    if prepared:
        snapshot_prepare(filing=approved_filing)
    workflow.filing_publish(filing=approved_filing, user=reviewer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT published_snapshot FROM disclosures_filing WHERE id = %s", [approved_filing.pk])
        (text,) = cursor.fetchone()
    assert isinstance(text, str)
    assert list(json.loads(text)) == [
        "schema",
        "filing",
        "published_at",
        "figures",
        "key_figures",
        "tables",
        "sections",
        "projects",
        "parts",
        "charts",
        "correction",
    ]


def test_generating_an_approved_filings_documents_prepares_its_snapshot(approved_filing, submitted_filing):
    generation.filing_generate_documents(filing=approved_filing, formats=["xlsx"])
    prepared = PreparedSnapshot.objects.get(filing=approved_filing)
    assert prepared_snapshot_usable(filing=Filing.objects.select_related("department", "fiscal_year").get(pk=approved_filing.pk)) == prepared

    # a second job of the same filing (the PDF's) finds it current and leaves it
    with mock.patch("disclosures.services.prepared.snapshot_body", side_effect=AssertionError("built twice")):
        generation.filing_generate_documents(filing=approved_filing, formats=["xlsx"])


def test_an_approval_queues_the_documents_whose_job_prepares_the_snapshot(submitted_filing, reviewer, django_capture_on_commit_callbacks):
    """Approved and published at once, with no county-wide generation in between: the approval's own documents
    job (no 草稿 watermark any more) has prepared the snapshot, and the publication copies it."""
    queued_before = set(Job.objects.values_list("pk", flat=True))
    with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.filing_approve(filing=submitted_filing, user=reviewer)
    job = Job.objects.exclude(pk__in=queued_before).get(filing=submitted_filing, kind=Job.Kind.GENERATE_FILING)
    assert job.status == Job.Status.DONE and not job.params.get("publication")
    assert PreparedSnapshot.objects.filter(filing=submitted_filing, data_revision=submitted_filing.data_revision).exists()
    assert not any(document.draft for document in submitted_filing.documents.all())

    publish_without_computing(submitted_filing, reviewer)
    assert differences(computed_now(submitted_filing), stored(submitted_filing)) == []


def test_a_failing_preparation_leaves_the_documents_and_the_publication_computes_the_snapshot(approved_filing, reviewer):
    with mock.patch("disclosures.services.prepared.snapshot_body", side_effect=RuntimeError("boom")):
        summary = generation.filing_generate_documents(filing=approved_filing, formats=["xlsx"])
    assert summary["documents"]["xlsx"]["size"] > 0 and not PreparedSnapshot.objects.exists()

    _, computing = publish_computing(approved_filing, reviewer)
    assert computing.call_count == 1 and differences(computed_now(approved_filing), stored(approved_filing)) == []


def test_nothing_is_prepared_for_a_filing_not_approved(submitted_filing):
    generation.filing_generate_documents(filing=submitted_filing, formats=["xlsx"])
    assert snapshot_prepare(filing=submitted_filing) is None
    assert not PreparedSnapshot.objects.exists()


def _rename_department(filing):
    filing.department.__class__.objects.filter(pk=filing.department_id).update(name="茂县人民来访接待局")


def _rename_unit(filing):
    Unit.objects.filter(department_id=filing.department_id).update(name=Concat(F("name"), Value("（更名）")))


def _rename_catalog_item(filing):
    code = ExpenseLine.objects.filter(filing=filing).values_list("function_item__code", flat=True).first()
    CatalogItem.objects.filter(fiscal_year=filing.fiscal_year, kind=CatalogItem.Kind.FUNCTION, code=code[:3]).update(name="更名后的类")


def _bump_data_revision(filing):
    with lock_triggers_lifted():
        Filing.objects.filter(pk=filing.pk).update(data_revision=F("data_revision") + 1)


def _last_years_filing_appears(filing):
    from tests.disclosures.seed003 import build_seed_003

    previous = build_seed_003(department=filing.department, year=filing.fiscal_year.year - 1)
    with lock_triggers_lifted():
        Filing.objects.filter(pk=previous.pk).update(status=S.APPROVED)


@pytest.mark.parametrize(
    "change",
    [_rename_department, _rename_unit, _rename_catalog_item, _bump_data_revision, _last_years_filing_appears],
    ids=["department renamed", "unit renamed", "catalog name changed", "data revision", "last year's filing approved"],
)
def test_a_prepared_snapshot_is_not_reused_once_what_it_was_built_from_changed(approved_filing, reviewer, change):
    snapshot_prepare(filing=approved_filing)
    change(approved_filing)

    _, computing = publish_computing(approved_filing, reviewer)

    assert computing.call_count == 1
    assert differences(computed_now(approved_filing), stored(approved_filing)) == []
    assert not PreparedSnapshot.objects.exists()


def test_a_department_renamed_after_preparation_is_published_with_its_new_name(approved_filing, reviewer):
    snapshot_prepare(filing=approved_filing)
    _rename_department(approved_filing)
    workflow.filing_publish(filing=approved_filing, user=reviewer)
    snapshot = stored(approved_filing)
    assert snapshot["filing"]["department"] == "茂县人民来访接待局" and snapshot["filing"]["title"].startswith("茂县人民来访接待局")


def test_a_snapshot_prepared_by_another_schema_is_not_reused(approved_filing, reviewer):
    snapshot_prepare(filing=approved_filing)
    with mock.patch.object(snapshot_module, "SNAPSHOT_SCHEMA", snapshot_module.SNAPSHOT_SCHEMA + 1):
        _, computing = publish_computing(approved_filing, reviewer)
    assert computing.call_count == 1 and stored(approved_filing)["schema"] == snapshot_module.SNAPSHOT_SCHEMA + 1


def test_a_snapshot_prepared_by_other_code_is_not_reused(approved_filing, reviewer):
    """A deployment between preparation and publication that changes how anything is computed, without a
    schema bump: the body the old code prepared is not published."""
    snapshot_prepare(filing=approved_filing)
    with mock.patch.object(snapshot_module, "code_fingerprint", lambda: "another deployment"):
        _, computing = publish_computing(approved_filing, reviewer)
    assert computing.call_count == 1
    assert differences(computed_now(approved_filing), stored(approved_filing)) == []


def test_the_code_fingerprint_follows_the_apps_source():
    fingerprint = snapshot_module.code_fingerprint()
    assert len(fingerprint) == 64 and fingerprint == snapshot_module.code_fingerprint()


def test_missing_reasons_are_refused_from_the_prepared_snapshot(approved_filing, reviewer):
    with lock_triggers_lifted():
        Filing.objects.filter(pk=approved_filing.pk).update(reasons={})
    approved_filing.refresh_from_db()
    prepared = snapshot_prepare(filing=approved_filing)
    assert prepared.missing_reasons

    with mock.patch.object(workflow, "filing_facts", side_effect=AssertionError("facts read at publication")):
        with pytest.raises(workflow.ReasonsMissing) as refused:
            workflow.filing_publish(filing=approved_filing, user=reviewer)
    assert all(label in refused.value.message for label in prepared.missing_reasons)
    assert Filing.objects.get(pk=approved_filing.pk).status == S.APPROVED


def test_when_the_copy_finds_the_prepared_row_changed_the_reasons_are_checked_again(approved_filing, reviewer):
    """The prepared row's reasons were checked, then the copy found the row replaced: the snapshot computed
    instead must pass the reasons' check too (here the reasons stand for what changed meanwhile)."""
    snapshot_prepare(filing=approved_filing)
    with lock_triggers_lifted():
        Filing.objects.filter(pk=approved_filing.pk).update(reasons={})
    with mock.patch.object(workflow, "prepared_snapshot_publish", return_value=False):
        with pytest.raises(workflow.ReasonsMissing):
            workflow.filing_publish(filing=approved_filing, user=reviewer)
    assert Filing.objects.get(pk=approved_filing.pk).status == S.APPROVED


def test_a_correction_publishes_the_prepared_snapshot_with_what_changed(published_filing, accountant, reviewer):
    correction = approved_correction(published_filing, accountant, reviewer)
    assert snapshot_prepare(filing=correction) is not None

    publish_without_computing(correction, reviewer)

    snapshot = stored(correction)
    assert differences(computed_now(correction), snapshot) == []
    changes = {c["key"]: (c["before_wan"], c["after_wan"]) for c in snapshot["correction"]["changes"]}
    assert changes["three:公务接待费"] == ("1.85", "1.35") and snapshot["correction"]["original_pk"] == published_filing.pk


def test_the_batch_publishes_prepared_snapshots_once(approved_filing, reviewer):
    snapshot_prepare(filing=approved_filing)
    with publication_jobs_run():
        queued = publish_year(fiscal_year=approved_filing.fiscal_year, filings=[approved_filing], user=reviewer)
    job = Job.objects.get(batch=queued.batch, kind=Job.Kind.PUBLISH_FILINGS)
    with publication_jobs_run():
        publish_filings.apply((job.pk,))
    job.refresh_from_db()
    assert [row["pk"] for row in job.result["published"]] == [approved_filing.pk]
    snapshot = stored(approved_filing)
    assert differences(computed_now(approved_filing), snapshot) == []

    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    with publication_jobs_run():
        publish_filings.apply((job.pk,))
    job.refresh_from_db()
    assert job.result["published"] == [] and "已公开" in job.result["skipped"][0]["reason"]
    assert stored(approved_filing) == snapshot


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL (SQLite serialises whole transactions)")
@pytest.mark.django_db(transaction=True)
def test_a_preparation_replaced_while_publishing_is_not_copied(approved_filing, reviewer):
    """Another connection re-prepares the filing (its department renamed) between the publication's check
    of the prepared row and its copy: the copy finds the row changed and the snapshot is computed."""
    snapshot_prepare(filing=approved_filing)
    checked = workflow.prepared_snapshots_usable
    done = threading.Event()

    def rename_and_prepare():
        with transaction.atomic():
            _rename_department(approved_filing)
        PreparedSnapshot.objects.filter(filing_id=approved_filing.pk).update(inputs_digest="0" * 64)
        done.set()

    def check_then_let_the_other_connection_write(*, filings):
        found = checked(filings=filings)
        other = _Thread(rename_and_prepare)
        other.start()
        assert done.wait(30)
        other.join(30)
        assert other.error is None
        return found

    computing = mock.Mock(wraps=workflow.snapshot_body)
    with mock.patch.object(workflow, "prepared_snapshots_usable", check_then_let_the_other_connection_write):
        with mock.patch.object(workflow, "snapshot_body", computing):
            workflow.filing_publish(filing=approved_filing, user=reviewer)
    assert computing.call_count == 1
    assert stored(approved_filing)["filing"]["department"] in ("茂县信访局", "茂县人民来访接待局")
    assert not PreparedSnapshot.objects.exists()


def test_preparing_writes_the_row_in_two_statements_and_replaces_a_stale_one(approved_filing):
    """Issue #13: update_or_create locked the prepared row, then inserted it in a savepoint of its own (four
    statements). The row is written and removed only under the filing's lock, held here: a DELETE and an
    INSERT. A row left stale (another data revision) is replaced by the fresh one, nothing else kept."""
    with CaptureQueriesContext(connection) as queries:
        first = snapshot_prepare(filing=approved_filing)
    statements = [q["sql"] for q in queries.captured_queries]
    assert first is not None and PreparedSnapshot.objects.get().pk == first.pk
    assert [s.split(" ", 1)[0] for s in statements if s.startswith(("DELETE", "INSERT", "UPDATE"))] == ["DELETE", "INSERT"]
    assert not [s for s in statements if "disclosures_preparedsnapshot" in s and "FOR UPDATE" in s]
    assert len([s for s in statements if s.startswith("SAVEPOINT")]) <= 1  # the preparation's own transaction only

    PreparedSnapshot.objects.filter(pk=first.pk).update(data_revision=F("data_revision") + 1, body={"stale": True})
    second = snapshot_prepare(filing=approved_filing)
    assert second is not None and second.pk != first.pk
    row = PreparedSnapshot.objects.get()
    assert row.pk == second.pk and row.data_revision == approved_filing.data_revision and "stale" not in row.body
    assert prepared_snapshot_usable(filing=Filing.objects.select_related("department", "fiscal_year").get(pk=approved_filing.pk)) == row


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL (SQLite serialises whole transactions)")
@pytest.mark.django_db(transaction=True)
def test_a_preparation_waits_for_the_filings_lock_and_sees_the_revision_its_holder_wrote(approved_filing):
    """The preparation locks the filing row (reading only its status and data revision under the lock): while
    another connection holds the lock and bumps the data revision, it waits, then finds the data it was built
    from out of date and stores nothing."""
    PreparedSnapshot.objects.all().delete()  # what the approval's documents job may have prepared
    facts = filing_facts(filing=Filing.objects.select_related("department", "fiscal_year").get(pk=approved_filing.pk))
    locked, release = threading.Event(), threading.Event()

    def bump_and_hold():
        with transaction.atomic(), lock_triggers_lifted():
            filing_lock(pk=approved_filing.pk)
            Filing.objects.filter(pk=approved_filing.pk).update(data_revision=F("data_revision") + 1)
            locked.set()
            release.wait(30)

    holder = _Thread(bump_and_hold)
    holder.start()
    assert locked.wait(30)
    preparing = _Thread(lambda: snapshot_prepare(facts=facts))
    preparing.start()
    preparing.join(1.5)
    assert preparing.is_alive(), f"the preparation did not wait for the filing's row lock: {preparing.error!r} {preparing.result!r}"
    release.set()
    holder.join(30)
    preparing.join(60)
    assert holder.error is None and preparing.error is None
    assert preparing.result is None and not PreparedSnapshot.objects.exists()


def test_the_lock_state_is_the_status_and_revision_read_in_one_query(approved_filing):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        state = filing_lock_state(pk=approved_filing.pk)
    assert state == (S.APPROVED, approved_filing.data_revision)
    [statement] = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert "JOIN" not in statement and ("FOR UPDATE" in statement or connection.vendor == "sqlite")
