"""The public pages against their floor (issue #13): `.venv/bin/python bench/public.py [--departments 300]`.

One gunicorn server (2 sync workers on 127.0.0.1, like production's `gunicorn config.wsgi`) serves both
the public pages and a trivial Django view (bench.public_urls: two bytes through the same middleware).
Each page kind is loaded right after a run of the trivial view, and the figures are compared pair by
pair, so the machine's load (other processes on a shared 2-core host) cancels out of the ratios:

- p95 latency: page / trivial, goal ≤ 3;
- throughput: trivial / page, goal ≤ 2.

The county: `--departments` departments (default 300) from bench.synth with the year's budget and final
accounts published (600 filings at 300): the snapshot as `workflow.filing_publish` freezes it, and the
publication's frozen documents stored through `publication_documents_store` with stand-in contents
(rendering 600 PDFs would take an hour; the pages only link to them). The database is kept in
bench/out/public-county.sqlite3 and reused by the next run (`--fresh` rebuilds it). The public cache is
Redis when CACHE_URL is set, else a fresh file cache under bench/out/public-cache.

Load: wrk (Debian package; `.ci/install-debian-packages wrk`) with bench/public_wrk.lua choosing a random
page of the kind for each request, 1 thread and 4 connections; without wrk, bench.load's Python client.
Every request, to the pages and to the trivial view alike, sends `Accept-Encoding: gzip` as browsers do
(BROWSER_HEADERS): the public pages answer it with the gzip copy stored beside each page.
Every page is requested once before its run (cold renders, reported too), so the runs measure the
stored pages that visitors get. Registered as bench "public" of bench/run.py (bench/registry.py), on
run.py's own county.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import env as bench_env
from bench.registry import Context, Row, register

YEAR = 2024
YEARS = (2023, 2024)
PORT = 8106
P95_GOAL = 3.0
THROUGHPUT_GOAL = 2.0
#: What every request of the bench sends, as a browser does (the trivial view ignores it).
BROWSER_HEADERS = {"Accept-Encoding": "gzip"}
STAND_IN = {
    "xlsx": b"PK stand-in workbook (bench)",
    "html": b"<!doctype html><p>stand-in (bench)</p>",
    "pdf": b"%PDF-1.4\n% stand-in (bench)\n%%EOF\n",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the county ------------------------------------------------------------------------------------


def published_year_filings() -> list[int]:
    from disclosures.selectors.public import public_filing_list

    return [row.pk for row in public_filing_list(year=YEAR)]


def publish_year(*, workers: int = 2, env: dict | None = None) -> int:
    """Publish the year's approved filings (snapshots in `workers` processes) and freeze stand-in documents
    for every published filing of the year that has none. Returns the number of filings made public."""
    from disclosures.models import Filing, PublicationDocument
    from disclosures.services.generation import publication_documents_store

    approved = list(Filing.objects.filter(fiscal_year__year=YEAR, status=Filing.Status.APPROVED).values_list("pk", flat=True))
    if approved:
        from bench.run import run_pool

        log(f"  publishing {len(approved)} snapshots ({workers} processes)")
        run_pool(name="publish", pks=approved, workers=workers, env=env or {})
    bare = Filing.objects.filter(fiscal_year__year=YEAR, status=Filing.Status.PUBLISHED).exclude(
        pk__in=PublicationDocument.objects.values("filing_id")
    )
    count = 0
    for filing in bare.select_related("fiscal_year"):
        publication_documents_store(filing=filing, contents=STAND_IN)
        count += 1
    return count


def ensure_county(*, departments: int, fresh: bool, env: dict) -> dict:
    """The county of `departments` with the year published; built only when the database lacks it."""
    from disclosures.models import Department

    if fresh:
        bench_env.fresh_database()
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    have = Department.objects.count()
    started = time.perf_counter()
    if have < departments:
        from bench.synth import build_county

        log(f"building departments {have}..{departments - 1}")
        build_county(start=have, stop=departments, years=YEARS)
    made_public = publish_year(env=env)
    return {
        "departments": Department.objects.count(),
        "published_filings": len(published_year_filings()),
        "made_public": made_public,
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- load ------------------------------------------------------------------------------------------


def page_sets() -> dict[str, list[str]]:
    """Each page kind with the paths a visitor may ask for."""
    from disclosures.selectors.public import public_filing_list

    rows = public_filing_list(year=YEAR)
    codes = sorted({row.department_code for row in rows})
    return {
        "filing": [f"/public/filings/{row.pk}/" for row in rows],
        "year": [f"/public/years/{YEAR}/"],
        "department": [f"/open/departments/{code}/" for code in codes],
        "overview": [
            f"/open/{YEAR}/",
            f"/open/{YEAR}/?kind=final",
            f"/open/{YEAR}/?kind=budget&sort=total&dir=desc",
            f"/open/{YEAR}/?kind=final&sort=three&dir=desc",
        ],
        "home": ["/", "/open/"],
    }


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, float, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1", **BROWSER_HEADERS, **(headers or {})})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started, dict(response.getheaders())
    finally:
        connection.close()


def warm(port: int, paths: list[str]) -> dict:
    """Request every page once (what the first visitor after a publication waits for)."""
    times, statuses = [], {}
    for path in paths:
        status, seconds, _ = _get(port, path)
        statuses[status] = statuses.get(status, 0) + 1
        times.append(seconds)
    times.sort()
    return {"pages": len(paths), "p50_ms": round(times[len(times) // 2] * 1000, 1), "max_ms": round(times[-1] * 1000, 1), "statuses": statuses}


def load(*, port: int, paths: list[str], seconds: float, connections: int, headers: dict | None = None) -> dict:
    headers = {**BROWSER_HEADERS, **(headers or {})}
    if shutil.which("wrk"):
        listing = bench_env.OUT / "public-paths.txt"
        listing.write_text("\n".join(paths) + "\n--\n" + "".join(f"{k}: {v}\n" for k, v in headers.items()), encoding="utf-8")
        script = Path(__file__).resolve().parent / "public_wrk.lua"
        command = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            "--",
            str(listing),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
        found = [line for line in completed.stdout.splitlines() if line.startswith("{")]
        if not found:
            raise RuntimeError(f"wrk failed: {completed.stdout}{completed.stderr}")
        figures = json.loads(found[-1])
        figures["throughput_rps"] = round(figures["requests"] / figures["seconds"], 1)
        figures["client"] = "wrk"
        return figures
    from bench.load import run_load

    result = run_load(
        port=port, pages=[("page", p) for p in paths], threads=connections, max_requests=10**7, max_seconds=seconds, headers=headers
    ).summary()
    return {
        "requests": result["requests"],
        "seconds": result["seconds"],
        "p50_ms": result["p50_ms"],
        "p95_ms": result["p95_ms"],
        "errors": result["errors"],
        "throughput_rps": result["throughput_rps"],
        "client": "python",
    }


def compare(rounds: list[tuple[dict, dict]]) -> dict:
    """(page, trivial) runs taken in turns: p95 is the median of the rounds', throughput is requests over
    seconds of all rounds; each ratio compares the page with the trivial runs beside it."""

    def combined(runs: list[dict]) -> dict:
        p95s = sorted(r["p95_ms"] for r in runs)
        requests, seconds = sum(r["requests"] for r in runs), sum(r["seconds"] for r in runs)
        return {
            "requests": requests,
            "seconds": round(seconds, 2),
            "p50_ms": sorted(r["p50_ms"] for r in runs)[len(runs) // 2],
            "p95_ms": p95s[len(p95s) // 2],
            "throughput_rps": round(requests / seconds, 1) if seconds else 0.0,
            "errors": sum(r["errors"] for r in runs) + sum(r.get("non_2xx_3xx", 0) for r in runs),
            "client": runs[0]["client"],
        }

    page, floor = combined([p for p, _ in rounds]), combined([f for _, f in rounds])
    p95_ratio = page["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else float("inf")
    rps_ratio = floor["throughput_rps"] / page["throughput_rps"] if page["throughput_rps"] else float("inf")
    return {
        "page": page,
        "floor": floor,
        "rounds": len(rounds),
        "p95_ratio": round(p95_ratio, 2),
        "throughput_ratio": round(rps_ratio, 2),
        "ok": p95_ratio <= P95_GOAL and rps_ratio <= THROUGHPUT_GOAL and not page["errors"],
    }


def measure(*, env: dict, port: int = PORT, seconds: float = 3, repeats: int = 3, connections: int = 4) -> dict:
    """Serve the current database's public pages and the trivial view from one gunicorn; each page kind
    is loaded `repeats` times, each time right after a run of the trivial view (see `compare`).
    The year's filings must be public (see ensure_county)."""
    from bench.load import Server

    cache_dir = bench_env.OUT / "public-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.public_settings", "PUBLIC_CACHE_DIR": str(cache_dir)}
    if os.environ.get("CACHE_URL"):
        server_env["CACHE_URL"] = os.environ["CACHE_URL"]
        _flush_redis(os.environ["CACHE_URL"])
    pages = page_sets()
    result: dict = {
        "published_filings": len(pages["filing"]),
        "departments": len(pages["department"]),
        "cache": "redis" if server_env.get("CACHE_URL") else "files",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "pages": {},
    }
    with Server(env=server_env, workers=2, port=port):
        status, _, _ = _get(port, "/bench/trivial/")
        if status != 200:
            raise RuntimeError(f"trivial view answered {status}")
        for kind, paths in pages.items():
            result.setdefault("cold", {})[kind] = warm(port, paths)
        _, _, headers = _get(port, pages["filing"][len(pages["filing"]) // 2])
        runs = [(kind, paths, None) for kind, paths in pages.items()]
        runs.append(("filing (304)", [pages["filing"][len(pages["filing"]) // 2]], {"If-None-Match": headers.get("ETag", "")}))
        for kind, paths, extra in runs:
            rounds = []
            for _ in range(repeats):
                floor = load(port=port, paths=["/bench/trivial/"], seconds=seconds, connections=connections)
                page = load(port=port, paths=paths, seconds=seconds, connections=connections, headers=extra)
                rounds.append((page, floor))
            result["pages"][kind] = entry = compare(rounds)
            page, floor = entry["page"], entry["floor"]
            log(
                f"  {kind:<13} p95 {page['p95_ms']:7.2f} ms vs {floor['p95_ms']:6.2f} ms (×{entry['p95_ratio']:.2f}); "
                f"{page['throughput_rps']:7.1f} vs {floor['throughput_rps']:7.1f} req/s (÷{entry['throughput_ratio']:.2f})"
            )
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["ok"] = all(v["ok"] for v in result["pages"].values())
    return result


@register("public")
def public_bench(context: Context) -> list[Row]:
    """The public pages against a trivial view on the same gunicorn: p95 and time per request (1 / throughput)."""
    publish_year(env=context.env)
    result = measure(env=context.env, seconds=2 if context.quick else 3, repeats=1 if context.quick else 3)
    context.details["public"] = result
    print(table(result), flush=True)
    rows = []
    for kind, v in result["pages"].items():
        page, floor = v["page"], v["floor"]
        label = "trivial view, same server"
        rows.append(Row(f"public {kind} page: p95", page["p95_ms"], floor["p95_ms"], unit="ms", floor_label=label, goal_ratio=P95_GOAL))
        rows.append(
            Row(
                f"public {kind} page: time per request (1 / throughput)",
                1000 / page["throughput_rps"] if page["throughput_rps"] else None,
                1000 / floor["throughput_rps"] if floor["throughput_rps"] else None,
                unit="ms",
                floor_label=label,
                goal_ratio=THROUGHPUT_GOAL,
            )
        )
    return rows


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def table(result: dict) -> str:
    lines = [
        f"Public pages against a trivial view on the same gunicorn (2 workers), {result['published_filings']} published filings, "
        f"{result['departments']} departments, cache: {result['cache']}; load average {result['load_average_at_start']} → {result['load_average_at_end']}",
        "",
        "| page | p95 ms | trivial p95 ms | p95 ratio (goal ≤ 3) | req/s | trivial req/s | throughput ratio (goal ≤ 2) | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, v in result["pages"].items():
        page, floor = v["page"], v["floor"]
        lines.append(
            f"| {kind} | {page['p95_ms']:.2f} | {floor['p95_ms']:.2f} | {v['p95_ratio']:.2f} | {page['throughput_rps']:.0f} | "
            f"{floor['throughput_rps']:.0f} | {v['throughput_ratio']:.2f} | {'ok' if v['ok'] else 'MISSED'} |"
        )
    cold = ", ".join(f"{k} {v['p50_ms']} ms (max {v['max_ms']})" for k, v in result.get("cold", {}).items())
    lines += ["", f"First request of each page after a publication (rendered, then stored), p50: {cold}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--fresh", action="store_true", help="rebuild the county instead of reusing bench/out/public-county.sqlite3")
    parser.add_argument("--seconds", type=float, default=3, help="length of each load run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each page, each beside a run of the trivial view")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{bench_env.OUT / 'public-county.sqlite3'}"
    env = bench_env.configure(database_url=database_url)
    bench_env.setup()
    county = ensure_county(departments=args.departments, fresh=args.fresh, env=env)
    log(f"county: {county}")
    result = measure(env=env, port=args.port, seconds=args.seconds, repeats=args.repeats, connections=args.connections)
    result["county"] = county
    (bench_env.OUT / "public.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    text = table(result)
    (bench_env.OUT / "public.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
