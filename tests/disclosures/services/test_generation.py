"""Generating a filing's documents: real xlsx/HTML/PDF, swapped in whole, replaced on regeneration."""

import io
import shutil
import subprocess

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from django.db.models import F

from disclosures.models import Filing, FilingDocument
from jobs.models import Job
from disclosures.services import generation
from disclosures.services.generation import filing_generate_documents
from disclosures.tables.html import is_draft_document
from disclosures import tasks
from disclosures.tasks import generate_filing_documents
from tests.disclosures.seed003 import build_seed_003
from tests.disclosures.workflow_fixtures import STAND_IN_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def filing(db):
    return build_seed_003()


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def read(document: FilingDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_generates_xlsx_html_and_pdf(filing):
    result = filing_generate_documents(filing=filing)
    assert result["tables"] == 9
    assert result["empty_tables"] == ["政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表"]
    documents = {d.format: d for d in filing.documents.all()}
    assert set(documents) == {"xlsx", "html", "pdf"}

    workbook = load_workbook(io.BytesIO(read(documents["xlsx"])))
    assert len(workbook.sheetnames) == 9

    html = read(documents["html"]).decode()
    assert "茂县信访局2019年部门决算公开" in html and "382.31" in html

    pdf = read(documents["pdf"])
    assert pdf.startswith(b"%PDF") and documents["pdf"].size == len(pdf)
    text = pdf_text(pdf)
    # the text layer holds the Chinese of both the 说明 and the tables
    assert "茂县信访局2019年部门决算公开" in text
    assert "一般公共预算财政拨款支出决算表" in text and "本表无数据" in text
    assert "382.31" in text and "173.67" in text
    if result["sections"]:
        assert "收入支出决算总体情况" in text


def test_pdf_page_renders_with_glyphs(filing, tmp_path):
    filing_generate_documents(filing=filing, formats=["pdf"])
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(read(filing.documents.get(format="pdf")))
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    # Chromium writes the Noto CJK (CFF) glyphs as Type 3 fonts: every one embedded, so the glyphs print
    # anywhere, and each with its Unicode map, so the text can be searched and copied
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout.decode().splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" and line.split()[-3] == "yes" for line in fonts), fonts
    assert png.stat().st_size > 2000


def test_regenerating_replaces_the_files(filing, django_capture_on_commit_callbacks):
    """The swap does not depend on the format: the fast ones show it without two PDF renderings."""
    fast = generation.FAST_FORMATS
    filing_generate_documents(filing=filing, formats=fast)
    first = {d.format: (d.pk, d.file.name) for d in filing.documents.all()}
    with django_capture_on_commit_callbacks(execute=True):
        filing_generate_documents(filing=filing, formats=fast)
    second = {d.format: (d.pk, d.file.name) for d in filing.documents.all()}
    assert filing.documents.count() == 2
    for format, (pk, name) in first.items():
        assert second[format][0] == pk and second[format][1] != name
        assert not default_storage.exists(name) and default_storage.exists(second[format][1])


def test_a_crash_keeps_the_previous_documents(filing, monkeypatch):
    filing_generate_documents(filing=filing, formats=generation.FAST_FORMATS)
    before = {d.format: d.file.name for d in filing.documents.all()}
    files_before = set(default_storage.listdir("filings/2019")[1])
    calls = []
    real_save = default_storage.save

    def save_then_fail(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 2:  # the HTML, after the workbook was written
            raise OSError("disk full")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(generation.default_storage, "save", save_then_fail)
    with pytest.raises(OSError):
        filing_generate_documents(filing=filing, formats=generation.FAST_FORMATS)
    assert {d.format: d.file.name for d in filing.documents.all()} == before
    assert set(default_storage.listdir("filings/2019")[1]) == files_before  # the new workbook was removed


def test_task_claims_the_job_and_records_progress(filing):
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, params={"formats": ["xlsx", "html"]})
    generate_filing_documents.delay(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.progress == 100
    assert job.result["tables"] == 9 and set(job.result["documents"]) == {"xlsx", "html"}
    assert set(filing.documents.values_list("job", flat=True)) == {job.pk}
    # a second delivery of the same message does nothing
    generate_filing_documents.delay(job.pk)
    job.refresh_from_db()
    assert job.attempts == 1


def test_generate_year_queues_the_fast_formats_of_every_filing_before_the_pdfs(filing, django_capture_on_commit_callbacks):
    other = build_seed_003(department_code="513223099", name="茂县教育局")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = tasks.generate_year(fiscal_year=filing.fiscal_year).batch
    jobs = list(Job.objects.filter(batch=batch).order_by("id"))  # created, and enqueued, in this order
    assert [(j.filing_id, j.params["formats"]) for j in jobs] == [
        (filing.pk, ["xlsx", "html"]),
        (other.pk, ["xlsx", "html"]),
        (filing.pk, ["pdf"]),
        (other.pk, ["pdf"]),
    ]
    assert len(callbacks) == 1 and all(j.status == Job.Status.QUEUED for j in jobs)  # one send of the batch, in this order


def test_formats_builds_only_those_and_leaves_the_others(filing, django_capture_on_commit_callbacks):
    result = filing_generate_documents(filing=filing, formats=["html", "xlsx"])
    assert result["formats"] == ["xlsx", "html"] and set(result["documents"]) == {"xlsx", "html"}
    assert set(filing.documents.values_list("format", flat=True)) == {"xlsx", "html"}
    fast = {d.format: d.file.name for d in filing.documents.all()}
    assert "382.31" in read(filing.documents.get(format="html")).decode()

    with django_capture_on_commit_callbacks(execute=True):
        result = filing_generate_documents(filing=filing, formats=["pdf"])
    assert set(result["documents"]) == {"pdf"} and result["tables"] == 9
    after = {d.format: d.file.name for d in filing.documents.all()}
    assert {f: after[f] for f in fast} == fast and all(default_storage.exists(name) for name in after.values())
    assert "382.31" in pdf_text(read(filing.documents.get(format="pdf")))


@pytest.mark.parametrize("formats", [[], ["docx"], ["pdf", "csv"]])
def test_unknown_or_no_formats_are_refused(filing, formats):
    with pytest.raises(ValueError):
        filing_generate_documents(filing=filing, formats=formats)
    assert not filing.documents.exists()


def test_progress_follows_the_steps_of_the_requested_formats(filing, monkeypatch):
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, status=Job.Status.RUNNING)
    reported = []
    monkeypatch.setattr(generation, "job_progress", lambda job_id, percent, message: reported.append((percent, message)))
    monkeypatch.setattr(generation, "PROGRESS_SECONDS", 0)  # every step as slow as the interval
    filing_generate_documents(filing=filing, job=job, formats=generation.FAST_FORMATS)
    assert [m for _, m in reported] == ["计算公开表", "起草说明", "生成 Excel 表格", "生成 HTML", "保存文件"]
    percents = [p for p, _ in reported]
    assert percents == sorted(set(percents)) and percents[0] == 5 and percents[-1] < 100

    # the PDF's share of the bar is most of it: a whole-filing job reaches the PDF step early
    plan = generation._steps(generation.ALL_FORMATS)
    pdf_start = 5 + 90 * sum(generation.STEP_COST[s] for s in plan[: plan.index("pdf")]) // sum(generation.STEP_COST[s] for s in plan)
    assert plan == ["tables", "sections", "xlsx", "html", "pdf", "save"] and pdf_start < 40


def test_a_quick_job_writes_no_progress_but_the_pdf_step(filing, monkeypatch):
    """A county's year is hundreds of jobs of a fraction of a second each: their steps are not written to the
    job's row one by one (an UPDATE each, before a polling bar could show them); the PDF's start, seconds
    before its end, is."""
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, status=Job.Status.RUNNING)
    reported = []
    monkeypatch.setattr(generation, "job_progress", lambda job_id, percent, message: reported.append(message))
    monkeypatch.setattr(generation, "PROGRESS_SECONDS", 3600)
    filing_generate_documents(filing=filing, job=job, formats=generation.FAST_FORMATS)
    assert reported == []
    monkeypatch.setattr(generation, "render_pdf", lambda html: STAND_IN_PDF)
    filing_generate_documents(filing=filing, job=job, formats=generation.PDF_ONLY)
    assert reported == ["生成 PDF"]


