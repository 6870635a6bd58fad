"""Hostile .xlsx files, written as a stream (no bomb is ever held in the test's memory), and a probe that
reads one through the upload reader in a subprocess under an address-space limit (RLIMIT_AS), so a
regression fails the test ("MemoryError"/killed) instead of making the machine swap.

The shapes are those of issue #11: sheet XML inflating to hundreds of MB, `<row/>` spam, a huge
shared-string table, and long cells.
"""

from __future__ import annotations

import base64
import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
STRINGS_TAIL = b"</sst>"


HEADERS_XML = "<si><t>单位</t></si><si><t>支出功能分类科目编码</t></si><si><t>年初预算数（元）</t></si>".encode()


def _base() -> bytes:
    """A real workbook (sheet “支出”) given a shared-string table holding its three headers, as Excel writes it."""
    book = Workbook()
    book.active.title = "支出"
    written = io.BytesIO()
    book.save(written)
    out = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdS" /></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == SHEET:
                content = SHEET_HEAD + header_row() + SHEET_TAIL
            target.writestr(info, content)
        target.writestr(STRINGS, STRINGS_HEAD + HEADERS_XML + STRINGS_TAIL)
    return out.getvalue()


def write_xlsx(path: Path, replace: dict[str, object]) -> Path:
    """The base workbook with members replaced by bytes or by an iterable of byte chunks (streamed)."""
    with zipfile.ZipFile(io.BytesIO(_base())) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename not in replace:  # the base's own parts first, as a real file has them
                target.writestr(info, source.read(info.filename))
        for name, content in replace.items():
            if isinstance(content, bytes):
                target.writestr(name, content)
                continue
            with target.open(name, "w", force_zip64=True) as handle:
                for chunk in content:
                    handle.write(chunk)
    return path


def repeated(head: bytes, unit: bytes, total: int, tail: bytes):
    """head + unit repeated up to `total` bytes + tail, in 1 MB chunks."""
    yield head
    block = unit * max(1, (1024 * 1024) // len(unit))
    written = 0
    while written + len(block) <= total:
        yield block
        written += len(block)
    yield tail


def header_row() -> bytes:
    return b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'


def empty_rows_bomb(path: Path, megabytes: int) -> Path:
    """`<row/>` spam: megabytes of empty row elements after the header (57 MB of it zip to ~57 KB)."""
    return write_xlsx(path, {SHEET: repeated(SHEET_HEAD + header_row(), b"<row/>", megabytes * 1024 * 1024, SHEET_TAIL)})


def cells_bomb(path: Path, megabytes: int) -> Path:
    """Sheet XML of numbered rows with numeric cells (no r attributes), `megabytes` of it."""
    return write_xlsx(
        path,
        {
            SHEET: repeated(
                SHEET_HEAD + header_row(), b"<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>", megabytes * 1024 * 1024, SHEET_TAIL
            )
        },
    )


def shared_strings_bomb(path: Path, megabytes: int) -> Path:
    """A shared-string table of millions of tiny entries after the three header strings."""
    strings = repeated(STRINGS_HEAD + HEADERS_XML, b"<si><t>x</t></si>", megabytes * 1024 * 1024, STRINGS_TAIL)
    return write_xlsx(path, {STRINGS: strings, SHEET: SHEET_HEAD + header_row() + SHEET_TAIL})


def wide_row_bomb(path: Path) -> Path:
    """One cell at the last column and row Excel allows: readers that fill the gaps build 16,384 × 1,048,576 cells."""
    return write_xlsx(path, {SHEET: SHEET_HEAD + header_row() + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + SHEET_TAIL})


def long_text(length: int, seed: int) -> str:
    """Text that does not compress away (a seeded random mix of letters and digits)."""
    return base64.b64encode(random.Random(seed).randbytes(length))[:length].decode()


def long_cells_workbook(path: Path, *, rows: int, length: int) -> Path:
    """`rows` rows whose amount cell holds `length` characters that do not compress away (issue #11: 3,000 × 8,000)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("支出")
    sheet.append(["单位", "支出功能分类科目编码", "年初预算数（元）"])
    for number in range(rows):
        sheet.append(["本级", "2010301", long_text(length, number)])
    book.save(path)
    return path


PROBE = r"""
import json, os, resource, sys, time
limit = int(sys.argv[2]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from disclosures.imports.workbook import WorkbookError, read_sheet_rows, sheet_names
started = time.monotonic()
outcome = {"rows": 0, "error": None}
try:
    names = sheet_names(sys.argv[1])
    for _row in read_sheet_rows(sys.argv[1], sheet=names[0]):
        outcome["rows"] += 1
except WorkbookError as error:
    outcome["error"] = str(error)
except MemoryError:
    outcome["error"] = "MemoryError"
outcome["seconds"] = round(time.monotonic() - started, 2)
# VmHWM is this process's own peak: ru_maxrss would also count the parent's RSS at fork time (Linux
# keeps it across exec), i.e. the whole pytest process.
with open("/proc/self/status") as status:
    outcome["peak_rss_mb"] = round(int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) / 1024, 1)
print(json.dumps(outcome, ensure_ascii=False))
"""


def probe(path: Path, *, memory_mb: int = 600, timeout: int = 60, env: dict | None = None) -> dict:
    """Read `path` as an upload is read, in a subprocess limited to `memory_mb` of address space.

    Returns {"rows", "error", "seconds", "peak_rss_mb"}, or {"error": "killed"/"timeout", ...} when the
    reader broke the limit so hard that the process died or hung.
    """
    environment = {**os.environ, **(env or {})}
    environment.pop("DATABASE_URL", None)
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(path), str(memory_mb)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": "timeout", "seconds": timeout}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": "killed", "returncode": done.returncode, "stderr": done.stderr[-2000:]}
    return json.loads(lines[-1])
