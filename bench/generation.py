"""A county's year of documents, measured beside its floors (issue #13):

    .venv/bin/python bench/generation.py [--departments 300] [--reuse] [--samples 3]
    .venv/bin/python bench/run.py --bench generation [--check]   (registered bench: rows with floors and goals)

- the per-filing workbook (disclosures.tables.xlsx.render_workbook, from tables and parts computed
  beforehand) against a plain openpyxl write_only workbook with the same cell values and no styles
  (the floor), for the smallest, the median and the largest filing of the year, best of `--repeat`;
- the year's documents (tables + text + xlsx + HTML, the app's own generation service) with 2 real
  Celery workers when CELERY_BROKER_URL is set (else a pool of 2 spawned processes calling the same
  function): a first run, then a second run of the same year, which finds every filing unchanged;
- publishing the year's approved filings through the year's batch publication (the bureau's job, each filing
  through workflow.filing_publish) with 2 workers.

The county is built in DATABASE_URL (PostgreSQL recommended; default a SQLite file under bench/out/);
`--reuse` keeps a county already there instead of building it again. Results: bench/out/generation.json.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import env as bench_env
from bench.registry import Context, Row, register

YEAR = 2024
YEARS = (2023, 2024)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- the workbook against its floor --------------------------------------------------------------


def sheet_values(content: bytes) -> list[tuple[str, list[list]]]:
    """Every sheet's cell values, row by row, of a workbook (what the floor writes again)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in workbook.worksheets]


def floor_workbook(sheets: list[tuple[str, list[list]]]) -> bytes:
    """The floor: the same cells in a plain write_only workbook, no styles, merges or print setup."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _timed(function) -> tuple[float, float]:
    """(wall, CPU) seconds of one call, from a clean heap, including the collection of its own garbage
    (the young generation: what the call left behind, reference cycles included)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    gc.collect(0)
    return time.perf_counter() - wall, time.process_time() - cpu


def xlsx_against_floor(pks: list[tuple[str, int, int]], *, repeat: int) -> list[dict]:
    """(label, expense lines, filing pk) → the workbook's time, the floor's, and their ratio, measured
    alternately in the same process so that the machine's load weighs on both alike; best of `repeat`,
    as wall time and as CPU time (the process's own, which other work on the machine does not inflate)."""
    from disclosures.models import Filing
    from disclosures.parts import parts_from_json, publication_parts
    from disclosures.tables import compute_tables
    from disclosures.tables.xlsx import render_workbook

    found = []
    for label, lines, pk in pks:
        filing = Filing.objects.select_related("department", "fiscal_year").get(pk=pk)
        tables = compute_tables(filing=filing)
        parts = parts_from_json(publication_parts(filing=filing))
        content = render_workbook(tables, parts=parts)
        sheets = sheet_values(content)
        cells = sum(len(row) for _, rows in sheets for row in rows)
        ours, floor = [float("inf")] * 2, [float("inf")] * 2
        for _ in range(repeat):
            ours = [min(a, b) for a, b in zip(ours, _timed(functools.partial(render_workbook, tables, parts=parts)))]
            floor = [min(a, b) for a, b in zip(floor, _timed(functools.partial(floor_workbook, sheets)))]
        found.append(
            {
                "filing": label,
                "expense_lines": lines,
                "sheets": len(sheets),
                "cells": cells,
                "xlsx_ms": round(ours[0] * 1000, 1),
                "floor_ms": round(floor[0] * 1000, 1),
                "ratio": round(ours[0] / floor[0], 2),
                "xlsx_cpu_ms": round(ours[1] * 1000, 1),
                "floor_cpu_ms": round(floor[1] * 1000, 1),
                "cpu_ratio": round(ours[1] / floor[1], 2),
            }
        )
        log(
            f"  xlsx {label} ({lines} lines, {cells} cells): {ours[0] * 1000:.0f} ms, floor {floor[0] * 1000:.0f} ms, ×{ours[0] / floor[0]:.2f}; "
            f"CPU {ours[1] * 1000:.0f} / {floor[1] * 1000:.0f} ms, ×{ours[1] / floor[1]:.2f}"
        )
    return found


# --- the year's documents ------------------------------------------------------------------------


def year_filing_pks(*, status: str | None = None) -> list[int]:
    from disclosures.models import Filing

    filings = Filing.objects.filter(fiscal_year__year=YEAR, superseded_by__isnull=True)
    if status:
        filings = filings.filter(status=status)
    return list(filings.order_by("department__code", "kind").values_list("pk", flat=True))


