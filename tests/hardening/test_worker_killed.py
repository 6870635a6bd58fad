"""A worker killed (kill -9) in the middle of a filing's generation.

The generation job runs the real task (disclosures.tasks.generate_filing_documents) in a separate
process on the test database. When the job reports that it is rendering (progress ≥ 30), the process is
killed. Afterwards: the job is still RUNNING and becomes claimable again once it is stale (so the retry
or a new worker takes it over), and the filing's documents still point at the previous complete files —
no partial output is visible. Running the job again then swaps in a complete new set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from disclosures.models import CatalogItem, ExpenseKind, ExpenseLine, FilingDocument, Unit
from jobs.models import Job
from disclosures.services import lines
from disclosures.services.catalog import catalog_load_starter
from jobs.services import job_claim

ROOT = Path(__file__).resolve().parents[2]
OLD = {"xlsx": b"old complete workbook", "html": b"<html>old complete</html>", "pdf": b"%PDF old complete"}

WORKER = """
import os, sys
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from disclosures.tasks import generate_filing_documents
generate_filing_documents.apply(args=({job},))
"""


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


@pytest.fixture
def filing(department, year_2020, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    catalog_load_starter(fiscal_year=year_2020)
    filing = lines.filing_create(department=department, fiscal_year=year_2020, kind="budget")
    unit = Unit.objects.get(department=department, is_main=True)
    items = {(i.kind, i.code): i for i in CatalogItem.objects.filter(fiscal_year=year_2020)}
    for n, code in enumerate(["2010301", "2010302", "2080505", "2101101", "2210201"]):
        for economic in ("30101", "30102", "30201"):
            lines.expense_line_save(
                line=ExpenseLine(
                    filing=filing,
                    unit=unit,
                    function_item=items[("function", code)],
                    dept_economic_item=items[("dept_economic", economic)],
                    expense_kind=ExpenseKind.PERSONNEL if economic.startswith("301") else ExpenseKind.PUBLIC,
                    budget_amount=Decimal(1000 + n),
                )
            )
    for format, content in OLD.items():
        FilingDocument.objects.create(filing=filing, format=format, file=ContentFile(content, name=f"old.{format}"), size=len(content))
    return filing


def documents(filing) -> dict[str, bytes]:
    found = {}
    for document in FilingDocument.objects.filter(filing=filing):
        with document.file.open("rb") as handle:
            found[document.format] = handle.read()
    return found


@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_previous_documents_and_a_reclaimable_job(filing, settings, tmp_path):
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing)
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(tmp_path), "CELERY_BROKER_URL": ""}
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER.format(root=str(ROOT), job=job.pk)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Job.Status.RUNNING and job.progress >= 30:
                break
            if worker.poll() is not None:
                pytest.fail(f"the worker ended (exit {worker.returncode}) before it could be killed: job {job.status} {job.error}")
            time.sleep(0.05)
        else:
            pytest.fail("the generation never reached the rendering step")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.attempts == 1
    # what the public and the department download is still the previous complete set, byte for byte
    assert documents(filing) == OLD
    # nothing half-written is referenced: every document row points at an existing, complete file
    for document in FilingDocument.objects.filter(filing=filing):
        assert Path(document.file.path).read_bytes() == OLD[document.format]

    # not claimable while it may still be running; claimable once stale
    assert not job_claim(job.pk)
    settings.JOB_STALE_AFTER_SECONDS = 1
    time.sleep(1.2)
    assert job_claim(job.pk)
    job.refresh_from_db()
    assert job.attempts == 2

    # the re-claimed run completes and swaps in a full new set
    from disclosures.services.generation import filing_generate_documents

    filing_generate_documents(filing=filing, job=job)
    fresh = documents(filing)
    assert set(fresh) == set(OLD)
    assert fresh["xlsx"].startswith(b"PK") and fresh["pdf"].startswith(b"%PDF") and b"</html>" in fresh["html"]
    assert all(fresh[f] != OLD[f] for f in OLD)
