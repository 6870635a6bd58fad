"""County-scale benchmark of Gongkai (issue #6): `make bench` or `.venv/bin/python bench/run.py [--quick]`.

Builds a synthetic county in its own database (bench/out/county.sqlite3, or DATABASE_URL — never the
development db.sqlite3), grows it through the sizes (default 30, 100, 300 departments) and at each
size measures:

- SQL queries of one filing's generation, for the smallest and the largest filing (must not grow);
- time and peak memory to generate every disclosure of the year (tables + text + xlsx + html) with 1
  and with 2 worker processes — real Celery workers on Redis when CELERY_BROKER_URL is set, else a
  multiprocessing pool calling the same function;
- the publication snapshots, SQL queries per public page, and the public pages' latency (p50/p95)
  and throughput under a bounded local load against gunicorn on 127.0.0.1:8109;

then the PDF rendering of a small and a large filing, and the import of a 50,000-row workbook
through the real upload path (in a process of its own). Results go to bench/out/results.json and
bench/out/results.md.

Then the registered benches (bench/registry.py; modules in BENCH_MODULES) each return rows of a figure
beside its floor measured in the same run, the ratio and the goal of issue #13; they are printed as one
table, and `--check` exits 1 when a row misses its goal. `--bench pdf,import` runs only those (and the
county only if one of them needs it, without the growth stages); `--bench county` is the growth table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import env as bench_env
from bench.registry import BENCHES, Context, Row, table

#: Modules whose import registers their benches (bench.registry.register).
BENCH_MODULES = ("bench.pdf", "bench.importing", "bench.public", "bench.generation")

YEARS = (2023, 2024)
YEAR = YEARS[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- generation ------------------------------------------------------------------------------------


def year_filings(*, status: str | None = None) -> list[int]:
    from disclosures.models import Filing

    filings = Filing.objects.filter(fiscal_year__year=YEAR)
    if status:
        filings = filings.filter(status=status)
    return list(filings.order_by("department__code", "kind").values_list("pk", flat=True))


def filings_by_size() -> list[tuple[int, int, str]]:
    """(expense lines, filing pk, kind) of the year's filings, smallest first."""
    from django.db.models import Count

    from disclosures.models import Filing

    rows = Filing.objects.filter(fiscal_year__year=YEAR).annotate(n=Count("expense_lines")).values_list("n", "pk", "kind")
    return sorted(rows)


def queries_per_generation() -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.work import generate_filing

    ordered = [row for row in filings_by_size() if row[2] == "final"]
    found = []
    for label, (lines, pk, _kind) in (("smallest", ordered[0]), ("largest", ordered[-1])):
        with CaptureQueriesContext(connection) as queries:
            result = generate_filing(pk)
        found.append({"filing": label, "expense_lines": lines, "queries": len(queries), "seconds": round(result["seconds"], 2)})
    return found


def python_peak_of_largest() -> dict:
    """tracemalloc's peak of Python allocations while generating the largest filing (in this process)."""
    from bench.work import generate_filing

    lines, pk, _ = filings_by_size()[-1]
    tracemalloc.start()
    generate_filing(pk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"expense_lines": lines, "python_peak_mb": round(peak / 2**20, 1)}


def run_pool(*, name: str, pks: list[int], workers: int, env: dict) -> dict:
    """The same work in `workers` spawned processes (fresh interpreters, like real workers)."""
    from bench.work import run_task, worker_init

    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=worker_init, initargs=(env,)) as pool:
        pool.map(_noop, range(workers))  # start and set up Django before the clock runs
        started = time.perf_counter()
        results = pool.map(run_task, [(name, pk) for pk in pks], chunksize=1)
        wall = time.perf_counter() - started
    return _summary(results, wall, workers, mode="multiprocessing")


def _noop(_):
    return None