def samples_by_size() -> list[tuple[str, int, int]]:
    from django.db.models import Count

    from disclosures.models import Filing

    rows = sorted(Filing.objects.filter(fiscal_year__year=YEAR, kind=Filing.Kind.FINAL).annotate(n=Count("expense_lines")).values_list("n", "pk"))
    return [("smallest", *rows[0]), ("median", *rows[len(rows) // 2]), ("largest", *rows[-1])]


def generate_with_celery(*, workers: int, env: dict, timeout: float = 1800) -> dict:
    """Real Celery workers (prefork) on CELERY_BROKER_URL's broker, fed by the app's county-wide generation
    (disclosures.tasks.generate_year, xlsx + HTML): it queues the filings whose documents are not current,
    through the app's job plumbing, and the time runs until the last of its jobs has finished."""
    from django.db import transaction

    from bench.run import _children, _summary, _vm_hwm_mb, celery_worker, jobs_ended
    from disclosures.models import FiscalYear
    from disclosures.services.generation import FAST_FORMATS
    from disclosures.tasks import generate_year
    from jobs.models import Job

    # settle: every prefork child has finished importing Django before the clock runs
    with celery_worker(workers=workers, env=env, queue="celery", settle=2) as process:
        started = time.perf_counter()
        with transaction.atomic():
            queued = generate_year(fiscal_year=FiscalYear.objects.get(year=YEAR), formats=FAST_FORMATS)
        jobs = Job.objects.filter(batch=queued.batch)
        wall = jobs_ended(jobs, started=started, timeout=timeout)
        peak = max((_vm_hwm_mb(pid) for pid in _children(process.pid)), default=0.0)
        results = [
            {"seconds": (j.finished_at - j.started_at).total_seconds(), "unchanged": bool(j.result.get("unchanged"))}
            for j in jobs
            if j.status == Job.Status.DONE
        ]
        failed = jobs.filter(status=Job.Status.FAILED).count()
    summary = _summary(results, wall, workers, mode="celery")
    summary["worker_peak_rss_mb"] = round(max(peak, summary["worker_peak_rss_mb"]), 1)
    summary["failed"] = failed
    summary["queued"], summary["skipped_unchanged"] = queued.queued, queued.unchanged + sum(1 for r in results if r["unchanged"])
    return summary


def fill_reasons(pks: list[int]) -> None:
    """Write every reason the 说明 of these approved filings still asks for (the synthetic county has none), so
    that workflow.filing_publish does not refuse them. Approved data is locked: the triggers are lifted, and
    the data revision is bumped as any write of a filing's data does (what was built from the data before,
    documents and prepared snapshots, is out of date). Done before the year's documents are generated, as a
    department writes its reasons before submitting."""
    from django.db.models import F

    from disclosures.lock_triggers import lock_triggers_lifted
    from disclosures.models import Filing
    from disclosures.narrative import missing_reasons

    with lock_triggers_lifted():
        for filing in Filing.objects.filter(pk__in=pks).select_related("department", "fiscal_year"):
            missing = missing_reasons(filing=filing)
            if missing:
                Filing.objects.filter(pk=filing.pk).update(
                    reasons={**filing.reasons, **{slot.key: "按实际工作需要调整。" for slot in missing}}, data_revision=F("data_revision") + 1
                )


def publisher():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-publisher", defaults={"is_superuser": True, "is_staff": True})
    return user


def publish_with_jobs(*, workers: int, env: dict, celery: bool, timeout: float = 1800) -> dict:
    """The year's batch publication (disclosures.tasks.publish_year, what the 公开进度 page queues): its jobs
    run on `workers` real Celery workers when CELERY_BROKER_URL is set, else in a pool of spawned processes
    (there the publication-document jobs each publication queues are left queued, as with the broker down);
    the time runs from queuing until the last publication job has ended."""
    from django.db import transaction

    from bench.run import celery_worker, jobs_ended, run_pool
    from disclosures.models import Filing, FiscalYear
    from disclosures.tasks import publish_year
    from jobs.models import Job

    filings = list(
        Filing.objects.filter(fiscal_year__year=YEAR, status=Filing.Status.APPROVED, superseded_by__isnull=True).order_by("department__code", "kind")
    )
    user = publisher()
    with celery_worker(workers=workers, env=env, queue="celery", settle=2) if celery else contextlib.nullcontext():
        started = time.perf_counter()
        with transaction.atomic():
            queued = publish_year(fiscal_year=FiscalYear.objects.get(year=YEAR), filings=filings, user=user)
        jobs = Job.objects.filter(batch=queued.batch, kind=Job.Kind.PUBLISH_FILINGS)
        if celery:
            wall = jobs_ended(jobs, started=started, timeout=timeout)
        else:
            pool = run_pool(name="publish_job", pks=list(jobs.order_by("pk").values_list("pk", flat=True)), workers=workers, env=env)
            wall = time.perf_counter() - started
    done = list(jobs.filter(status=Job.Status.DONE))
    published = sum(len(j.result.get("published", [])) for j in done)
    job_seconds = [(j.finished_at - j.started_at).total_seconds() for j in done if j.finished_at and j.started_at]
    return {
        "mode": "celery" if celery else pool["mode"],
        "workers": workers,
        "filings": len(filings),
        "jobs": queued.jobs,
        "published": published,
        "skipped": sum(len(j.result.get("skipped", [])) for j in done),
        "failed_filings": sum(len(j.result.get("failed", [])) for j in done),
        "failed_jobs": jobs.filter(status=Job.Status.FAILED).count(),
        "wall_seconds": round(wall, 1),
        "per_filing_mean_s": round(sum(job_seconds) / published, 3) if published else 0,
        "load_average": load_average(),
    }


def generate_with_pool(*, pks: list[int], workers: int, env: dict) -> dict:
    from bench.run import run_pool

    summary = run_pool(name="generate_documents", pks=pks, workers=workers, env=env)
    return summary


@register("generation")
def generation_bench(context: Context) -> list[Row]:
    """A county's year: the workbook beside a plain write_only floor, the year with 2 workers twice, publishing."""
    args = argparse.Namespace(
        departments=0,
        reuse=True,
        repeat=2 if context.quick else 5,
        workers=2,
        skip_year=False,
        no_publish=False,
        skip_xlsx=False,
        runs="first,second",
    )
    report = run(args, built=True)
    context.details["generation"] = report
    rows = []
    for item in report.get("xlsx", []):
        label = f"xlsx of the {item['filing']} filing ({item['cells']:,} cells)"
        rows.append(Row(f"{label}: CPU", item["xlsx_cpu_ms"], item["floor_cpu_ms"], "ms", "plain write_only", goal_ratio=2))
        rows.append(Row(f"{label}: wall", item["xlsx_ms"], item["floor_ms"], "ms", "plain write_only"))
    for item in report.get("generation", []):
        rows.append(Row(f"year, {item['run']} run ({report['filings']} filings, 2 workers)", item["wall_seconds"], None, "s", goal_value=30))
    if report.get("publish"):
        publish = report["publish"]
        rows.append(
            Row(f"publish the year ({publish['published']} filings, batch job, 2 workers)", publish["wall_seconds"], None, "s", goal_value=10)
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=300, help="county size (2 filings a year each)")
    parser.add_argument("--reuse", action="store_true", help="keep the county already in the database")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of the workbook and its floor (best of)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-year", action="store_true", help="only the workbook against its floor")
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--skip-xlsx", action="store_true", help="leave out the workbook against its floor")
    parser.add_argument("--runs", default="first,second", help="first (every document deleted first) and/or second (documents kept)")
    args = parser.parse_args(argv)
    report = run(args)
    (bench_env.OUT / "generation.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


def county(*, departments: int, reuse: bool) -> None:
    """A county of `departments` in the database: kept (and migrated) with `reuse` when it is there, else built."""
    from django.core.management import call_command

    from disclosures.models import Department

    if reuse and Department.objects.count() >= departments:
        call_command("migrate", verbosity=0, interactive=False)
        return
    log(f"building a county of {departments} departments")
    from bench.synth import build_county

    bench_env.fresh_database()
    started = time.perf_counter()
    build_county(start=0, stop=departments, years=YEARS)
    log(f"  built in {time.perf_counter() - started:.0f} s")


def run(args, *, built: bool = False) -> dict:
    """The measurements; `built`: the county is already there (run.py built it)."""
    env = bench_env.configure(database_url=os.environ.get("DATABASE_URL") or bench_env.default_database_url())
    bench_env.setup()
    celery = bool(os.environ.get("CELERY_BROKER_URL"))
    if celery:
        env["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"]
    from disclosures.models import Filing

    report: dict = {"load_average_at_start": load_average(), "departments": args.departments}
    if not built:
        county(departments=args.departments, reuse=args.reuse)
    if not args.skip_xlsx:
        log("per-filing workbook against the plain write_only floor")
        report["xlsx"] = xlsx_against_floor(samples_by_size(), repeat=args.repeat)
    if not args.no_publish:
        todo = year_filing_pks(status=Filing.Status.APPROVED)
        log(f"writing the reasons the 说明 asks for in {len(todo)} approved filings (not measured)")
        fill_reasons(todo)
    if not args.skip_year:
        pks = year_filing_pks()
        report["filings"] = len(pks)
        report["generation"] = []
        for run_name in args.runs.split(","):
            if run_name == "first":
                from disclosures.models import FilingDocument

                FilingDocument.objects.filter(filing__fiscal_year__year=YEAR).delete()
            log(f"generating {len(pks)} filings ({run_name} run, {args.workers} workers, {'celery' if celery else 'pool'})")
            if celery:
                summary = generate_with_celery(workers=args.workers, env=env)
            else:
                summary = generate_with_pool(pks=pks, workers=args.workers, env=env)
            summary["run"] = run_name
            summary["load_average"] = load_average()
            report["generation"].append(summary)
            log(f"  {summary['wall_seconds']} s ({summary.get('skipped_unchanged', '?')} unchanged, failed {summary.get('failed', 0)})")
    if not args.no_publish:
        todo = year_filing_pks(status=Filing.Status.APPROVED)
        if todo:
            log(f"publishing {len(todo)} filings through the year's batch publication (2 workers, {'celery' if celery else 'pool'})")
            report["publish"] = publish_with_jobs(workers=2, env=env, celery=celery)
            # the filings stay published (the database refuses to take that back): copy the county again to repeat
            log(
                f"  {report['publish']['wall_seconds']} s, {report['publish']['per_filing_mean_s']} s a filing, {report['publish']['published']} published"
            )
        else:
            report["publish"] = None
    report["load_average_at_end"] = load_average()
    return report


if __name__ == "__main__":
    main()
