"""The workflow services: every transition, who may do it, from which status, and what it records."""

from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction

from disclosures.models import AuditEntry, ExpenseLine, Filing, IncomeLine, Project, ReviewComment
from jobs.models import Job
from disclosures.narrative import sections as narrative_sections
from disclosures.parts import publication_parts
from disclosures.selectors import snapshot as snapshot_module
from disclosures.public_stamp import public_stamp_invalidate
from disclosures.services import workflow
from tests.disclosures.workflow_fixtures import approved_correction

pytestmark = pytest.mark.django_db
S = Filing.Status


def transitions(filing):
    return list(AuditEntry.objects.filter(filing=filing, field="状态").order_by("at", "id").values_list("action", "before", "after"))


# ------------------------------------------------------------------------------------------------ submit


def test_accountant_submits_a_clean_draft(clean_filing, accountant):
    workflow.filing_submit(filing=clean_filing, user=accountant)

    clean_filing.refresh_from_db()
    assert clean_filing.status == S.SUBMITTED
    assert clean_filing.submitted_at is not None
    assert not clean_filing.is_editable
    entry = AuditEntry.objects.get(filing=clean_filing)
    assert (entry.action, entry.before, entry.after, entry.actor) == ("提交", "草稿", "已提交", accountant)


def test_submission_is_refused_while_the_checks_report_errors(seed_filing, accountant):
    """Seed 003 lists projects for 64.5 万元 while 项目支出 is 64.90: the checks block submission."""
    with pytest.raises(workflow.ChecksFailed) as refused:
        workflow.filing_submit(filing=seed_filing, user=accountant)

    assert refused.value.report.errors
    assert "错误" in refused.value.message
    seed_filing.refresh_from_db()
    assert seed_filing.status == S.DRAFT
    assert not AuditEntry.objects.filter(filing=seed_filing).exists()


def test_submission_is_refused_when_income_does_not_cover_expense(clean_filing, accountant):
    IncomeLine.objects.filter(filing=clean_filing).update(actual_amount=Decimal("3000000.00"), budget_amount=Decimal("3000000.00"))
    with pytest.raises(workflow.ChecksFailed):
        workflow.filing_submit(filing=clean_filing, user=accountant)


def test_only_the_departments_accountant_may_submit(clean_filing, outsider, reviewer):
    for user in (outsider, reviewer):
        with pytest.raises(workflow.NotPermitted):
            workflow.filing_submit(filing=clean_filing, user=user)
    clean_filing.refresh_from_db()
    assert clean_filing.status == S.DRAFT


@pytest.mark.parametrize("fixture", ["submitted_filing", "approved_filing", "published_filing"])
def test_submission_only_from_draft_or_returned(request, fixture, accountant):
    filing = request.getfixturevalue(fixture)
    with pytest.raises(workflow.WrongStatus):
        workflow.filing_submit(filing=filing, user=accountant)


def test_resubmission_after_return_resolves_the_comments(returned_filing, accountant):
    assert ReviewComment.objects.filter(filing=returned_filing, resolved=False).count() == 1

    workflow.filing_submit(filing=returned_filing, user=accountant)

    assert returned_filing.status == S.SUBMITTED
    assert not ReviewComment.objects.filter(filing=returned_filing, resolved=False).exists()
    assert transitions(returned_filing) == [("提交", "草稿", "已提交"), ("退回", "已提交", "已退回"), ("提交", "已退回", "已提交")]


# ------------------------------------------------------------------------------------------------ return


def test_reviewer_returns_with_comments_on_targets(submitted_filing, reviewer):
    workflow.filing_return(
        filing=submitted_filing,
        user=reviewer,
        comments=[("表5 一般公共预算财政拨款支出决算表", "信访事务完成预算比例有误"), ("", "  "), ("", "请补充机关运行经费变动原因")],
    )

    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.RETURNED
    assert submitted_filing.is_editable
    comments = list(ReviewComment.objects.filter(filing=submitted_filing).order_by("id").values_list("target", "text", "author"))
    assert comments == [
        ("表5 一般公共预算财政拨款支出决算表", "信访事务完成预算比例有误", reviewer.pk),
        ("", "请补充机关运行经费变动原因", reviewer.pk),
    ]
    entry = AuditEntry.objects.filter(filing=submitted_filing, action="退回").get()
    assert "信访事务完成预算比例有误" in entry.comment and entry.actor == reviewer


