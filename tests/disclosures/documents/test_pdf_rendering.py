"""The disclosure PDF is printed by headless Chromium from the document HTML (issue #13): the print CSS of
the document still makes the published layout (portrait 说明 pages, landscape table pages, 第 X 页 共 N 页
in every footer, a long table's header repeated on each of its pages, the 草稿 mark only on drafts), the
Chinese text can be extracted, the printed copy runs no script and fetches nothing, and a missing or failing
Chromium fails with a message that says what to do."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from weasyprint import HTML

from disclosures.models import Filing
from disclosures.services import workflow
from disclosures.tables import compute_tables, pdf
from disclosures.tables.html import render_document_html
from jobs.models import Job

pytestmark = pytest.mark.django_db

TBODY = re.compile(r"(<tbody>)(.*?)(</tbody>)", re.S)


def _pages(document: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=document, capture_output=True, check=True).stdout.decode()
    return text.split("\f")[:-1]


def _page_sizes(document: bytes) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", "-"], input=document, capture_output=True, check=True).stdout.decode()
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def _long_document(filing) -> str:
    """The filing's real document with the first table's body rows repeated until it runs over several pages."""
    html = render_document_html(filing=filing, tables=compute_tables(filing=filing)[:1])
    return TBODY.sub(lambda m: m.group(1) + m.group(2) * 40 + m.group(3), html, count=1)


@pytest.fixture
def printed(clean_filing):
    html = _long_document(clean_filing)
    return html, pdf.render_pdf(html)


def test_the_pdf_is_printed_by_chromium_with_extractable_chinese_text(printed):
    html, document = printed
    assert document.startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=True).stdout.decode()
    assert "Skia/PDF" in info  # Chromium's PDF writer
    text = "".join(_pages(document))
    assert "部门决算公开" in text or "部门预算公开" in text
    title = re.search(r'<span class="table-title">(.*?)</span>', html).group(1)
    assert title in text


def test_every_page_has_its_number_and_the_page_count_in_the_footer(printed):
    _, document = printed
    pages = _pages(document)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page


def test_table_pages_are_landscape_and_a_long_table_repeats_its_header_on_each_page(printed):
    html, document = printed
    pages, sizes = _pages(document), _page_sizes(document)
    header = re.sub(r"<[^>]+>", "", re.search(r"<thead>.*?<th[^>]*>(.*?)</th>", html, re.S).group(1)).strip()
    table_pages = [i for i, page in enumerate(pages) if "编制单位" in page or header in page]
    first = next(i for i, page in enumerate(pages) if "编制单位" in page)
    continued = list(range(first + 1, len(pages)))
    assert continued, "the repeated rows should run over more than one page"
    for i in [first, *continued]:
        width, height = sizes[i]
        assert width > height, f"page {i + 1} is not landscape"
        assert header in pages[i], f"page {i + 1} lacks the table header {header}"
    assert set(continued) <= set(table_pages)


def _last_rows(document: bytes) -> list[str]:
    """Each page's last line above its footer, its spaces squeezed (the engines space their text apart differently)."""
    rows = []
    for page in _pages(document):
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip() and "页 共" not in line]
        lines = [line for line in lines if not set(line) <= set("草稿 ")]  # the watermark, wherever it is read
        rows.append(lines[-1])
    return rows


def test_a_long_table_breaks_its_pages_at_the_same_rows_as_the_published_tables(printed):
    """WeasyPrint printed the published tables; Chromium draws the .6pt rules 1px wide, which made each page one
    row shorter until the print style gave the rows their height back."""
    html, document = printed
    published = HTML(string=html).write_pdf()
    assert _last_rows(document) == _last_rows(published)


def test_a_draft_carries_the_draft_mark_on_every_page(printed):
    html, document = printed
    assert 'class="draft-watermark"' in html
    for page in _pages(document):
        assert "草稿 · 未经财政局审核，不得公开" in page


def test_the_printed_copy_runs_no_script_and_the_document_html_is_left_as_it_was():
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>表</title></head><body>"
        "<p id='p'>科目名称 1,234.56</p><script>document.getElementById('p').textContent = '脚本运行了';</script>"
        "</body></html>"
    )
    original = str(html)
    text = "".join(_pages(pdf.render_pdf(html)))
    assert "科目名称 1,234.56" in text and "脚本运行了" not in text
    assert html == original
    printed = pdf.print_html(html)
    assert printed.startswith("<!doctype html><html><head>" + pdf.PRINT_POLICY + "<meta charset='utf-8'>")
    assert printed.endswith("<title>表</title>" + pdf.PRINT_STYLE + html[html.index("</head>") :])


