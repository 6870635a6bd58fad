"""The checks of a filing: errors that block submission and warnings that need an explanation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from disclosures import access
from disclosures.checks import run_checks
from disclosures.selectors.links import Linker


@login_required
@require_GET
def filing_checks(request, pk: int):
    filing = access.get_filing_for_user(request.user, pk)
    report = run_checks(filing=filing)
    linker = Linker(filing)
    return render(
        request,
        "disclosures/checks/filing_checks.html",
        {
            "filing": filing,
            "report": report,
            "errors": [(f, linker.for_location(f.location)) for f in report.errors],
            "warnings": [(f, linker.for_location(f.location)) for f in report.warnings],
        },
    )
