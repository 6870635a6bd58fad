"""A project copied into next year's filing (新建填报 from last year's) takes its performance targets along.

Registered with disclosures' copy hooks at EvaluationsConfig.ready (disclosures never imports evaluations).
Only the target side is copied: each indicator's levels, name, description, comparator, target value or
text, unit, basis, weight and order (services.INDICATOR_FIELDS, what the targets page and the import
write). Last year's self-evaluation, its results (完成值, scores) and reviewers' adjustments stay with last
year's project.

No indicator field depends on the year (no catalog code, no rule set): every indicator can be copied, so the
hook skips none. One an earlier rule would refuse today (an 二级 outside its 一级, a padded unit) is copied
as it is, and the filing's target checks (evaluations.checks) name it, as they did last year.
"""

from __future__ import annotations

from disclosures.services.filings import HookCopied, ProjectsCopied
from evaluations.models import Indicator
from evaluations.services import INDICATOR_FIELDS

LABEL = "绩效指标"
#: How the 新建填报 page names what follows the projects.
WHAT = "绩效目标"


def indicators_copy(copied: ProjectsCopied) -> HookCopied:
    """Copy the indicators of last year's projects to their copies: one read, one insert per 1,000 rows."""
    rows = (
        Indicator.objects.filter(project_id__in=list(copied.projects)).order_by("project_id", "order", "id").values("project_id", *INDICATOR_FIELDS)
    )
    new = [Indicator(project=copied.projects[row.pop("project_id")], **row) for row in rows]
    Indicator.objects.bulk_create(new, batch_size=1000)
    return HookCopied(label=LABEL, count=len(new))