def test_return_needs_a_comment(submitted_filing, reviewer):
    with pytest.raises(workflow.WorkflowError, match="审核意见"):
        workflow.filing_return(filing=submitted_filing, user=reviewer, comments=[("表1", " ")])
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.SUBMITTED


def test_accountant_cannot_return_or_approve(submitted_filing, accountant):
    with pytest.raises(workflow.NotPermitted):
        workflow.filing_return(filing=submitted_filing, user=accountant, comments=[("", "自己退回")])
    with pytest.raises(workflow.NotPermitted):
        workflow.filing_approve(filing=submitted_filing, user=accountant)


@pytest.mark.parametrize("fixture", ["clean_filing", "returned_filing", "approved_filing"])
def test_return_and_approve_only_from_submitted(request, fixture, reviewer):
    filing = request.getfixturevalue(fixture)
    with pytest.raises(workflow.WrongStatus):
        workflow.filing_return(filing=filing, user=reviewer, comments=[("", "意见")])
    with pytest.raises(workflow.WrongStatus):
        workflow.filing_approve(filing=filing, user=reviewer)


# ------------------------------------------------------------------------------------------------ approve


def test_approval_freezes_the_filing_and_starts_the_clock(submitted_filing, reviewer):
    workflow.filing_approve(filing=submitted_filing, user=reviewer)

    submitted_filing.refresh_from_db()
    assert submitted_filing.status == S.APPROVED
    assert submitted_filing.approved_at is not None
    assert not submitted_filing.is_editable
    assert transitions(submitted_filing)[-1] == ("审核通过", "已提交", "已审核")


# ------------------------------------------------------------------------------------------------ publish


def test_publication_freezes_the_snapshot(approved_filing, reviewer):
    workflow.filing_publish(filing=approved_filing, user=reviewer)

    approved_filing.refresh_from_db()
    snapshot = approved_filing.published_snapshot
    assert approved_filing.status == S.PUBLISHED and approved_filing.published_at is not None
    assert snapshot["filing"]["department"] == "茂县信访局" and snapshot["filing"]["year"] == 2019
    figures = {row["key"]: row for row in snapshot["key_figures"]}
    assert figures["total"]["amount"] == "3823100.00"  # 收支总计 382.31 万元
    assert figures["total"]["prior"] == "3101700.00"  # 2018年 310.17 万元
    assert figures["project"]["amount"] == "649000.00"  # 项目支出 64.90 万元
    assert snapshot["charts"]["three_public"] == [
        ["因公出国（境）费", "0.00"],
        ["公务用车购置费", "0.00"],
        ["公务用车运行维护费", "32200.00"],
        ["公务接待费", "18500.00"],
    ]
    assert len(snapshot["tables"]) >= 9
    assert any("三公" in t["title"] for t in snapshot["tables"])
    assert [s["title"] for s in snapshot["sections"]]
    assert [p["code"] for p in snapshot["projects"]] == ["XF-01", "XF-02", "XF-03"]
    assert transitions(approved_filing)[-1] == ("公开", "已审核", "已公开")


def test_snapshot_does_not_follow_later_changes(published_filing):
    """Nothing can change a published filing's lines any more (the database refuses, migration 0009);
    the snapshot is the frozen copy either way."""
    before = published_filing.published_snapshot
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpenseLine.objects.filter(filing=published_filing, dept_economic_item__code="30217").update(actual_amount=Decimal("1.00"))
    published_filing.refresh_from_db()
    assert published_filing.published_snapshot == before


def test_publication_queues_document_generation(approved_filing, reviewer, django_capture_on_commit_callbacks):
    submitted_jobs = list(Job.objects.filter(filing=approved_filing).values_list("pk", flat=True))  # submission regenerated its documents
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    job = Job.objects.exclude(pk__in=submitted_jobs).get(filing=approved_filing, kind=Job.Kind.GENERATE_FILING)
    assert job.status == Job.Status.QUEUED
    # the job's send, the emails of the accountant's 已公开 message, and the public stamp's replacement
    assert len(callbacks) == 3 and public_stamp_invalidate in callbacks


def test_publishing_needs_the_publish_permission(approved_filing, django_user_model):
    review_only = django_user_model.objects.create_user("review-only", password="pw-Review-only-1")
    review_only.user_permissions.add(Permission.objects.get(codename="review_filing"))
    with pytest.raises(workflow.NotPermitted):
        workflow.filing_publish(filing=approved_filing, user=review_only)
    approved_filing.refresh_from_db()
    assert approved_filing.status == S.APPROVED and approved_filing.published_snapshot is None


