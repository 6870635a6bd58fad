"""A copied project takes its performance data along: registered with disclosures' copy hooks at
EvaluationsConfig.ready (disclosures never imports evaluations).

Into next year's filing (新建填报 from last year's) only the target side is copied: each indicator's levels,
name, description, comparator, target value or text, unit, basis, weight and order (services.INDICATOR_FIELDS,
what the targets page and the import write). Last year's self-evaluation, its results (完成值, scores) and
reviewers' adjustments stay with last year's project.

Into a correction (公开更正 of the same filing) everything is copied: the indicators whole, each project's
self-evaluation with its status, scores and 计算过程, and its results with their scores and the reviewers'
adjustments. Before, a correction of a published 决算 lost its projects' self-evaluations, and publishing
it unchanged published empty 绩效自评 forms.

No indicator field depends on the year (no catalog code, no rule set): every indicator can be copied, so the
hook skips none. One an earlier rule would refuse today (an 二级 outside its 一级, a padded unit) is copied
as it is, and the filing's target checks (evaluations.checks) name it, as they did last year.
"""

from __future__ import annotations

from disclosures.services.filings import HookCopied, ProjectsCopied
from evaluations.models import Indicator, IndicatorResult, SelfEvaluation
from evaluations.services import INDICATOR_FIELDS

LABEL = "绩效指标"
#: How the 新建填报 page names what follows the projects.
WHAT = "绩效目标"


def indicators_copy(copied: ProjectsCopied) -> HookCopied:
    """Copy the indicators of the source's projects to their copies (and for a correction their
    self-evaluations): one read and one insert per 1,000 rows of each model."""
    fields = _copied_fields(Indicator, "project") if copied.correction else INDICATOR_FIELDS
    rows = Indicator.objects.filter(project_id__in=list(copied.projects)).order_by("project_id", "order", "id").values("id", "project_id", *fields)
    old_ids = [row.pop("id") for row in rows]
    new = [Indicator(project=copied.projects[row.pop("project_id")], **row) for row in rows]
    Indicator.objects.bulk_create(new, batch_size=1000)
    if copied.correction:
        _evaluations_copy(copied, indicators=dict(zip(old_ids, new, strict=True)))
    return HookCopied(label=LABEL, count=len(new))


def _copied_fields(model, *moved: str) -> tuple[str, ...]:
    """The concrete fields of a row a correction copies as they are: all but its pk and the keys it moves."""
    return tuple(field.attname for field in model._meta.concrete_fields if not field.primary_key and field.name not in moved)


def _evaluations_copy(copied: ProjectsCopied, *, indicators: dict[int, Indicator]) -> None:
    """The projects' self-evaluations and their results, moved to the copied projects and indicators."""
    evaluations = list(
        SelfEvaluation.objects.filter(project_id__in=list(copied.projects)).values("id", "project_id", *_copied_fields(SelfEvaluation, "project"))
    )
    old_ids = [row.pop("id") for row in evaluations]
    new = [SelfEvaluation(project=copied.projects[row.pop("project_id")], **row) for row in evaluations]
    SelfEvaluation.objects.bulk_create(new, batch_size=1000)
    moved = dict(zip(old_ids, new, strict=True))
    results = IndicatorResult.objects.filter(evaluation_id__in=old_ids).values(
        "evaluation_id", "indicator_id", *_copied_fields(IndicatorResult, "evaluation", "indicator")
    )
    IndicatorResult.objects.bulk_create(
        [IndicatorResult(evaluation=moved[row.pop("evaluation_id")], indicator=indicators[row.pop("indicator_id")], **row) for row in results],
        batch_size=1000,
    )