def _summary(results: list[dict], wall: float, workers: int, *, mode: str) -> dict:
    seconds = [r["seconds"] for r in results]
    return {
        "mode": mode,
        "workers": workers,
        "filings": len(results),
        "wall_seconds": round(wall, 1),
        "per_filing_mean_s": round(sum(seconds) / len(seconds), 3) if seconds else 0,
        "per_filing_max_s": round(max(seconds), 2) if seconds else 0,
        "filings_per_minute": round(len(results) / wall * 60, 1) if wall else 0,
        "worker_peak_rss_mb": round(max((r.get("maxrss_mb", 0) for r in results), default=0), 1),
    }


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextmanager
def celery_worker(*, workers: int, env: dict, queue: str, include: str | None = None, settle: float = 0) -> Iterator[subprocess.Popen]:
    """A real Celery worker (prefork, `workers` processes) on the broker of CELERY_BROKER_URL, consuming
    `queue` (and importing the module `include`), in a session of its own: started and answering pings (then
    `settle` seconds more) before the block runs, stopped with its processes when it ends (SIGTERM, SIGKILL
    after 30 s). Yields the worker's main process."""
    celery = Path(sys.executable).parent / "celery"
    command = [str(celery), "-A", "config", "worker", *(["-I", include] if include else []), "-Q", queue, "-c", str(workers)]
    command += ["--pool", "prefork", "--loglevel", "WARNING", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h"]
    process = subprocess.Popen(
        command, env={**os.environ, **env}, cwd=str(bench_env.ROOT), start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        from config.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not app.control.ping(timeout=1):
            time.sleep(0.5)
        time.sleep(settle)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def jobs_ended(jobs, *, started: float, timeout: float, poll: float = 0.1) -> float:
    """Wait until every job of `jobs` (a queryset) is done or failed, or `timeout` seconds from `started`
    (a perf_counter reading) have passed; returns the seconds since `started`."""
    from jobs.models import Job

    while time.perf_counter() - started < timeout and jobs.exclude(status__in=[Job.Status.DONE, Job.Status.FAILED]).exists():
        time.sleep(poll)
    return time.perf_counter() - started


def run_celery(*, pks: list[int], workers: int, env: dict, timeout: float = 3600) -> dict:
    """Real Celery workers (prefork, `workers` processes) on the broker of CELERY_BROKER_URL, fed
    through the app's job plumbing (job_enqueue → claim → finish), on a queue of their own."""
    from jobs.models import Job
    from jobs.services import job_enqueue
    from disclosures.models import Filing
    from bench import tasks

    with celery_worker(workers=workers, env=env, queue=tasks.QUEUE, include="bench.tasks") as process:
        batch = f"bench-{uuid.uuid4().hex[:10]}"
        started = time.perf_counter()
        filings = Filing.objects.in_bulk(pks)
        for pk in pks:
            job_enqueue(kind=Job.Kind.GENERATE_FILING, task=tasks.generate_filing, filing=filings[pk], batch=batch)
        jobs = Job.objects.filter(batch=batch)
        wall = jobs_ended(jobs, started=started, timeout=timeout, poll=0.2)
        peak = max((_vm_hwm_mb(pid) for pid in _children(process.pid)), default=0.0)
        results = [j.result for j in jobs if j.status == Job.Status.DONE]
        failed = jobs.filter(status=Job.Status.FAILED).count()
    summary = _summary(results, wall, workers, mode="celery")
    summary["worker_peak_rss_mb"] = round(max(peak, summary["worker_peak_rss_mb"]), 1)
    summary["failed"] = failed
    return summary


# --- public pages ----------------------------------------------------------------------------------


def public_pages(published: list[int]) -> list[tuple[str, str]]:
    pages = [("home", "/"), ("year", f"/public/years/{YEAR}/"), ("api_filings", f"/api/filings/?year={YEAR}")]
    pages += [("filing", f"/public/filings/{pk}/") for pk in published]
    pages += [("api_filing", f"/api/filings/{pk}/") for pk in published[: max(1, len(published) // 4)]]
    return pages


def queries_per_page(published: list[int]) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    pk = published[len(published) // 2]
    found = {}
    cache.clear()
    for kind, path in (
        ("home", "/"),
        ("year", f"/public/years/{YEAR}/"),
        ("filing (cold cache)", f"/public/filings/{pk}/"),
        ("filing (cached body)", f"/public/filings/{pk}/"),
        ("api_filings", f"/api/filings/?year={YEAR}"),
        ("api_filing", f"/api/filings/{pk}/"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        found[kind] = {"queries": len(queries), "status": response.status_code}
    return found


# --- stages ----------------------------------------------------------------------------------------


def measure_size(*, size: int, args, env: dict, celery: bool) -> dict:
    from bench.load import PORT, Server, run_load
    from disclosures.models import ExpenseLine, Filing

    result: dict = {"departments": size}
    result["expense_lines_total"] = ExpenseLine.objects.count()
    result["filings_of_year"] = len(year_filings())
    log("  queries per generation (small vs large filing)")
    result["generation_queries"] = queries_per_generation()
    result["largest_filing_python_peak"] = python_peak_of_largest()
    pks = year_filings()
    result["generation"] = []
    for workers in (1, 2):
        log(f"  generating {len(pks)} filings of {YEAR} with {workers} worker(s) ({'celery' if celery else 'multiprocessing'})")
        if celery:
            summary = run_celery(pks=pks, workers=workers, env=env)
        else:
            summary = run_pool(name="generate", pks=pks, workers=workers, env=env)
        result["generation"].append(summary)
        log(f"    {summary['wall_seconds']} s, {summary['filings_per_minute']} filings/min, peak RSS {summary['worker_peak_rss_mb']} MB")
    todo = year_filings(status=Filing.Status.APPROVED)
    log(f"  publishing {len(todo)} new filings (snapshots, 2 processes)")
    result["publish"] = run_pool(name="publish", pks=todo, workers=2, env=env) if todo else None
    published = year_filings(status=Filing.Status.PUBLISHED)
    result["public_queries"] = queries_per_page(published)
    log(f"  load test on 127.0.0.1:{PORT}")
    with Server(env=env, workers=2, port=PORT):
        load = run_load(
            port=PORT,
            pages=public_pages(published),
            threads=args.threads,
            max_requests=args.max_requests,
            max_seconds=args.max_seconds,
        )
    result["public_load"] = load.summary()
    log(
        f"    p50 {result['public_load']['p50_ms']} ms, p95 {result['public_load']['p95_ms']} ms, "
        f"{result['public_load']['throughput_rps']} req/s, errors {result['public_load']['errors']}"
    )
    return result


def import_child(rows: int, *, floor: bool) -> None:
    from django.test.utils import setup_test_environment

    from bench.importing import run_import

    bench_env.fresh_database()
    setup_test_environment()  # the test client then exposes the view's context (the staging token)
    (bench_env.OUT / "staging").mkdir(parents=True, exist_ok=True)
    print(json.dumps(run_import(rows=rows, workdir=bench_env.OUT, floor=floor)), flush=True)


# --- report ----------------------------------------------------------------------------------------


def growth_rows(sizes: list[dict]) -> list[tuple[str, list[str]]]:
    def gen(s, workers, key):
        return next((g[key] for g in s["generation"] if g["workers"] == workers), "")

    return [
        ("expense lines (county, 2 years)", [f"{s['expense_lines_total']:,}" for s in sizes]),
        ("filings generated (year)", [str(s["filings_of_year"]) for s in sizes]),
        ("queries: small filing generation", [str(s["generation_queries"][0]["queries"]) for s in sizes]),
        ("queries: large filing generation", [str(s["generation_queries"][1]["queries"]) for s in sizes]),
        ("generate year, 1 worker (s)", [str(gen(s, 1, "wall_seconds")) for s in sizes]),
        ("generate year, 2 workers (s)", [str(gen(s, 2, "wall_seconds")) for s in sizes]),
        ("filings/min, 2 workers", [str(gen(s, 2, "filings_per_minute")) for s in sizes]),
        ("worker peak RSS, MB", [str(max(g["worker_peak_rss_mb"] for g in s["generation"])) for s in sizes]),
        ("largest filing: Python peak, MB", [str(s["largest_filing_python_peak"]["python_peak_mb"]) for s in sizes]),
        ("publish snapshots (s, new filings)", [str(s["publish"]["wall_seconds"]) if s["publish"] else "—" for s in sizes]),
        ("queries: public filing page", [str(s["public_queries"]["filing (cached body)"]["queries"]) for s in sizes]),
        ("queries: public year page", [str(s["public_queries"]["year"]["queries"]) for s in sizes]),
        ("public p50 (ms)", [str(s["public_load"]["p50_ms"]) for s in sizes]),
        ("public p95 (ms)", [str(s["public_load"]["p95_ms"]) for s in sizes]),
        ("public throughput (req/s)", [str(s["public_load"]["throughput_rps"]) for s in sizes]),
    ]


def markdown(report: dict) -> str:
    sizes = report["sizes"]
    head = "| figure | " + " | ".join(f"{s['departments']} depts" for s in sizes) + " |"
    lines: list[str] = [
        "# Gongkai county benchmark",
        "",
        f"Machine: {report['machine']['cpus']} CPUs, {report['machine']['memory_gib']} GiB; database {report['database']}; "
        f"workers: {report['worker_mode']}; total {report['total_seconds']} s; load average at start/end "
        f"{report['machine']['load_average_at_start']} / {report['machine'].get('load_average_at_end')}.",
        "",
    ]
    if sizes and "generation" in sizes[0]:
        lines += [head, "|" + "---|" * (len(sizes) + 1)]
        lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in growth_rows(sizes)]
        lines += ["", "## Public pages (largest size)", "", "| page | n | p50 ms | p95 ms |", "|---|---|---|---|"]
        for page, v in sizes[-1]["public_load"]["by_page"].items():
            lines.append(f"| {page} | {v['n']} | {v['p50_ms']} | {v['p95_ms']} |")
        lines += ["", "SQL queries per public page: " + ", ".join(f"{k} {v['queries']}" for k, v in sizes[-1]["public_queries"].items())]
    if report.get("benches"):
        lines += [
            "",
            "## Figures beside their floors (same run)",
            "",
            table([(name, Row(**{k: v for k, v in row.items() if k != "ratio"})) for name, row in report["benches"]]),
        ]
    return "\n".join(lines) + "\n"


def print_growth(report: dict) -> None:
    sizes = report["sizes"]
    width = max(len(label) for label, _ in growth_rows(sizes)) + 2
    print("\n" + "figure".ljust(width) + "".join(f"{s['departments']:>12}" for s in sizes))
    for label, values in growth_rows(sizes):
        print(label.ljust(width) + "".join(f"{v:>12}" for v in values))


def run_benches(*, names: list[str], context: Context) -> list[tuple[str, Row]]:
    rows: list[tuple[str, Row]] = []
    for name in names:
        log(f"bench {name}: {BENCHES[name].description}")
        try:
            found = BENCHES[name].function(context)
        except Exception as error:  # a failing bench is reported as a missed figure, the others still run
            found = [Row(" ".join(f"failed: {type(error).__name__}: {error}".split())[:300], None, goal_value=0)]
        for row in found:
            ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
            log(f"  {row.figure}: {row.value} {row.unit} (floor {row.floor} {row.unit}: {ratio}; goal {row.goal_text() or '—'})")
        rows += [(name, row) for row in found]
    return rows


def print_benches(rows: list[tuple[str, Row]]) -> None:
    print("\n" + table(rows))
    missed = [text for _, row in rows for text in row.missed()]
    print("\ngoals missed:\n  " + "\n  ".join(missed) if missed else "\nevery goal met")


def main() -> None:
    import importlib

    for module in BENCH_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run: 5 and 12 departments, short load, 5,000-row import")
    parser.add_argument("--sizes", default="", help="comma-separated county sizes (default 30,100,300)")
    parser.add_argument("--import-rows", default="", help="comma-separated import sizes (default 5000,50000)")
    parser.add_argument("--bench", default="", help=f"comma-separated benches to run (default all): county, {', '.join(BENCHES)}")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure misses its goal of issue #13")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF bench")
    parser.add_argument("--no-import-floor", action="store_true", help="skip the plain django-import-export import (it takes minutes at 50,000 rows)")
    parser.add_argument("--threads", type=int, default=4, help="load-test client threads (2 per server worker)")
    parser.add_argument("--max-requests", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=0)
    parser.add_argument("--stage", choices=["main", "import"], default="main", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{bench_env.OUT / f'import-{args.rows}.sqlite3'}" if args.stage == "import" else bench_env.default_database_url()
    )
    env = bench_env.configure(database_url=database_url)
    bench_env.setup()
    if args.stage == "import":
        import_child(args.rows, floor=args.floor)
        return

    selected = [x for x in args.bench.split(",") if x] or ["county", *BENCHES]
    if args.no_pdf:
        selected = [x for x in selected if x != "pdf"]
    unknown = [x for x in selected if x != "county" and x not in BENCHES]
    if unknown:
        raise SystemExit(f"unknown bench {unknown}: choose from county, {', '.join(BENCHES)}")
    names = [x for x in selected if x != "county"]
    county_stages = "county" in selected
    needs_county = county_stages or any(BENCHES[x].needs_county for x in names)
    sizes = [int(x) for x in (args.sizes or ("5,12" if args.quick else "30,100,300")).split(",")] if needs_county else []
    args.import_rows = [int(x) for x in (args.import_rows or ("2000,5000" if args.quick else "5000,50000")).split(",")]
    args.max_requests = args.max_requests or (400 if args.quick else 3000)
    args.max_seconds = args.max_seconds or (6 if args.quick else 20)
    celery = bool(os.environ.get("CELERY_BROKER_URL"))
    if celery:
        env["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"]

    from bench.synth import build_county

    begun = time.perf_counter()
    log(f"database {database_url}; worker mode: {'celery on ' + env['CELERY_BROKER_URL'] if celery else 'multiprocessing pool'}")
    bench_env.fresh_database()
    report: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "database": database_url.split("@")[-1],
        "worker_mode": "celery (Redis)" if celery else "multiprocessing pool (set CELERY_BROKER_URL for real Celery workers)",
        "sizes": [],
    }
    done = 0
    for size in sizes:
        log(f"county of {size} departments: adding departments {done}..{size - 1}")
        started = time.perf_counter()
        info = build_county(start=done, stop=size, years=YEARS)
        built = time.perf_counter() - started
        done = size
        log(f"  built in {built:.1f} s: {info.as_dict()}")
        if not county_stages:
            continue
        measured = measure_size(size=size, args=args, env=env, celery=celery)
        measured["build_seconds"] = round(built, 1)
        report["sizes"].append(measured)
    context = Context(args=args, env=env, quick=args.quick)
    rows = run_benches(names=names, context=context)
    report["benches"] = [(name, row.as_dict()) for name, row in rows]
    report["bench_details"] = context.details
    report["total_seconds"] = round(time.perf_counter() - begun, 1)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    (bench_env.OUT / "results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (bench_env.OUT / "results.md").write_text(markdown(report), encoding="utf-8")
    if report["sizes"]:
        print_growth(report)
    print_benches(rows)
    print(f"\nwritten: {bench_env.OUT / 'results.json'} and results.md ({report['total_seconds']} s)")
    print(f"load average at start/end: {report['machine']['load_average_at_start']} / {report['machine']['load_average_at_end']}")
    if args.check and any(row.missed() for _, row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
