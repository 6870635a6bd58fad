"""The largest filing's PDF beside its floor (issue #13), each in a fresh process of its own.

- figure: the whole disclosure of the county's largest final account (说明, tables, performance forms) as
  generation prints it, `disclosures.tables.pdf.render_pdf` on the document HTML (headless Chromium);
- floor: the same engine printing one plain HTML table holding the same cell texts, row by row (no classes,
  no spans, one border rule), so the same text is shaped and laid out in cells;
- engine: the same engine printing a one-line page, what Chromium needs before any document;
- before: WeasyPrint 70 (the engine until issue #13) on the same document, its collector paused as it was.

Each child reports wall-clock and CPU seconds (its own and its children's: Chromium runs as a child; CPU is
what a loaded machine distorts least) and the peak RSS of its whole process tree (sampled every 20 ms: the
Python process, Django, and Chromium with its binary's and fonts' pages), split at the peak into anonymous
memory and file pages. Goals: under 4 s and under 300 MB.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.registry import Context, Row, register

CELL = re.compile(r"<t([dh])\b[^>]*>(.*?)</t[dh]>", re.S)
ROW = re.compile(r"<tr\b.*?</tr>", re.S)
#: the engine's own floor: Chromium started, a page laid out and printed, nothing of the document
ONE_LINE = "<!doctype html><html><head><meta charset='utf-8'></head><body><p>公开</p></body></html>"
PLAIN_STYLE = (
    "@page { size: A4 landscape; margin: 15mm 12mm } body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 9pt } "
    "table { border-collapse: collapse; width: 100% } td { border: .6pt solid #000; padding: 2pt 4pt }"
)


def plain_table(document: str) -> tuple[str, int]:
    """One plain table with the document's table cells, row by row; and the number of cells."""
    rows = []
    cells = 0
    for row in ROW.findall(document):
        texts = [text for _, text in CELL.findall(row)]
        cells += len(texts)
        rows.append("<tr>" + "".join(f"<td>{text}</td>" for text in texts) + "</tr>")
    page = f"<!doctype html><html><head><meta charset='utf-8'><style>{PLAIN_STYLE}</style></head><body><table>{''.join(rows)}</table></body></html>"
    return page, cells


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Chromium's own helpers, if any)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


#: what /proc/<pid>/status says of a process's resident memory: all of it, anonymous (heap), and file pages (the
#: binary's code and the fonts, in the page cache, shared with any other process that maps them)
RSS_FIELDS = ("VmRSS", "RssAnon", "RssFile")


def _tree_rss_mb() -> dict[str, float]:
    total = dict.fromkeys(RSS_FIELDS, 0)
    for pid in _tree(os.getpid()):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                name = line.split(":", 1)[0]
                if name in total:
                    total[name] += int(line.split()[1])
        except OSError:
            pass
    return {name: kb / 1024 for name, kb in total.items()}


class TreePeak:
    """The largest sum of RSS over this process and its descendants (and, at that moment, its anonymous and file
    parts), sampled in a thread while the block runs."""

    def __init__(self) -> None:
        self.peak = 0.0
        self.at_peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            now = _tree_rss_mb()
            if now["VmRSS"] > self.peak:
                self.peak, self.at_peak = now["VmRSS"], now
            self._stop.wait(0.02)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child(kind: str, path: Path) -> dict:
    """In a fresh process: print the HTML file and report time, CPU and peak memory of the process tree."""
    from bench import env as bench_env

    bench_env.setup()
    from disclosures.collector import collection_paused
    from disclosures.tables.pdf import render_pdf

    def weasyprint(html: str) -> bytes:
        from weasyprint import HTML  # only in the "before" child: its import alone adds to the process's memory

        with collection_paused():
            return HTML(string=html).write_pdf()

    engine = weasyprint if kind == "before" else render_pdf
    engine("<p>预热</p>")  # fonts loaded (WeasyPrint) or Chromium's files in the page cache, before the clock
    document = path.read_text(encoding="utf-8")
    cpu = _cpu_seconds()
    started = time.perf_counter()
    with TreePeak() as memory:
        pdf = engine(document)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return {
        "kind": kind,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(max(memory.peak, _status_mb("VmHWM")), 1),
        "at_peak_anon_mb": round(memory.at_peak.get("RssAnon", 0), 1),
        "at_peak_file_mb": round(memory.at_peak.get("RssFile", 0), 1),
        "bytes": len(pdf),
        "pages": pages,
    }


