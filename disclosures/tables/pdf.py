"""PDF of the disclosure document: headless Chromium prints the document HTML (issue #13).

WeasyPrint laid the largest filing (3,275 expense lines, 109 pages) out in ~7 s of CPU and ~480 MB, already
its own floor (a plain table of the same cells); Chromium prints the same HTML, with the same print CSS
(@page sizes, named pages, 第 X 页 共 N 页 margin boxes, repeated table headers, the 草稿 watermark), in ~3 s
of CPU. It runs as one short-lived process per document (`--single-process`: the renderer, the layout and
the PDF writer in one process, the least CPU and memory of the ways measured; README, Benchmarks). Its PDF
writer (Skia) embeds the Noto CJK glyphs as Type 3 fonts (it embeds no CFF font): the text keeps its
Unicode map, so it can be searched and copied, but the fonts have no names.

The document is our own escaped HTML and needs nothing from outside: a Content-Security-Policy in its head
stops scripts and every fetch, so the sandbox Chromium cannot have as root or in most containers is not
relied on (`--no-sandbox`). Chromium is found as settings.CHROMIUM (environment variable CHROMIUM; by default
Chromium's headless shell, Debian's `chromium-headless-shell` package, installed by
.ci/install-debian-packages). The headless shell is Chromium's engine without the browser around it: for the
largest filing it printed in 1.05 s and 510 MB at its peak where the whole browser (`chromium`, the same
version, the same flags) took 1.84 s and 781 MB, and a one-line page in 251 MB against 441 MB (README,
Benchmarks). Its pages are the same forms; its text is set a hair wider, so a long paragraph can wrap a word
earlier (136 pages against 134 for that filing).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

# Added to the printed copy only (the HTML document itself is unchanged). First in its head, a
# Content-Security-Policy: no scripts, no fetches. Last in its head, after the document's own styles so that
# they win over them: the fullwidth punctuation keeps its full width, as in the published tables (Chromium
# would otherwise trim 、（ pairs and break the lines of the 说明 elsewhere); backgrounds (the grey header
# cells) are printed; and the rows keep their height. Chromium draws the tables' .6pt (0.8px) rules 1px wide
# (it rounds thin borders up to a whole pixel), which made every row 0.2px taller than in the published
# tables and a page one row shorter: the cells give the 0.2px back in their vertical padding (the paddings of
# templates/disclosures/documents/disclosure.html less .1px at the top and at the bottom), so a page holds
# the same rows as before.
PRINT_POLICY = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
PRINT_STYLE = (
    "<style>html { text-spacing-trim: space-all; print-color-adjust: exact; -webkit-print-color-adjust: exact; }"
    " table.disclosure-table th, table.disclosure-table td, table.form-grid td"
    " { padding-top: calc(2pt - .1px); padding-bottom: calc(2pt - .1px); }"
    " section.wide table.disclosure-table th, section.wide table.disclosure-table td"
    " { padding-top: calc(1.5pt - .1px); padding-bottom: calc(1.5pt - .1px); }</style>"
)
HEAD = re.compile(r"<head\b[^>]*>", re.I)
HEAD_END = re.compile(r"</head\s*>", re.I)

CHROMIUM_FLAGS = (
    "--headless",
    "--single-process",
    "--no-zygote",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
    # A tagged PDF (the accessibility tree written into the file) took 7 s more for the largest filing.
    "--disable-pdf-tagging",
    # No date, title and URL in the margins: the document's own @page boxes print the page numbers.
    "--no-pdf-header-footer",
)


#: Chromium's own process model (a browser process, its renderer and helpers), slower (~6 s of CPU for the
#: largest filing) but the one Chromium supports: `--single-process` is a debugging mode, and once in a full
#: test run under load its process died of SIGSEGV, and the headless shell at times dies of SIGTRAP as it exits
#: after writing the PDF. A document whose single-process print is killed by a signal is printed again this way.
MULTI_PROCESS_FLAGS = tuple(flag for flag in CHROMIUM_FLAGS if flag not in ("--single-process", "--no-zygote"))


class PdfRenderingError(RuntimeError):
    """Chromium is missing, failed or wrote no PDF; the message says which (in Chinese, for the job page)."""


def chromium_command() -> str:
    """The Chromium executable, or PdfRenderingError saying how to install or configure it."""
    found = shutil.which(settings.CHROMIUM)
    if not found:
        raise PdfRenderingError(
            f"生成 PDF 需要 Chromium，但找不到 “{settings.CHROMIUM}”：请安装 Debian 软件包 chromium-headless-shell"
            "（bash .ci/install-debian-packages），或用环境变量 CHROMIUM 指定其路径。"
        )
    return found


def print_html(html: str) -> str:
    """The copy of the document Chromium prints: PRINT_POLICY first in its head, PRINT_STYLE last."""
    start, end = HEAD.search(html), HEAD_END.search(html)
    if start is None or end is None or end.start() < start.end():
        return f"<head>{PRINT_POLICY}{PRINT_STYLE}</head>{html}"
    return f"{html[: start.end()]}{PRINT_POLICY}{html[start.end() : end.start()]}{PRINT_STYLE}{html[end.start() :]}"


def render_pdf(html: str) -> bytes:
    """The PDF of a whole HTML document, printed by a fresh headless Chromium in a temporary directory."""
    command = chromium_command()
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as work:
        folder = Path(work)
        source, target = folder / "document.html", folder / "document.pdf"
        source.write_text(print_html(html), encoding="utf-8")
        completed = _print(command, CHROMIUM_FLAGS, folder=folder, profile="profile", source=source, target=target)
        if _killed_by_signal(completed.returncode):
            target.unlink(missing_ok=True)
            completed = _print(command, MULTI_PROCESS_FLAGS, folder=folder, profile="profile-retry", source=source, target=target)
        if completed.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            detail = completed.stderr.decode("utf-8", "replace").strip()[-1500:]
            raise PdfRenderingError(f"Chromium 未能生成 PDF（退出码 {completed.returncode}）：{detail}")
        return target.read_bytes()


def _killed_by_signal(returncode: int) -> bool:
    """A negative code is the signal that killed the process; 128 + the signal is what a shell that ran it
    without exec returns (Debian's /usr/bin/chromium-headless-shell is such a script: SIGTRAP is 133)."""
    return returncode < 0 or returncode > 128


def _print(command: str, flags: tuple[str, ...], *, folder: Path, profile: str, source: Path, target: Path) -> subprocess.CompletedProcess:
    arguments = [command, *flags, f"--user-data-dir={folder / profile}", f"--print-to-pdf={target}", source.as_uri()]
    try:
        return subprocess.run(arguments, capture_output=True, timeout=settings.PDF_TIMEOUT_SECONDS, cwd=folder, check=False)
    except subprocess.TimeoutExpired as error:
        raise PdfRenderingError(f"Chromium 在 {settings.PDF_TIMEOUT_SECONDS} 秒内未能生成 PDF。") from error
