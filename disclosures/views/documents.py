"""Generated documents of a filing: list, generate (POST), download; county-wide generation for reviewers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from disclosures.access import get_filing_for_user, is_reviewer
from disclosures.models import FilingDocument, FiscalYear
from disclosures.selectors.documents import batch_jobs, batch_progress, filing_documents as documents_of, filing_latest_generation
from disclosures.services.generation import OUTPUT_FORMATS, download_name
from disclosures.tasks import filing_enqueue_documents, generate_year

#: Served documents carry no scripts; the HTML keeps its inline print styles.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def filing_documents(request, pk: int):
    filing = get_filing_for_user(request.user, pk)
    if request.method == "POST":
        filing_enqueue_documents(filing=filing, user=request.user)
        messages.success(request, "已开始生成公开文件。")
        return redirect("disclosures:filing_documents", pk=filing.pk)
    return render(
        request,
        "disclosures/documents/filing_documents.html",
        {
            "filing": filing,
            "documents": (documents := documents_of(filing=filing)),
            "stale": any(d.is_stale for d in documents),
            "job": filing_latest_generation(filing=filing),
        },
    )


@login_required
@require_safe
def document_download(request, pk: int, format: str):
    filing = get_filing_for_user(request.user, pk)
    if format not in OUTPUT_FORMATS:
        raise Http404("未知的文件格式。")
    document = get_object_or_404(FilingDocument.objects.select_related("filing__department", "filing__fiscal_year"), filing=filing, format=format)
    output = OUTPUT_FORMATS[format]
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在，请重新生成。") from None
    response = FileResponse(handle, as_attachment=not output.inline, filename=download_name(document), content_type=output.content_type)
    if format == FilingDocument.Format.HTML:
        response["Content-Security-Policy"] = HTML_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def year_generate(request, year: int):
    if not is_reviewer(request.user):
        raise PermissionDenied("仅财政局审核人可以批量生成。")
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    if request.method == "POST":
        queued = generate_year(fiscal_year=fiscal_year, user=request.user)
        unchanged = f"；{queued.unchanged} 份填报数据未变，沿用现有文件" if queued.unchanged else ""
        messages.success(request, f"已为{fiscal_year}的 {queued.queued} 份填报排队生成公开文件{unchanged}。")
        return redirect(f"{reverse('disclosures:year_generate', args=[year])}?batch={queued.batch}")
    batch = request.GET.get("batch", "")
    return render(
        request,
        "disclosures/documents/year_generate.html",
        {
            "fiscal_year": fiscal_year,
            "filing_count": fiscal_year.filings.filter(superseded_by__isnull=True).count(),
            "batch": batch,
            "progress": batch_progress(batch=batch, fetched_by=request.user),
            "job_ids": ",".join(str(pk) for pk in batch_jobs(batch=batch, fetched_by=request.user).values_list("pk", flat=True)),
        },
    )
