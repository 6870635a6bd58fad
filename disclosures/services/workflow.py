"""The review workflow of a filing: 草稿 → 已提交 → 已退回/已审核 → 已公开, and 更正 after publication.

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
      ▲                  │                                           │
      └──── returned ◀─return                         correct (new version, draft)

Each function checks who may do it and from which status, locks the row, changes it, and writes an
AuditEntry. Refusals raise WorkflowError with a Chinese message meant for the user.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from disclosures.access import can_publish, is_filer, is_reviewer
from disclosures.models import (
    AssetHolding,
    ExpenseLine,
    Filing,
    IncomeLine,
    PriorYearFigure,
    PreparedSnapshot,
    Procurement,
    Project,
    ReviewComment,
    ThreePublicStats,
)
from disclosures.services import notifications
from disclosures.services.audit import audit_record, audit_transition, audit_transitions
from disclosures.services.filings import ProjectsCopied, copy_hooks_run
from disclosures.checks import run_checks
from disclosures.selectors.facts import FilingFacts, filing_facts
from disclosures.parts import publication_parts_many
from disclosures.selectors.snapshot import filing_sections, prepared_snapshots_usable, snapshot_body, unwritten_reasons
from disclosures.public_stamp import public_stamp_replace_on_commit
from disclosures.services.locking import filing_lock, filings_lock
from disclosures.services.prepared import prepared_snapshot_publish

# The module, not its names: disclosures.tasks imports the year's batch publication (services.publication),
# which publishes through this module.
from disclosures import tasks

Status = Filing.Status


class WorkflowError(Exception):
    """A transition that is not allowed; `message` is Chinese and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(WorkflowError):
    pass


class WrongStatus(WorkflowError):
    pass


class ReasonsMissing(WorkflowError):
    """The explanatory text still asks for reasons the department has not written."""


class ChecksFailed(WorkflowError):
    """Submission refused because the checks report errors; `report` is the CheckReport."""

    def __init__(self, message: str, report):
        super().__init__(message)
        self.report = report


def _locked(filing: Filing) -> Filing:
    """Re-read the filing under its row lock — the lock every data write takes too (services.locking) —
    so two reviewers cannot move it at the same time, and no write lands between the check and the move."""
    return filing_lock(pk=filing.pk)


def _require_status(filing: Filing, allowed: Sequence[str], verb: str) -> None:
    if filing.status not in allowed:
        labels = "、".join(str(Status(s).label) for s in allowed)
        raise WrongStatus(f"当前状态为“{filing.get_status_display()}”，只有{labels}状态的填报才能{verb}。")


def _sync(target: Filing, source: Filing) -> None:
    """Copy the saved state back into the caller's instance, so it sees the new status (a field the source
    has not loaded, the snapshot the database copied, is left to be read on first use there too)."""
    deferred = source.get_deferred_fields()
    for field in Filing._meta.concrete_fields:
        if field.attname in deferred:
            target.__dict__.pop(field.attname, None)
        else:
            setattr(target, field.attname, getattr(source, field.attname))


def filing_submit(*, filing: Filing, user) -> Filing:
    """The department accountant submits for review (from 草稿 or 已退回), if the checks report no errors;
    the documents are regenerated from the submitted data (after commit) for the reviewer."""
    if not is_filer(user, filing):
        raise NotPermitted("只有本部门的填报人可以提交。")
    with transaction.atomic():
        locked = _locked(filing)
        _require_status(locked, (Status.DRAFT, Status.RETURNED), "提交")
        report = run_checks(filing=locked)
        if report.errors:
            raise ChecksFailed(f"审核检查发现{len(report.errors)}个错误，请改正后再提交。", report)
        before = locked.status
        locked.status = Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        locked.review_comments.filter(resolved=False).update(resolved=True)
        warnings = len(report.warnings)
        audit_transition(
            filing=locked,
            actor=user,
            action="提交",
            before_status=before,
            comment=f"检查提示{warnings}条" if warnings else "",
        )
        # The reviewer reads documents of the submitted data, never ones generated before the last fix.
        documents_enqueue(filing=locked, user=user)
        notifications.filing_submitted(filing=locked)
    _sync(filing, locked)
    return filing


