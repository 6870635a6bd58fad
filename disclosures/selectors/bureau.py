"""What the finance bureau's reviewers see: the county-wide progress of a year and one filing's review.

Only reviewers may call these (the views check `is_reviewer`); the selectors also refuse anyone else,
so a mistake in a view cannot leak another department's data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import F, Max
from django.shortcuts import get_object_or_404
from django.utils import timezone

from disclosures.access import is_reviewer
from disclosures.checks import run_checks
from disclosures.selectors.audit import audit_rows
from disclosures.models import Department, FiscalYear, Filing, FilingDocument, ReviewComment
from disclosures.selectors.facts import FilingFacts, filing_facts
from disclosures.selectors.figures import filing_figures
from disclosures.selectors.public import published_filings
from disclosures.selectors.snapshot import chart_data, correction_summary, key_figures
from disclosures.services.generation import ALL_FORMATS, job_formats
from jobs.models import Job

#: 批复后20日内公开: a filing must be published within this many days of its approval.
PUBLICATION_DEADLINE_DAYS = 20
#: From this many days after approval the dashboard shows the deadline as due soon (amber).
DUE_SOON_AFTER_DAYS = 15
#: Check results of filings the department can still edit are reused for this long; submitted,
#: approved and published filings are locked, so their results are kept until the status changes.
LIVE_CHECKS_CACHE_SECONDS = 120
#: The checks whose warnings are reasons the department still has to write (变动原因, 决算与预算的差异).
REASON_CHECKS = frozenset({"text_reasons"})


@dataclass
class CheckSummary:
    errors: int
    warnings: int
    missing_reasons: int


@dataclass
class FilingProgress:
    """The newest version of a department's filing of one kind, with the version the public reads."""

    filing: Filing
    checks: CheckSummary | None
    days_since_approval: int | None
    deadline: str  # "overdue", "due_soon", "in_time", "published_late", "published_in_time" or ""
    days_left: int | None
    job: Job | None  # the newest generation job
    missing: list[str] = field(default_factory=list)
    #: The version on the public site (this one, or an older one while a correction is in progress), if any.
    public: Filing | None = None
    #: Format → the newest generation job that builds it, so a failed xlsx/HTML job stays visible after a later PDF job.
    generation: dict[str, Job] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        return self.public is not None and self.public.pk == self.filing.pk

    @property
    def awaiting_documents(self) -> bool:
        """Published by the bureau, not yet public: its publication's documents are not built yet."""
        return self.filing.status == Filing.Status.PUBLISHED and not self.is_public

    @property
    def failed_formats(self) -> list[str]:
        """The outputs whose newest job failed (Excel 表格, HTML, PDF), in build order."""
        return [str(FilingDocument.Format(f).label) for f, job in self.generation.items() if job.status == Job.Status.FAILED]

    documents_stale: bool = False  # generated from older data than the filing holds now: 已过期, not 已完成


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


def stale_document_filings(*, filing_ids) -> set[int]:
    """The filings (of `filing_ids`) with a generated document older than their data (one query)."""
    return set(
        FilingDocument.objects.filter(filing_id__in=filing_ids, data_revision__lt=F("filing__data_revision")).values_list("filing_id", flat=True)
    )


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
    key = f"bureau-checks:{filing.pk}:{filing.status}:{stamp}:r{filing.data_revision}"
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
    """Every department with, per kind, its newest filing of the year and the version the public reads.

    "The public reads" is decided by selectors.public.published_filings, the rule of the public site, so
    the dashboard's 已公开 agrees with the year page (a publication waiting for its documents is not
    public yet). Each filing's generation state is the newest job per output format.
    """
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
    public: dict[tuple[int, str], Filing] = {}
    for f in published_filings().filter(fiscal_year__year=year).only("pk", "version", "department_id", "kind", "published_at").order_by("version"):
        public[(f.department_id, f.kind)] = f  # the highest published version wins, as on the public site
    generation = generation_by_format(filings=list(filings.values()))
    stale = stale_document_filings(filing_ids=[f.pk for f in filings.values()])
    rows = []
    for department in Department.objects.all():
        per_kind: dict[str, FilingProgress | None] = {}
        for kind in Filing.Kind.values:
            filing = filings.get((department.pk, kind))
            per_kind[kind] = (
                None
                if filing is None
                else filing_progress(
                    filing=filing,
                    generation=generation.get(filing.pk, {}),
                    public=public.get((department.pk, kind)),
                    today=today,
                    documents_stale=filing.pk in stale,
                )
            )
        rows.append(DepartmentProgress(department=department, filings=per_kind))
    return rows


