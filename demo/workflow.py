"""Demo states of the review workflow, run by `load_demo` after the demo data is built.

Moves demo filings through the real workflow services (so every step is checked and audited) until
at least two are published with their snapshots and one is returned with comments:

1. Drafts whose checks pass are submitted, approved and published (newest year first).
2. A draft whose only errors are projects without 产出/效益/满意度 indicators (the seeds publish
   none for some departments) gets generic example indicators through the evaluations service — as
   its accountant would — and is then published too.
3. The next passing draft is submitted and returned with comments; when there is none, a published
   filing is corrected (a new version) and that correction is submitted and returned.

Filings with other errors (the seeds' arithmetic mistakes) stay drafts, so the checks stay visible.
The prior year invented for one department (demo.ZIYANG_PRIOR_YEAR) is left out of the steps above and
published afterwards, budget then final accounts, so that the open-data history page shows a series.
Before its final accounts are submitted, the department self-evaluates every project and the department
as a whole (invented results, ZIYANG_2019_SELF_EVALUATION), so the demo publishes a 决算 whose public
page, PDF and workbook carry the 绩效自评 forms and scores.
Running the step again once the states exist changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum

from demo.build import ZIYANG_PRIOR_YEAR
from disclosures.access import can_publish
from disclosures.checks import run_checks
from disclosures.models import DepartmentMembership, Filing
from disclosures.services import workflow
from evaluations.scoring import evaluation_score, reason_required, score_sheet
from evaluations.scoring.numbers import q2
from evaluations.services import ResultInput, department_target_save, evaluation_save, evaluation_start, indicator_save

PUBLISHED_WANTED = 2
#: The department whose prior year (demo.ZIYANG_PRIOR_YEAR) the demo invents and publishes separately.
PRIOR_YEAR_DEPARTMENT = "430902-XFJ"
RETURNED_WANTED = 1
MISSING_INDICATORS_CHECK = "targets.level1_missing"
DEMO_RETURN_COMMENTS = [
    ("表7 一般公共预算“三公”经费支出表", "“三公”经费与上年相比有变化，请在说明中写明变动的主要原因。"),
    ("说明（文字部分）", "机关运行经费的变动原因尚未填写，请补充后重新提交。"),
]
DEMO_CORRECTION_NOTE = "更正政府采购预算数（演示）。"
#: (一级, 二级, 三级 name, comparator, target value, target text, unit) — generic example indicators.
EXAMPLE_INDICATORS = (
    ("output", "quantity", "项目任务完成率", "ge", 100, "", "%"),
    ("effect", "social", "社会矛盾纠纷化解成效", "qualitative", None, "矛盾纠纷得到有效化解", ""),
    ("satisfaction", "satisfaction", "服务对象满意度", "ge", 90, "", "%"),
)


#: 资阳's invented 2019 self-evaluations, per project (by its order): the actuals of EXAMPLE_INDICATORS —
#: 项目任务完成率 (%), the band of 社会矛盾纠纷化解成效 and where in the band's points the evaluator puts it,
#: 服务对象满意度 (%) — and the reason a shortfall needs.
ZIYANG_2019_SELF_EVALUATION = {
    1: ("100", "achieved", "0.95", "96", ""),
    2: ("100", "achieved", "0.90", "93", ""),
    3: ("100", "achieved", "1.00", "95", ""),
    4: ("85", "partial", "0.30", "91", "部分走访任务因疫情防控推迟到次年，已调整工作计划。"),
    5: ("100", "achieved", "0.90", "88", "调处中心网络故障影响部分群众办事体验，已更换设备。"),
    6: ("100", "achieved", "0.95", "94", ""),
    7: ("100", "achieved", "0.85", "92", ""),
    8: ("100", "achieved", "1.00", "97", ""),
}
#: 资阳's invented 2019 部门整体 target: (一级, 二级, 三级, comparator, target, unit, actual, band, position in band).
ZIYANG_2019_DEPARTMENT_GOAL = "及时就地解决群众合理诉求，信访事项按期办结，矛盾纠纷有效化解，全区信访形势平稳。"
ZIYANG_2019_DEPARTMENT_INDICATORS = (
    ("output", "quantity", "接待群众来访批次", "ge", "500", "批次", "568", "", ""),
    ("output", "quality", "信访事项按期办结率", "ge", "95", "%", "98", "", ""),
    ("output", "timeliness", "网上信访事项按期受理率", "ge", "100", "%", "100", "", ""),
    ("effect", "social", "矛盾纠纷化解成效", "qualitative", None, "", None, "achieved", "0.90"),
    ("satisfaction", "satisfaction", "群众满意度", "ge", "90", "%", "93", "", ""),
)
DEPARTMENT_GOAL_RESULT = "全年接待群众来访568批次，信访事项按期办结率98%，未发生重大群体性事件。"


def demo_reviewer():
    """A user who may review and publish: a reviewer of the demo, else a superuser."""
    users = get_user_model().objects.filter(is_active=True)
    candidates = (
        users.filter(Q(is_superuser=True) | Q(groups__permissions__codename="publish_filing") | Q(user_permissions__codename="publish_filing"))
        .distinct()
        .order_by("-is_superuser", "pk")
    )
    preferred = [u for u in candidates if not u.is_superuser and can_publish(u)]
    return preferred[0] if preferred else candidates.first()


def advance_demo_workflow(*, log: Callable[[str], None] = print, reviewer=None) -> dict[str, int]:
    """Publish two demo filings and return one with comments; returns the counts reached."""
    reviewer = reviewer or demo_reviewer()
    if reviewer is None:
        log("没有审核人账号，跳过演示流程。")
        return {"published": 0, "returned": 0}
    state = {
        "published": Filing.objects.filter(status=Filing.Status.PUBLISHED).count(),
        "returned": Filing.objects.filter(status=Filing.Status.RETURNED).count(),
    }
    accountants = {m.department_id: m.user for m in DepartmentMembership.objects.select_related("user")}

    def done() -> bool:
        return state["published"] >= PUBLISHED_WANTED and state["returned"] >= RETURNED_WANTED

    drafts = (
        Filing.objects.filter(status=Filing.Status.DRAFT, supersedes__isnull=True)
        .exclude(_prior_year_demo_filter())
        .select_related("department", "fiscal_year")
        .order_by("-fiscal_year__year", "department__code", "kind")
    )
    for filing in drafts:
        if done():
            break
        accountant = accountants.get(filing.department_id)
        if accountant is None:
            continue
        errors = run_checks(filing=filing).errors
        if errors and state["published"] < PUBLISHED_WANTED and {e.check for e in errors} == {MISSING_INDICATORS_CHECK}:
            _add_example_indicators(filing=filing, user=accountant)
            log(f"{filing}：补充了示例绩效指标。")
        try:
            workflow.filing_submit(filing=filing, user=accountant)
        except workflow.ChecksFailed as refused:
            log(f"{filing}：检查有{len(refused.report.errors)}个错误，保留为草稿。")
            continue
        if state["published"] < PUBLISHED_WANTED:
            workflow.filing_approve(filing=filing, user=reviewer, comment="演示数据审核通过")
            workflow.filing_publish(filing=filing, user=reviewer)
            state["published"] += 1
            log(f"{filing}：已公开。")
        else:
            workflow.filing_return(filing=filing, user=reviewer, comments=DEMO_RETURN_COMMENTS)
            state["returned"] += 1
            log(f"{filing}：已退回（附审核意见）。")

    if state["returned"] < RETURNED_WANTED:
        _return_a_correction(reviewer=reviewer, accountants=accountants, log=log, state=state)
    return state


def _add_example_indicators(*, filing: Filing, user) -> None:
    for project in filing.projects.all():
        present = set(project.indicators.values_list("level1", flat=True))
        for level1, level2, name, comparator, value, text, unit in EXAMPLE_INDICATORS:
            if level1 in present:
                continue
            indicator_save(
                owner=project,
                user=user,
                data={
                    "level1": level1,
                    "level2": level2,
                    "name": name,
                    "comparator": comparator,
                    "target_value": value,
                    "target_text": text,
                    "unit": unit,
                    "basis": "演示用示例指标",
                },
            )


def _return_a_correction(*, reviewer, accountants, log, state) -> None:
    """A published filing's accountant starts a correction and submits it unchanged; the reviewer returns it."""
    for original in Filing.objects.filter(status=Filing.Status.PUBLISHED, superseded_by__isnull=True).order_by("pk"):
        accountant = accountants.get(original.department_id)
        if accountant is None:
            continue
        correction = workflow.filing_correct(filing=original, user=accountant, note=DEMO_CORRECTION_NOTE)
        try:
            workflow.filing_submit(filing=correction, user=accountant)
        except workflow.ChecksFailed:
            continue
        workflow.filing_return(
            filing=correction,
            user=reviewer,
            comments=[("整体", "更正版本的数据与已公开版本相同，请先修改需要更正的数据，并在更正说明中写明更正前后的数字。")],
        )
        state["returned"] += 1
        log(f"{correction}：更正版本已退回（附审核意见）。")
        return