def filing_return(*, filing: Filing, user, comments: Sequence[tuple[str, str]]) -> Filing:
    """The reviewer returns a submitted filing with at least one comment (target may be empty)."""
    if not is_reviewer(user):
        raise NotPermitted("只有财政局审核人可以退回。")
    cleaned = [((target or "").strip(), (text or "").strip()) for target, text in comments]
    cleaned = [(target, text) for target, text in cleaned if text]
    if not cleaned:
        raise WorkflowError("退回时请填写审核意见。")
    with transaction.atomic():
        locked = _locked(filing)
        _require_status(locked, (Status.SUBMITTED,), "退回")
        for target, text in cleaned:
            comment = ReviewComment(filing=locked, author=user, target=target, text=text)
            comment.full_clean()
            comment.save()
        before = locked.status
        locked.status = Status.RETURNED
        locked.full_clean()
        locked.save(update_fields=["status", "updated_at"])
        audit_transition(
            filing=locked,
            actor=user,
            action="退回",
            before_status=before,
            comment="\n".join(f"{t}：{x}" if t else x for t, x in cleaned),
        )
        notifications.filing_returned(filing=locked, comments=cleaned)
    _sync(filing, locked)
    return filing


def filing_approve(*, filing: Filing, user, comment: str = "") -> Filing:
    """The reviewer approves (批复); from now on the data is read-only and the 20-day clock runs.

    The working documents are built again after the commit: without the 草稿 watermark, and with the
    snapshot's body prepared from the same facts (services.prepared), so that the publication copies it
    instead of computing it."""
    if not is_reviewer(user):
        raise NotPermitted("只有财政局审核人可以审核通过。")
    with transaction.atomic():
        locked = _locked(filing)
        _require_status(locked, (Status.SUBMITTED,), "审核通过")
        before = locked.status
        locked.status = Status.APPROVED
        locked.approved_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "approved_at", "updated_at"])
        audit_transition(filing=locked, actor=user, action="审核通过", before_status=before, comment=comment)
        notifications.filing_approved(filing=locked)
        documents_enqueue(filing=locked, user=user)
    _sync(filing, locked)
    return filing


def filing_publish(*, filing: Filing, user) -> Filing:
    """Publish one approved filing (`filings_publish_together` for it alone); a refusal raises its
    WorkflowError."""
    outcome = filings_publish_together(filings=[filing], user=user)
    if outcome.refused:
        raise outcome.refused[0].error
    return filing


@dataclass(frozen=True)
class Refusal:
    """A filing `filings_publish_together` did not publish, and why (`error.message`: Chinese, for the user)."""

    filing: Filing
    error: WorkflowError

    @property
    def reason(self) -> str:
        return self.error.message


@dataclass(frozen=True)
class Publication:
    """What `filings_publish_together` did: the filings published and those refused, in the order given."""

    published: list[Filing] = dataclasses.field(default_factory=list)
    refused: list[Refusal] = dataclasses.field(default_factory=list)