def generation_by_format(*, filings: list[Filing]) -> dict[int, dict[str, Job]]:
    """Filing pk → format → the newest generation job building that format (one query)."""

    found: dict[int, dict[str, Job]] = {}
    for job in Job.objects.filter(filing__in=[f.pk for f in filings], kind=Job.Kind.GENERATE_FILING).order_by("created_at", "id"):
        if job.filing_id is None:
            continue
        for format in job_formats(job):
            found.setdefault(job.filing_id, {})[format] = job  # the newest wins
    return {pk: {f: per[f] for f in ALL_FORMATS if f in per} for pk, per in found.items()}


def overview_counts(rows: list[DepartmentProgress]) -> list[tuple[str, int]]:
    """The dashboard's summary: 已公开 counts department × kind with a public version (the public year page
    lists the same), then the versions in progress by status, those waiting for their documents, and 未创建."""
    in_progress: dict[str, int] = {}
    public = awaiting = missing = 0
    for row in rows:
        for progress in row.filings.values():
            if progress is None:
                missing += 1
                continue
            public += progress.public is not None
            if progress.awaiting_documents:
                awaiting += 1
            elif not progress.is_public:
                in_progress[progress.filing.status] = in_progress.get(progress.filing.status, 0) + 1
    statuses = [(str(label), in_progress.get(value, 0)) for value, label in Filing.Status.choices if value != Filing.Status.PUBLISHED]
    return [("已公开", public), *statuses, ("公开文件生成中", awaiting), ("未创建", missing)]


def filing_progress(
    *,
    filing: Filing,
    job: Job | None = None,
    generation: dict[str, Job] | None = None,
    public: Filing | None = None,
    today: datetime.date | None = None,
    documents_stale: bool | None = None,
) -> FilingProgress:
    checks = check_summary(filing=filing)
    if documents_stale is None:
        documents_stale = filing.pk in stale_document_filings(filing_ids=[filing.pk])
    days, state, left = publication_deadline(filing=filing, today=today)
    generation = generation or {}
    if job is None and generation:
        job = max(generation.values(), key=lambda j: (j.created_at, j.pk))
    progress = FilingProgress(
        filing=filing,
        checks=checks,
        days_since_approval=days,
        deadline=state,
        days_left=left,
        job=job,
        public=public,
        generation=generation,
        documents_stale=documents_stale,
    )
    if checks.errors:
        progress.missing.append(f"{checks.errors}个检查错误")
    if checks.missing_reasons:
        progress.missing.append(f"缺少{checks.missing_reasons}处变动原因")
    if state == "overdue":
        progress.missing.append(f"批复已{days}天未公开")
    failed = progress.failed_formats or ([] if job is None or job.status != Job.Status.FAILED else ["文件"])
    if failed:
        progress.missing.append("生成失败：" + "、".join(failed))
    if progress.awaiting_documents:
        progress.missing.append("公开文件未生成，公众尚看不到")
    return progress


def filing_review(*, user, pk: int) -> dict:
    """Everything the review page of one filing shows."""
    _require_reviewer(user)

    filing = get_object_or_404(Filing.objects.select_related("department", "fiscal_year", "supersedes"), pk=pk)
    facts = filing_facts(filing=filing)  # the checks and the correction's figures derive from one read
    report = run_checks(filing=filing, facts=facts)
    return {
        "filing": filing,
        "report": report,
        "progress": filing_progress(
            filing=filing,
            generation=generation_by_format(filings=[filing]).get(filing.pk, {}),
            public=published_filings()
            .filter(department=filing.department, fiscal_year=filing.fiscal_year, kind=filing.kind)
            .order_by("-version")
            .first(),
        ),
        "comments": list(ReviewComment.objects.filter(filing=filing).select_related("author")),
        "audit": audit_rows(filing=filing)[::-1],  # newest first
        "correction_changes": correction_preview(filing=filing, facts=facts),
        "versions": list(Filing.objects.filter(department=filing.department, fiscal_year=filing.fiscal_year, kind=filing.kind).order_by("version")),
    }