@pytest.mark.parametrize("fixture", ["clean_filing", "submitted_filing", "returned_filing", "published_filing"])
def test_publishing_only_from_approved(request, fixture, reviewer):
    filing = request.getfixturevalue(fixture)
    with pytest.raises(workflow.WrongStatus):
        workflow.filing_publish(filing=filing, user=reviewer)


# ------------------------------------------------------------------------------------------------ correct


def test_correction_copies_everything_into_a_new_draft_version(published_filing, accountant):
    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="公务接待费填报有误")

    assert (correction.version, correction.status, correction.supersedes_id) == (2, S.DRAFT, published_filing.pk)
    assert correction.is_editable and correction.correction_note == "公务接待费填报有误"
    for related in ("expense_lines", "income_lines", "projects", "procurements", "assets", "prior_figures"):
        assert getattr(correction, related).count() == getattr(published_filing, related).count() > 0, related
    assert correction.three_public_stats.reception_batches == 126
    project_line = correction.expense_lines.get(project__isnull=False)
    assert project_line.project.filing_id == correction.pk and project_line.project.code == "XF-01"
    published_filing.refresh_from_db()
    assert published_filing.status == S.PUBLISHED  # the original stays public until the correction is published
    entry = AuditEntry.objects.get(filing=correction)
    assert (entry.action, entry.before, entry.after, entry.comment) == ("发起更正", "1", "2", "公务接待费填报有误")


def test_correction_copies_the_project_indicators(clean_filing, accountant, reviewer):
    from evaluations.models import Indicator

    project = Project.objects.get(filing=clean_filing, code="XF-02")
    Indicator.objects.create(project=project, level1="output", level2="quantity", name="化解疑难信访问题", comparator="ge", target_value=3, unit="件")
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    published_filing = workflow.filing_publish(filing=clean_filing, user=reviewer)
    correction = workflow.filing_correct(filing=published_filing, user=reviewer, note="补充")
    copied = Indicator.objects.get(project__filing=correction, name="化解疑难信访问题")
    assert (copied.target_value, copied.unit, copied.project.code) == (3, "件", "XF-02")
    assert Indicator.objects.filter(project__filing=correction).count() == 10  # 3 per project + the new one
    assert Indicator.objects.filter(project=project).count() == 4


def test_correction_of_a_final_account_keeps_its_self_evaluations(clean_filing, accountant, reviewer):
    """A correction copied the projects' indicators but not their self-evaluations: the 决算's correction had
    none, and publishing it unchanged published empty 绩效自评 forms. It copies each self-evaluation with its
    scores and results (a reviewer's adjustment included); the original's stay as they are."""
    from evaluations import services as evaluation_services
    from evaluations.models import IndicatorResult, SelfEvaluation
    from evaluations.scoring.engine import evaluation_score

    assert clean_filing.kind == "final"
    project = Project.objects.get(filing=clean_filing, code="XF-02")
    evaluation = evaluation_services.evaluation_start(owner=project, user=accountant)
    IndicatorResult.objects.filter(evaluation=evaluation).update(actual_value=Decimal("1"), reason="按计划完成")
    SelfEvaluation.objects.filter(pk=evaluation.pk).update(executed_amount=Decimal("12000.00"), goal_result="完成年度目标")
    evaluation_score(evaluation=SelfEvaluation.objects.get(pk=evaluation.pk))
    first = IndicatorResult.objects.filter(evaluation=evaluation).order_by("indicator__order", "pk").first()
    IndicatorResult.objects.filter(pk=first.pk).update(adjusted_score=Decimal("0.50"), adjust_comment="佐证不足", adjusted_by=reviewer)
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    published_filing = workflow.filing_publish(filing=clean_filing, user=reviewer)

    correction = workflow.filing_correct(filing=published_filing, user=reviewer, note="更正项目支出")

    def evaluated(filing):
        found = SelfEvaluation.objects.get(project__filing=filing, project__code="XF-02")
        results = [
            (r.indicator.name, r.actual_value, r.reason, r.score, r.adjusted_score, r.adjust_comment, r.indicator.project.filing_id)
            for r in found.results.select_related("indicator__project").order_by("indicator__order", "indicator__name")
        ]
        figures = (found.status, found.executed_amount, found.goal_result, found.total_score, found.grade, found.explanation)
        return found, figures, results

    original, original_figures, original_results = evaluated(published_filing)
    copied, copied_figures, copied_results = evaluated(correction)
    assert copied.pk != original.pk and copied.status == SelfEvaluation.Status.SCORED
    assert copied_figures == original_figures
    assert [r[:-1] for r in copied_results] == [r[:-1] for r in original_results]
    assert {r[-1] for r in copied_results} == {correction.pk} and {r[-1] for r in original_results} == {published_filing.pk}
    assert ("佐证不足", Decimal("0.50")) in [(r[5], r[4]) for r in copied_results]
    assert (
        SelfEvaluation.objects.filter(project__filing=correction).count() == SelfEvaluation.objects.filter(project__filing=published_filing).count()
    )
    assert publication_parts(filing=correction) == publication_parts(filing=published_filing)