def test_task_builds_the_formats_of_its_job(filing):
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, params={"formats": ["xlsx"]})
    generate_filing_documents.delay(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["formats"] == ["xlsx"]
    assert list(filing.documents.values_list("format", flat=True)) == ["xlsx"]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (libreoffice-calc-nogui) is not installed")
def test_libreoffice_opens_the_workbook(filing, tmp_path):
    filing_generate_documents(filing=filing, formats=["xlsx"])
    xlsx = tmp_path / "tables.xlsx"
    xlsx.write_bytes(read(filing.documents.get(format="xlsx")))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = pdf_text((tmp_path / "tables.pdf").read_bytes())
    assert "2019年一般公共预算财政拨款支出决算表" in text and "编制单位：茂县信访局" in text


def test_a_second_year_run_skips_the_filings_whose_data_did_not_change(filing, django_capture_on_commit_callbacks):
    """Issue #13: every county-wide run rebuilt every filing's documents, changed or not."""
    other = build_seed_003(department_code="513223099", name="茂县教育局")
    for each in (filing, other):
        filing_generate_documents(filing=each, formats=["xlsx", "html"])
    assert set(FilingDocument.objects.values_list("data_revision", "draft")) == {(0, True)}

    with django_capture_on_commit_callbacks(execute=False):
        queued = tasks.generate_year(fiscal_year=filing.fiscal_year, formats=["xlsx", "html"])
    assert (queued.queued, queued.unchanged) == (0, 2) and not Job.objects.filter(batch=queued.batch).exists()

    # the data of one filing changes: only that one is rebuilt
    Filing.objects.filter(pk=other.pk).update(data_revision=F("data_revision") + 1)
    with django_capture_on_commit_callbacks(execute=False):
        queued = tasks.generate_year(fiscal_year=filing.fiscal_year, formats=["xlsx", "html"])
    assert (queued.queued, queued.unchanged) == (1, 1)
    assert [(j.filing_id, j.params) for j in Job.objects.filter(batch=queued.batch)] == [
        (other.pk, {"formats": ["xlsx", "html"], "skip_unchanged": True})
    ]

    # approval removes the 草稿 watermark without changing the data: rebuilt too
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=False):
        queued = tasks.generate_year(fiscal_year=filing.fiscal_year, formats=["xlsx", "html"])
    assert (queued.queued, queued.unchanged) == (2, 0)

    # and the PDF, never built, is queued for both when the year's every format is asked for
    filing_generate_documents(filing=Filing.objects.get(pk=filing.pk), formats=["xlsx", "html"])
    with django_capture_on_commit_callbacks(execute=False):
        queued = tasks.generate_year(fiscal_year=filing.fiscal_year)
    assert sorted((j.filing_id, tuple(j.params["formats"])) for j in Job.objects.filter(batch=queued.batch)) == sorted(
        [(filing.pk, ("xlsx", "html")), (filing.pk, ("pdf",)), (other.pk, ("xlsx", "html")), (other.pk, ("pdf",))]
    )


