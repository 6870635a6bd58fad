"""What the finance bureau's reviewers see: the county-wide progress of a year and one filing's review.

Only reviewers may call these (the views check `is_reviewer`); the selectors also refuse anyone else,
so a mistake in a view cannot leak another department's data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone

from disclosures.access import is_reviewer
from disclosures.models import AuditEntry, Department, FiscalYear, Filing, ReviewComment
from jobs.models import Job
from disclosures.checks import run_checks
from django.shortcuts import get_object_or_404
from disclosures.selectors.figures import filing_figures
from disclosures.selectors.snapshot import chart_data, correction_summary, key_figures

#: 批复后20日内公开: a filing must be published within this many days of its approval.
PUBLICATION_DEADLINE_DAYS = 20
#: From this many days after approval the dashboard shows the deadline as due soon (amber).
DUE_SOON_AFTER_DAYS = 15
#: Check results of filings the department can still edit are reused for this long; submitted,
#: approved and published filings are locked, so their results are kept until the status changes.
LIVE_CHECKS_CACHE_SECONDS = 120
#: The checks whose warnings are reasons the department still has to write (变动原因).
REASON_CHECKS = frozenset({"text_reasons", "three_public_increase_reason", "execution_reason"})


@dataclass
class CheckSummary:
    errors: int
    warnings: int
    missing_reasons: int


@dataclass
class FilingProgress:
    filing: Filing
    checks: CheckSummary | None
    days_since_approval: int | None
    deadline: str  # "overdue", "due_soon", "in_time", "published_late", "published_in_time" or ""
    days_left: int | None
    job: Job | None
    missing: list[str] = field(default_factory=list)


@dataclass
class DepartmentProgress:
    department: Department
    filings: dict[str, FilingProgress | None]  # by Filing.Kind value

    @property
    def missing(self) -> list[str]:
        items = []
        for kind, progress in self.filings.items():
            label = Filing.Kind(kind).label
            if progress is None:
                items.append(f"未创建{label}填报")
            else:
                items.extend(f"{label}：{m}" for m in progress.missing)
        return items


def _require_reviewer(user) -> None:
    if not is_reviewer(user):
        raise PermissionDenied("仅财政局审核人可以查看。")


def bureau_years(*, user) -> list[int]:
    _require_reviewer(user)
    return list(FiscalYear.objects.values_list("year", flat=True))


def check_summary(*, filing: Filing) -> CheckSummary:
    """Errors, warnings and missing reasons of a filing, cached: locked filings (submitted, approved,
    published) under their status and its timestamp, editable ones for a short while."""
    locked = not filing.is_editable
    moment = filing.approved_at if filing.status != Filing.Status.SUBMITTED else filing.submitted_at
    stamp = (moment or filing.updated_at).timestamp() if locked else filing.updated_at.timestamp()
    key = f"bureau-checks:{filing.pk}:{filing.status}:{stamp}"
    cached = cache.get(key)
    if cached is not None:
        return CheckSummary(*cached)

    report = run_checks(filing=filing)
    missing = sum(1 for finding in report.warnings if finding.check in REASON_CHECKS)
    summary = CheckSummary(errors=len(report.errors), warnings=len(report.warnings), missing_reasons=missing)
    cache.set(key, (summary.errors, summary.warnings, summary.missing_reasons), None if locked else LIVE_CHECKS_CACHE_SECONDS)
    return summary


def publication_deadline(*, filing: Filing, today: datetime.date | None = None) -> tuple[int | None, str, int | None]:
    """(days since approval, state, days left) under the 20-day rule.

    State: "overdue" (red) when not published more than 20 days after approval, "due_soon" (amber)
    from day 15, "in_time" before; once published "published_in_time" or "published_late".
    """
    if filing.approved_at is None:
        return None, "", None
    today = today or timezone.localdate()
    approved = timezone.localtime(filing.approved_at).date()
    if filing.published_at is not None:
        published = timezone.localtime(filing.published_at).date()
        days = (published - approved).days
        return days, ("published_late" if days > PUBLICATION_DEADLINE_DAYS else "published_in_time"), None
    days = (today - approved).days
    left = PUBLICATION_DEADLINE_DAYS - days
    if days > PUBLICATION_DEADLINE_DAYS:
        return days, "overdue", left
    if days >= DUE_SOON_AFTER_DAYS:
        return days, "due_soon", left
    return days, "in_time", left


def bureau_overview(*, user, year: int, today: datetime.date | None = None) -> list[DepartmentProgress]:
    """Every department with its current budget and final-accounts filing of the year."""
    _require_reviewer(user)
    latest_versions = {
        (r["department_id"], r["kind"]): r["v"]
        for r in Filing.objects.filter(fiscal_year__year=year).values("department_id", "kind").annotate(v=Max("version"))
    }
    filings = {
        (f.department_id, f.kind): f
        for f in Filing.objects.filter(fiscal_year__year=year).select_related("department", "fiscal_year")
        if latest_versions.get((f.department_id, f.kind)) == f.version
    }
    jobs: dict[int, Job] = {}
    for job in Job.objects.filter(filing__in=[f.pk for f in filings.values()], kind=Job.Kind.GENERATE_FILING).order_by("created_at", "id"):
        jobs[job.filing_id] = job  # the newest wins
    rows = []
    for department in Department.objects.all():
        per_kind: dict[str, FilingProgress | None] = {}
        for kind in Filing.Kind.values:
            filing = filings.get((department.pk, kind))
            per_kind[kind] = None if filing is None else filing_progress(filing=filing, job=jobs.get(filing.pk), today=today)
        rows.append(DepartmentProgress(department=department, filings=per_kind))
    return rows


def filing_progress(*, filing: Filing, job: Job | None = None, today: datetime.date | None = None) -> FilingProgress:
    checks = check_summary(filing=filing)
    days, state, left = publication_deadline(filing=filing, today=today)
    missing = []
    if checks.errors:
        missing.append(f"{checks.errors}个检查错误")
    if checks.missing_reasons:
        missing.append(f"缺少{checks.missing_reasons}处变动原因")
    if state == "overdue":
        missing.append(f"批复已{days}天未公开")
    if filing.status == Filing.Status.PUBLISHED and job is not None and job.status == Job.Status.FAILED:
        missing.append("公开文件生成失败")
    return FilingProgress(filing=filing, checks=checks, days_since_approval=days, deadline=state, days_left=left, job=job, missing=missing)


def filing_review(*, user, pk: int) -> dict:
    """Everything the review page of one filing shows."""
    _require_reviewer(user)


    filing = get_object_or_404(Filing.objects.select_related("department", "fiscal_year", "supersedes"), pk=pk)
    report = run_checks(filing=filing)
    return {
        "filing": filing,
        "report": report,
        "progress": filing_progress(
            filing=filing, job=Job.objects.filter(filing=filing, kind=Job.Kind.GENERATE_FILING).order_by("-created_at", "-id").first()
        ),
        "comments": list(ReviewComment.objects.filter(filing=filing).select_related("author")),
        "audit": list(AuditEntry.objects.filter(filing=filing).select_related("actor")),
        "correction_changes": correction_preview(filing=filing),
        "versions": list(
            Filing.objects.filter(department=filing.department, fiscal_year=filing.fiscal_year, kind=filing.kind).order_by("version")
        ),
    }


def correction_preview(*, filing: Filing) -> list[dict] | None:
    """For a correction not yet published: the key figures that differ from the published original."""
    if filing.supersedes_id is None or filing.status == Filing.Status.PUBLISHED or not filing.supersedes.published_snapshot:
        return None

    figures = filing_figures(filing=filing)
    current = {"key_figures": key_figures(figures), "charts": chart_data(figures)}
    return correction_summary(original=filing.supersedes, snapshot=current, note=filing.correction_note)["changes"]