def filings_publish_together(*, filings: Sequence[Filing], user) -> Publication:
    """Publish approved filings in one transaction, the one place of the publication's rules: freeze what
    the public sees into each one's `published_snapshot` and queue, in the same transaction, the jobs that
    build and freeze the publication's documents. A filing refused (gone, not approved, reasons missing)
    is reported with its Chinese reason and nothing of it is written; the others are published. Without
    the permission nothing is published (NotPermitted). An unexpected error rolls everything back.

    The snapshot is the one `build_snapshot` computes now, stored as its body (`snapshot_body`) beside the
    publication's moment and performance parts (`published_at`, `published_parts`; its readers get it
    whole from `selectors.snapshot.published_snapshot`). The body is usually prepared ahead
    (services.prepared, by the generation job of the approved filing): when it was built from the
    filing's current data revision, this code's snapshot schema and the same department, units, catalog
    names, last year's filing and corrected original, it is copied in the database; otherwise it is
    computed here, from the facts read once.

    The public does not see a publication until its documents exist (selectors.public): the page
    and its downloads then come from the same locked data the bureau approved, and no one reads a
    publication without its downloads. Until then the previous publication (for a correction) stays
    the public one, and the bureau's dashboard shows the publication as waiting for its documents.

    What the filings share is read and written together: their row locks (one query, in pk order), their
    prepared rows and current inputs (selectors.snapshot.prepared_snapshots_usable), the prepared rows'
    delete, the audit entries, the documents' jobs, the notifications (one statement each), the public
    stamp's replacement, the performance parts (not locked with the filing: frozen now; `publication_parts_many`).
    The copy is per filing.
    """
    if not can_publish(user):
        raise NotPermitted("没有公开权限。")
    outcome = Publication()
    with transaction.atomic():
        locked_rows = filings_lock(pks=[filing.pk for filing in filings])
        candidates: list[tuple[Filing, Filing]] = []  # (the caller's, the locked)
        seen: set[int] = set()
        for filing in filings:
            locked = locked_rows.get(filing.pk)
            try:
                if filing.pk in seen:
                    raise WorkflowError("该填报在本批中重复，只公开一次。")
                seen.add(filing.pk)
                if locked is None:
                    raise WrongStatus("该填报已不存在。")
                _require_status(locked, (Status.APPROVED,), "公开")
            except WorkflowError as error:
                outcome.refused.append(Refusal(filing, error))
                continue
            candidates.append((filing, locked))
        usable = prepared_snapshots_usable(filings=[locked for _filing, locked in candidates])
        checked: list[tuple[Filing, Filing, PreparedSnapshot | None, FilingFacts | None]] = []
        for filing, locked in candidates:
            prepared = usable.get(locked.pk)
            facts = None
            try:
                if prepared is not None:
                    _refuse_missing_reasons(list(prepared.missing_reasons))
                else:
                    facts = filing_facts(filing=locked)  # read once: the reasons' check and the snapshot derive from them
                    _refuse_missing_reasons(_unwritten(facts))  # drafted once, frozen below
            except WorkflowError as error:
                outcome.refused.append(Refusal(filing, error))
                continue
            checked.append((filing, locked, prepared, facts))
        now = timezone.now()
        # The performance parts are not locked with the filing: frozen now, beside the snapshot's body, read for
        # all the filings together (the facts read for the reasons' check share their projects with the snapshot).
        parts = publication_parts_many(
            facts=[facts for _f, _l, _p, facts in checked if facts is not None],
            filings=[locked for _f, locked, _p, facts in checked if facts is None],
        )
        published: list[tuple[Filing, Filing, str]] = []  # (the caller's, the locked, the status before)
        copied = False
        for filing, locked, prepared, facts in checked:
            try:
                copied = _publish_one(locked=locked, prepared=prepared, facts=facts, parts=parts[locked.pk], now=now) or copied
            except WorkflowError as error:
                outcome.refused.append(Refusal(filing, error))
                continue
            published.append((filing, locked, Status.APPROVED))
        if not published:
            return outcome
        if copied:
            public_stamp_replace_on_commit()  # an UPDATE sends no post_save
        done = [locked for _filing, locked, _before in published]
        PreparedSnapshot.objects.filter(filing_id__in=[locked.pk for locked in done]).delete()
        audit_transitions(
            changes=[
                (locked, before, f"更正公开：{locked.correction_note}" if locked.supersedes_id is not None else "")
                for _f, locked, before in published
            ],
            actor=user,
            action="公开",
        )
        publications_enqueue(filings=done, user=user)
        notifications.filings_published(filings=done)
    for filing, locked, _before in published:
        _sync(filing, locked)
        outcome.published.append(filing)
    return outcome


def _publish_one(*, locked: Filing, prepared: PreparedSnapshot | None, facts: FilingFacts | None, parts: list[dict], now) -> bool:
    """Write one checked filing's publication: its status, moment and parts (`publication_parts` of it, computed
    now), and its snapshot copied from the prepared row (returns True) or computed (False). The snapshot computed
    because the prepared row changed after the check must pass the reasons' check too: a refusal leaves the
    filing unwritten."""
    locked.published_at = now
    locked.status = Status.PUBLISHED
    # The publication sets its status, time and snapshot, nothing the constraints or the other fields'
    # validators look at (their checks cost queries: the foreign keys'); the snapshot is JSON built here
    # or copied by the database, not encoded a second time to be checked.
    locked.clean_fields(exclude=[f.name for f in Filing._meta.concrete_fields if f.name not in ("status", "published_at")])
    locked.published_parts = parts
    if prepared is not None and prepared_snapshot_publish(filing=locked, prepared=prepared, published_at=now, parts=locked.published_parts):
        locked.updated_at = now
        del locked.published_snapshot  # read back only if someone asks for it
        return True
    if facts is None:  # the prepared row changed after the check: the reasons are checked from the facts
        facts = filing_facts(filing=locked)
        _refuse_missing_reasons(_unwritten(facts))
    locked.published_snapshot = snapshot_body(facts)
    locked.save(update_fields=["status", "published_at", "published_snapshot", "published_parts", "updated_at"])
    return False