def test_correction_needs_a_note_a_published_filing_and_the_department(published_filing, accountant, outsider):
    with pytest.raises(workflow.WorkflowError, match="更正说明"):
        workflow.filing_correct(filing=published_filing, user=accountant, note=" ")
    with pytest.raises(workflow.NotPermitted):
        workflow.filing_correct(filing=published_filing, user=outsider, note="改")
    workflow.filing_correct(filing=published_filing, user=accountant, note="第一次更正")
    with pytest.raises(workflow.WrongStatus, match="已有更正版本"):
        workflow.filing_correct(filing=published_filing, user=accountant, note="第二次更正")


def test_correction_only_after_publication(approved_filing, accountant):
    with pytest.raises(workflow.WrongStatus):
        workflow.filing_correct(filing=approved_filing, user=accountant, note="改")


def test_published_correction_records_what_changed(published_filing, accountant, reviewer):
    correction = approved_correction(published_filing, accountant, reviewer)
    workflow.filing_publish(filing=correction, user=reviewer)

    summary = correction.published_snapshot["correction"]
    assert summary["original_pk"] == published_filing.pk and summary["note"] == "公务接待费应为1.35万元"
    changes = {c["key"]: (c["before_wan"], c["after_wan"]) for c in summary["changes"]}
    assert changes["three_public.total"] == ("5.07", "4.57")
    assert changes["three:公务接待费"] == ("1.85", "1.35")
    assert "total" not in changes  # 收支总计 stays 382.31


def test_publishing_is_refused_while_the_text_still_asks_for_a_reason(clean_filing, accountant, reviewer):
    """No 【待填写】 placeholder may reach the public page: a missing reason blocks publication."""
    from disclosures.narrative import missing_reasons

    clean_filing.reasons = {}
    clean_filing.save(update_fields=["reasons"])
    workflow.filing_submit(filing=clean_filing, user=accountant)
    approved_filing = workflow.filing_approve(filing=clean_filing, user=reviewer)
    missing = missing_reasons(filing=approved_filing)
    assert missing, "the fixture's changes against last year need reasons"

    with pytest.raises(workflow.ReasonsMissing) as refused:
        workflow.filing_publish(filing=approved_filing, user=reviewer)

    assert missing[0].label in refused.value.message
    assert all(slot.label in refused.value.message for slot in missing)
    approved_filing.refresh_from_db()
    assert approved_filing.status == S.APPROVED and approved_filing.published_snapshot is None


def test_publishing_drafts_the_text_once(approved_filing, reviewer):
    """The reasons' check and the snapshot read the same drafted sections (the largest filing's text costs ~0.3 s)."""
    drafted = mock.Mock(wraps=narrative_sections.draft_sections)
    with mock.patch.object(narrative_sections, "draft_sections", drafted), mock.patch.object(snapshot_module, "draft_sections", drafted):
        workflow.filing_publish(filing=approved_filing, user=reviewer)
    assert drafted.call_count == 1
    assert approved_filing.published_snapshot["sections"]


def test_correction_keeps_the_unit_the_filing_publishes_in(clean_filing, accountant, reviewer):
    Filing.objects.filter(pk=clean_filing.pk).update(amount_unit="yuan")  # chosen while a draft: locked once published
    workflow.filing_submit(filing=clean_filing, user=accountant)
    workflow.filing_approve(filing=clean_filing, user=reviewer)
    published_filing = workflow.filing_publish(filing=clean_filing, user=reviewer)
    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="单位沿用")
    assert correction.amount_unit == "yuan"