def _prior_year_demo_filter() -> Q:
    return Q(department__code=PRIOR_YEAR_DEPARTMENT, fiscal_year__year=ZIYANG_PRIOR_YEAR)


def publish_prior_year_demo(*, log: Callable[[str], None] = print, reviewer=None) -> int:
    """Publish the invented prior-year filings (budget, then final accounts); returns how many were published now."""
    reviewer = reviewer or demo_reviewer()
    accountants = {m.department_id: m.user for m in DepartmentMembership.objects.select_related("user")}
    published = 0
    drafts = Filing.objects.filter(_prior_year_demo_filter(), status=Filing.Status.DRAFT, supersedes__isnull=True).order_by("kind")
    for filing in drafts:  # "budget" sorts before "final"
        accountant = accountants.get(filing.department_id)
        if reviewer is None or accountant is None:
            continue
        _add_example_indicators(filing=filing, user=accountant)
        if filing.kind == Filing.Kind.FINAL:
            _self_evaluate(filing=filing, user=accountant)
        try:
            workflow.filing_submit(filing=filing, user=accountant)
        except workflow.ChecksFailed as refused:
            log(f"{filing}：检查有{len(refused.report.errors)}个错误，保留为草稿。")
            continue
        workflow.filing_approve(filing=filing, user=reviewer, comment="演示数据审核通过（上年数据为演示虚构）")
        workflow.filing_publish(filing=filing, user=reviewer)
        published += 1
        log(f"{filing}：已公开（演示用上年数据）。")
    return published