def _run_child(kind: str, path: Path, env: dict) -> dict:
    command = [sys.executable, str(Path(__file__)), "--child", kind, str(path)]
    completed = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=1800)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode or not lines:
        raise RuntimeError(f"PDF bench child {kind} failed: {(completed.stderr or completed.stdout)[-2000:]}")
    return json.loads(lines[-1])


def largest_final_filing() -> tuple[int, int]:
    """(expense lines, pk) of the year's largest final account."""
    from django.db.models import Count

    from disclosures.models import Filing

    rows = Filing.objects.filter(kind=Filing.Kind.FINAL).annotate(n=Count("expense_lines")).values_list("n", "pk")
    return max(rows)


def document_html(filing_pk: int) -> str:
    """The HTML generation prints to PDF (tables, 说明, performance forms), built the way generation builds it."""
    from disclosures.models import Filing
    from disclosures.services.generation import filing_render_documents

    filing = Filing.objects.select_related("department", "fiscal_year").get(pk=filing_pk)
    return filing_render_documents(filing=filing, formats=("html",)).contents["html"].decode("utf-8")


@register("pdf")
def pdf_bench(context: Context) -> list[Row]:
    """The largest filing's PDF against Chromium printing a plain table of the same cells, and WeasyPrint on the same document."""
    from bench import env as bench_env

    lines, pk = largest_final_filing()
    document = document_html(pk)
    floor_html, cells = plain_table(document)
    filing_path = bench_env.OUT / "pdf-largest.html"
    floor_path = bench_env.OUT / "pdf-floor.html"
    filing_path.write_text(document, encoding="utf-8")
    floor_path.write_text(floor_html, encoding="utf-8")
    figure = _run_child("filing", filing_path, context.env)
    floor = _run_child("floor", floor_path, context.env)
    one_line = bench_env.OUT / "pdf-one-line.html"
    one_line.write_text(ONE_LINE, encoding="utf-8")
    engine = _run_child("engine", one_line, context.env)
    before = _run_child("before", filing_path, context.env)
    context.details["pdf"] = {"expense_lines": lines, "cells": cells, "filing": figure, "floor": floor, "engine": engine, "before": before}
    label = f"Chromium, plain table, {cells:,} cells"
    name = f"largest filing's PDF ({lines:,} lines, {figure['pages']} pages)"
    was = f"WeasyPrint 70, {before['pages']} pages"
    return [
        Row(f"{name}: wall", figure["seconds"], floor["seconds"], "s", label, goal_value=4),
        Row(f"{name}: CPU", figure["cpu_seconds"], floor["cpu_seconds"], "s", label),
        Row(f"{name}: peak RSS (process tree)", figure["peak_rss_mb"], floor["peak_rss_mb"], "MB", label, goal_value=300),
        Row(
            f"{name}: peak RSS, anonymous / file pages",
            figure["at_peak_anon_mb"],
            figure["at_peak_file_mb"],
            "MB",
            "file pages (Chromium's binary, fonts) at the peak",
        ),
        Row("Chromium printing a one-line page: peak RSS", engine["peak_rss_mb"], floor["peak_rss_mb"], "MB", label),
        Row(
            "Chromium printing a one-line page: anonymous / file pages",
            engine["at_peak_anon_mb"],
            engine["at_peak_file_mb"],
            "MB",
            "file pages (Chromium's binary, fonts) at the peak",
        ),
        Row(f"{name}: PDF size", round(figure["bytes"] / 1e6, 2), round(floor["bytes"] / 1e6, 2), "MB", label),
        Row(f"{name}: wall, before (WeasyPrint)", before["seconds"], figure["seconds"], "s", "Chromium, same document"),
        Row(f"{name}: CPU, before (WeasyPrint)", before["cpu_seconds"], figure["cpu_seconds"], "s", "Chromium, same document"),
        Row(f"{name}: peak RSS, before (WeasyPrint)", before["peak_rss_mb"], figure["peak_rss_mb"], "MB", "Chromium, same document"),
        Row(f"{name}: PDF size, before ({was})", round(before["bytes"] / 1e6, 2), round(figure["bytes"] / 1e6, 2), "MB", "Chromium, same document"),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]))), flush=True)
    else:
        raise SystemExit("run through bench/run.py --bench pdf")