def test_a_job_of_an_unchanged_filing_leaves_its_documents(filing):
    filing_generate_documents(filing=filing, formats=["xlsx", "html"])
    before = {d.format: (d.file.name, d.generated_at) for d in filing.documents.all()}
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, params={"formats": ["xlsx", "html"], "skip_unchanged": True})
    generate_filing_documents.delay(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["unchanged"] is True
    assert {d.format: (d.file.name, d.generated_at) for d in filing.documents.all()} == before

    # without the option (the filing's own 生成 button) the documents are built again
    result = filing_generate_documents(filing=filing, formats=["xlsx", "html"])
    assert "unchanged" not in result and {d.format: d.file.name for d in filing.documents.all()} != {f: n for f, (n, _) in before.items()}


def test_the_workbook_builds_each_style_once(filing, monkeypatch):
    """Issue #13: a Font, Alignment and Border were built (and hashed) for every cell of every sheet."""
    from openpyxl.styles import fonts

    from disclosures.parts import parts_from_json, publication_parts
    from disclosures.tables import compute_tables
    from disclosures.tables.xlsx import render_workbook

    built = []
    original = fonts.Font.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("sz") or kwargs.get("size"))
        original(self, *args, **kwargs)

    tables, parts = compute_tables(filing=filing), parts_from_json(publication_parts(filing=filing))
    monkeypatch.setattr(fonts.Font, "__init__", counting)
    content = render_workbook(tables, parts=parts)
    fonts_built = len(built)
    monkeypatch.undo()
    cells = sum(1 for ws in load_workbook(io.BytesIO(content)).worksheets for row in ws.iter_rows() for cell in row if cell.value is not None)
    assert cells > 300 and fonts_built <= 6  # 宋体 16 bold, 10, 10 bold; the forms' 16 bold, 11, 10 (bold or not)