def _self_evaluate(*, filing: Filing, user) -> None:
    """The department's self-evaluations of the year, as its accountant enters them on the evaluation pages:
    each project's (ZIYANG_2019_SELF_EVALUATION) and the department's as a whole (its target first), scored."""
    for project in filing.projects.order_by("order"):
        completion, band, position, satisfaction, reason = ZIYANG_2019_SELF_EVALUATION[project.order]
        actuals = {
            "项目任务完成率": (Decimal(completion), "", None),
            "社会矛盾纠纷化解成效": (None, band, Decimal(position)),
            "服务对象满意度": (Decimal(satisfaction), "", None),
        }
        amounts = {"executed_amount": project.actual_amount, "fiscal_executed_amount": project.actual_amount}
        _evaluate(owner=project, user=user, actuals=actuals, reason=reason, amounts=amounts, goal_result=project.result_summary)
    totals = filing.expense_lines.aggregate(budget=Sum("budget_amount"), actual=Sum("actual_amount"))
    target = department_target_save(
        department=filing.department,
        fiscal_year=filing.fiscal_year,
        user=user,
        overall_goal=ZIYANG_2019_DEPARTMENT_GOAL,
        budget_amount=totals["budget"],
    )
    actuals = {}
    for order, (level1, level2, name, comparator, value, unit, actual, band, position) in enumerate(ZIYANG_2019_DEPARTMENT_INDICATORS, start=1):
        data = {
            "level1": level1,
            "level2": level2,
            "name": name,
            "comparator": comparator,
            "target_value": Decimal(value) if value else None,
            "unit": unit,
            "order": order,
        }
        if comparator == "qualitative":
            data["target_text"] = "矛盾纠纷得到有效化解"
        indicator_save(owner=target, user=user, data=data)
        actuals[name] = (Decimal(actual) if actual else None, band, Decimal(position) if position else None)
    amounts = {"executed_amount": totals["actual"], "fiscal_budget_amount": totals["budget"], "fiscal_executed_amount": totals["actual"]}
    _evaluate(owner=target, user=user, actuals=actuals, reason="", amounts=amounts, goal_result=DEPARTMENT_GOAL_RESULT)


def _evaluate(*, owner, user, actuals: dict, reason: str, amounts: dict, goal_result: str) -> None:
    """Enter a self-evaluation's actuals, then pick each qualitative score at its `position` in the band's
    points (as the evaluator does once the band is chosen), and score it."""
    evaluation = evaluation_start(owner=owner, user=user)
    indicators = list(owner.indicators.all())

    def save(chosen: dict[int, Decimal]) -> None:
        results = []
        for i in indicators:
            value, band, _position = actuals[i.name]
            needs_reason = reason_required(indicator=i, actual_value=value, band=band, rule_set=evaluation.rule_set)
            results.append(
                ResultInput(indicator=i, actual_value=value, band=band, chosen_score=chosen.get(i.pk), reason=reason if needs_reason else "")
            )
        evaluation_save(evaluation=evaluation, user=user, amounts=amounts, execution_reason="", goal_result=goal_result, results=results)

    save({})
    picks = {}
    for line in score_sheet(evaluation=evaluation).lines:
        position = actuals[line.indicator.name][2]
        if position is not None:
            low, high = line.outcome.low, line.outcome.high
            picks[line.indicator.pk] = q2(low + (high - low) * position)
    save(picks)
    evaluation_score(evaluation=evaluation)


def advance_demo(demo=None) -> dict[str, int]:
    """The step `load_demo` runs after building the demo data; refreshes the namespace's filings."""
    counts = advance_demo_workflow(log=lambda message: None, reviewer=getattr(demo, "reviewer", None))
    publish_prior_year_demo(log=lambda message: None, reviewer=getattr(demo, "reviewer", None))
    for value in vars(demo).values() if demo is not None else ():
        for name in ("filing", "budget", "final"):
            filing = getattr(value, name, None)
            if isinstance(filing, Filing):
                filing.refresh_from_db()
    return counts