def _unwritten(facts) -> list[str]:
    """The labels of the reasons the filing's drafted text still asks for."""
    return [slot.label for slot in unwritten_reasons(filing_sections(facts))]


def _refuse_missing_reasons(labels: list[str]) -> None:
    """The public text must never carry a 【待填写】 placeholder: the department writes the reasons first."""
    if labels:
        raise ReasonsMissing("说明中还有未填写的原因，不能公开：" + "；".join(labels) + "。请部门补充后再公开。")


def documents_enqueue(*, filing: Filing, user=None):
    """Queue the regeneration of the filing's working documents after commit (on submission and approval)."""
    return tasks.filing_enqueue_generation(filing=filing, user=user)


def publications_enqueue(*, filings: Sequence[Filing], user=None):
    """Queue the jobs that build the publications' frozen documents (one INSERT, sent after commit in order)."""
    return tasks.publications_enqueue_generation(filings=filings, user=user)


# Related rows copied into a correction, in dependency order (projects before the lines that point at them).
_COPIED_PER_FILING = (Project, ExpenseLine, IncomeLine, Procurement, AssetHolding, PriorYearFigure)


def filing_correct(*, filing: Filing, user, note: str) -> Filing:
    """Start a correction (公开更正) of a published filing: a new version (version + 1, draft) that
    copies every line, project and indicator and points at the original through `supersedes`. The
    original stays published and readable until the correction is published.
    """
    note = (note or "").strip()
    if not (is_reviewer(user) or is_filer(user, filing)):
        raise NotPermitted("只有本部门填报人或财政局审核人可以发起更正。")
    if not note:
        raise WorkflowError("请填写更正说明（更正的内容和原因）。")
    with transaction.atomic():
        original = _locked(filing)
        _require_status(original, (Status.PUBLISHED,), "更正")
        if Filing.objects.filter(supersedes=original).exists():
            raise WrongStatus("该填报已有更正版本，请在最新版本上继续更正。")
        copy = Filing(
            department_id=original.department_id,
            fiscal_year_id=original.fiscal_year_id,
            kind=original.kind,
            version=original.version + 1,
            supersedes=original,
            correction_note=note,
            status=Status.DRAFT,
            duties=original.duties,
            organisation=original.organisation,
            reasons=dict(original.reasons or {}),
            other_notes=original.other_notes,
            amount_unit=original.amount_unit,
        )
        copy.full_clean()
        copy.save()
        _copy_related(original=original, copy=copy)
        audit_record(
            filing=copy,
            actor=user,
            action="发起更正",
            object_repr=str(copy),
            field="版本",
            before=str(original.version),
            after=str(copy.version),
            comment=note,
        )
        audit_record(
            filing=original,
            actor=user,
            action="发起更正",
            object_repr=str(original),
            comment=f"已创建第{copy.version}版：{note}",
        )
    return copy


def _clone(instance, **overrides):
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for name, value in overrides.items():
        setattr(instance, name, value)
    instance.save()
    return instance


def _copy_related(*, original: Filing, copy: Filing) -> None:
    """Everything of the original into its correction; what other apps keep per project (evaluations: the
    targets, the self-evaluations and their results) through the copy hooks, as a correction."""
    projects: dict[int, Project] = {}
    for project in Project.objects.filter(filing=original).order_by("pk"):
        old_pk = project.pk
        projects[old_pk] = _clone(project, filing=copy)
    copy_hooks_run(ProjectsCopied(source=original, filing=copy, projects=projects, keep_amounts=True, correction=True))
    for line in ExpenseLine.objects.filter(filing=original).order_by("pk"):
        _clone(line, filing=copy, project_id=projects[line.project_id].pk if line.project_id else None)
    for model in _COPIED_PER_FILING[2:]:
        for row in model.objects.filter(filing=original).order_by("pk"):
            _clone(row, filing=copy)
    stats = ThreePublicStats.objects.filter(filing=original).first()
    if stats is not None:
        _clone(stats, filing=copy)