def correction_preview(*, filing: Filing, facts: FilingFacts | None = None) -> list[dict] | None:
    """For a correction not yet published: the key figures that differ from the published original."""
    original = filing.supersedes
    if original is None or filing.status == Filing.Status.PUBLISHED or not original.published_snapshot:
        return None

    figures = filing_figures(filing=filing, facts=facts)
    current = {"key_figures": key_figures(figures), "charts": chart_data(figures)}
    return correction_summary(original=original, snapshot=current, note=filing.correction_note)["changes"]


# ------------------------------------------------------------------------------ the year's batch publication


@dataclass(frozen=True)
class PublicationCandidate:
    """A current filing of the year on the batch publication's confirmation page, and why it is left out ('' when it is not)."""

    filing: Filing
    reason: str = ""


@dataclass(frozen=True)
class YearPublicationPlan:
    """What 公开本年度全部已审核填报 would do: the approved filings it publishes, those it skips and why, and
    how many are public already. The job decides again, filing by filing, through workflow.filing_publish."""

    year: int
    publish: list[PublicationCandidate]
    skipped: list[PublicationCandidate]
    already_published: int

    @property
    def approved(self) -> list[Filing]:
        """The filings the job is given: every approved one (those with open reasons are refused there, and named)."""
        return [c.filing for c in self.publish] + [c.filing for c in self.skipped if c.filing.status == Filing.Status.APPROVED]


def year_publication_plan(*, user, year: int) -> YearPublicationPlan:
    """The year's current filings (the newest version of each) sorted into those the batch publishes and
    those it skips: not approved yet (their status), or approved with reasons the 说明 still asks for (the
    dashboard's cached check summary counts them; publishing would print 【待填写】)."""
    _require_reviewer(user)
    filings = (
        Filing.objects.filter(fiscal_year__year=year, superseded_by__isnull=True)
        .select_related("department", "fiscal_year")
        .order_by("department__code", "kind", "version")
    )
    publish, skipped, already = [], [], 0
    for filing in filings:
        if filing.status == Filing.Status.PUBLISHED:
            already += 1
        elif filing.status != Filing.Status.APPROVED:
            skipped.append(PublicationCandidate(filing, f"尚未审核通过（当前状态：{filing.get_status_display()}）"))
        elif missing := check_summary(filing=filing).missing_reasons:
            skipped.append(PublicationCandidate(filing, f"说明中还有{missing}处原因未填写，请部门补充后再公开"))
        else:
            publish.append(PublicationCandidate(filing))
    return YearPublicationPlan(year=year, publish=publish, skipped=skipped, already_published=already)


@dataclass(frozen=True)
class YearPublicationResult:
    """The jobs of one batch publication and what they reported so far (result page)."""

    jobs: list[Job]
    published: list[dict]
    skipped: list[dict]
    failed: list[dict]

    @property
    def finished(self) -> bool:
        return all(job.status in (Job.Status.DONE, Job.Status.FAILED) for job in self.jobs)

    @property
    def job_ids(self) -> str:
        return ",".join(str(job.pk) for job in self.jobs)

    @property
    def failed_jobs(self) -> list[Job]:
        return [job for job in self.jobs if job.status == Job.Status.FAILED]


def year_publication_result(*, user, batch: str) -> YearPublicationResult:
    """The batch's jobs in queue order and the filings they published, skipped (with the reason) and failed on."""
    _require_reviewer(user)
    jobs = list(Job.objects.filter(batch=batch, kind=Job.Kind.PUBLISH_FILINGS).order_by("created_at", "id")) if batch else []
    published, skipped, failed = [], [], []
    for job in jobs:
        result = job.result or {}
        published += result.get("published", [])
        skipped += result.get("skipped", [])
        failed += result.get("failed", [])
    return YearPublicationResult(jobs=jobs, published=published, skipped=skipped, failed=failed)