def test_a_missing_chromium_says_how_to_install_or_configure_it(settings):
    settings.CHROMIUM = "/nonexistent/chromium"
    with pytest.raises(pdf.PdfRenderingError, match="生成 PDF 需要 Chromium.*CHROMIUM"):
        pdf.render_pdf("<p>表</p>")


def test_a_failing_chromium_fails_with_its_exit_code(settings):
    settings.CHROMIUM = "false"
    with pytest.raises(pdf.PdfRenderingError, match="退出码 1"):
        pdf.render_pdf("<p>表</p>")


CRASHING_IN_ONE_PROCESS = """#!/bin/sh
echo "$*" >> "{log}"
case " $* " in *" --single-process "*) kill -SEGV $$ ;; esac
{crash_always}exec {chromium} "$@"
"""


def _crashing_chromium(tmp_path, *, always: bool) -> tuple[str, list]:
    script, log = tmp_path / "chromium", tmp_path / "calls.log"
    script.write_text(CRASHING_IN_ONE_PROCESS.format(log=log, chromium=shutil.which("chromium"), crash_always="kill -SEGV $$\n" if always else ""))
    script.chmod(0o755)
    return str(script), log


def test_a_single_process_chromium_killed_by_a_signal_is_printed_again_by_the_multi_process_one(settings, tmp_path):
    """Once in a full test run under load, the --single-process Chromium died of SIGSEGV and the PDF job failed."""
    settings.CHROMIUM, log = _crashing_chromium(tmp_path, always=False)
    document = pdf.render_pdf("<!doctype html><html><head><meta charset='utf-8'></head><body><p>科目名称 1,234.56</p></body></html>")
    assert "科目名称 1,234.56" in "".join(_pages(document))
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and "--single-process" in calls[0] and "--single-process" not in calls[1]


WRAPPED_AND_TRAPPED = """#!/bin/sh
echo "$*" >> "{log}"
case " $* " in *" --single-process "*) {chromium} "$@"; sh -c 'kill -TRAP $$'; exit $? ;; esac
exec {chromium} "$@"
"""


def test_a_wrapped_single_process_print_that_dies_of_a_signal_is_printed_again(settings, tmp_path):
    """In a full test run the headless shell wrote the PDF, then died of SIGTRAP as it exited; Debian's
    /usr/bin/chromium-headless-shell runs it without exec, so the job saw exit code 133, not a signal, failed,
    and the publication never became public. A shell's 128 + signal is a signal too: printed again."""
    script, log = tmp_path / "chromium", tmp_path / "calls.log"
    script.write_text(WRAPPED_AND_TRAPPED.format(log=log, chromium=pdf.chromium_command()))
    script.chmod(0o755)
    settings.CHROMIUM = str(script)
    document = pdf.render_pdf("<!doctype html><html><head><meta charset='utf-8'></head><body><p>科目名称 1,234.56</p></body></html>")
    assert "科目名称 1,234.56" in "".join(_pages(document))
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and "--single-process" in calls[0] and "--single-process" not in calls[1]


def test_a_chromium_killed_twice_fails_with_the_signal(settings, tmp_path):
    settings.CHROMIUM, _log = _crashing_chromium(tmp_path, always=True)
    with pytest.raises(pdf.PdfRenderingError, match="退出码 -11"):
        pdf.render_pdf("<p>表</p>")


def test_without_chromium_the_generation_job_fails_with_that_message(settings, clean_filing, accountant, django_capture_on_commit_callbacks):
    settings.CHROMIUM = "/nonexistent/chromium"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.filing_submit(filing=clean_filing, user=accountant)
    job = Job.objects.filter(filing=clean_filing, kind=Job.Kind.GENERATE_FILING).latest("created_at")
    assert job.status == Job.Status.FAILED
    assert "生成 PDF 需要 Chromium" in job.error and "CHROMIUM" in job.error
    assert Filing.objects.get(pk=clean_filing.pk).status == Filing.Status.SUBMITTED