def test_swapping_in_documents_locks_and_writes_their_rows_only(filing, django_assert_num_queries, django_capture_on_commit_callbacks):
    """Issue #13: each document's swap read its row, then checked its filing, its job and its (filing, format)
    uniqueness with a query each before writing it. Its rows are locked together and written: the filing, the
    job and the locked row need no query. A first document is still created as get_or_create creates it."""
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, params={"formats": ["xlsx", "html"]})
    contents = {"xlsx": b"PK-1", "html": b"<p>1</p>"}
    with django_capture_on_commit_callbacks(execute=True):
        first = generation.documents_swap_in(filing=filing, contents=contents, job=job)
    assert [(d.format, d.size, d.job_id) for d in first] == [("xlsx", 4, job.pk), ("html", 8, job.pk)]
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(5):  # savepoint, lock, 2 updates, release
        second = generation.documents_swap_in(filing=filing, contents={"xlsx": b"PK-22", "html": b"<p>22</p>"}, job=job, data_revision=7)
    assert [d.pk for d in second] == [d.pk for d in first]
    rows = {d.format: (d.file.name, d.size, d.job_id, d.data_revision) for d in filing.documents.all()}
    assert rows == {"xlsx": (second[0].file.name, 5, job.pk, 7), "html": (second[1].file.name, 9, job.pk, 7)}
    assert not any(default_storage.exists(d.file.name) for d in first) and all(default_storage.exists(d.file.name) for d in second)


def test_a_filings_first_documents_are_created_in_one_insert(filing, django_assert_num_queries, django_capture_on_commit_callbacks):
    """Issue #13: each first document was created by get_or_create: a SELECT … FOR UPDATE, a savepoint, an INSERT
    and its release, per format. The formats the lock's read did not find are inserted together, in one
    savepoint: savepoint, lock, savepoint, INSERT, release, release."""
    job = Job.objects.create(kind=Job.Kind.GENERATE_FILING, filing=filing, params={"formats": ["xlsx", "html"]})
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(6):
        documents = generation.documents_swap_in(filing=filing, contents={"xlsx": b"PK-1", "html": b"<p>1</p>"}, job=job, data_revision=3)
    rows = {d.format: (d.pk, d.file.name, d.size, d.job_id, d.data_revision, d.draft) for d in filing.documents.all()}
    assert rows == {d.format: (d.pk, d.file.name, d.size, job.pk, 3, is_draft_document(filing)) for d in documents}
    assert [d.format for d in documents] == ["xlsx", "html"] and all(d.generated_at is not None for d in documents)
    assert all(read(d) == content for d, content in zip(documents, [b"PK-1", b"<p>1</p>"], strict=True))


def test_a_first_document_another_job_created_meanwhile_is_found_and_replaced(filing, monkeypatch, django_capture_on_commit_callbacks):
    """Another job created the xlsx row after this job's locked read found none: the INSERT of both fails in
    its savepoint, nothing of it is kept, and each format is found (and replaced) or created as get_or_create
    does."""
    other = generation.documents_swap_in(filing=filing, contents={"xlsx": b"PK-other"})[0]
    reads = []
    select_for_update = FilingDocument.objects.select_for_update

    def missing_the_first_time(*args, **kwargs):
        reads.append(1)
        return FilingDocument.objects.none() if len(reads) == 1 else select_for_update(*args, **kwargs)

    monkeypatch.setattr(FilingDocument.objects, "select_for_update", missing_the_first_time)
    with django_capture_on_commit_callbacks(execute=True):
        documents = generation.documents_swap_in(filing=filing, contents={"xlsx": b"PK-1", "html": b"<p>1</p>"})
    assert len(reads) == 3  # the lock's read, then get_or_create of each format
    xlsx, html = documents
    assert xlsx.pk == other.pk and read(xlsx) == b"PK-1" and read(html) == b"<p>1</p>"
    assert sorted(filing.documents.values_list("format", flat=True)) == ["html", "xlsx"]
    assert not default_storage.exists(other.file.name)
