"""Where to fix what a check or a reviewer points at: a check's Location, or a review comment's target
("表7 一般公共预算“三公”经费支出表 · 支出明细#12"), as a link into the workspace — the line's row in
the line editor (on its page), the project's row, the 三公经费 form, a sheet, or the reason's field on
the 说明 page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from disclosures.models import ExpenseLine, Filing, IncomeLine, Project, ReviewComment
from disclosures.selectors.grid import PAGE_SIZE, SHEETS


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class Target:
    """What a link points at, from a check's Location or a comment's target text."""

    table: str = ""
    cell: str = ""
    line_id: int | None = None
    project_code: str = ""
    reason: str = ""


#: A table's words → the sheet of the line editor where its figures are entered (first match wins).
SHEET_OF_TABLE = (
    (("三公", "公务用车", "公务接待", "因公出国"), "three_public"),
    (("政府采购",), "procurement"),
    (("国有资产", "车辆"), "asset"),
    (("项目",), "project"),
    (("收入",), "income"),
    (("支出", "财政拨款"), "expense"),
)
LINE_PATTERN = re.compile(r"(支出|收入)明细#(\d+)")


class Linker:
    """Links for one filing; row positions (for the editor's page) are read once per sheet."""

    def __init__(self, filing: Filing):
        self.filing = filing
        self._positions: dict[str, dict[int, int]] = {}

    def for_location(self, location) -> Link | None:
        return self.link(
            Target(
                table=location.table,
                cell=location.cell,
                line_id=location.line_id,
                project_code=location.project_code,
                reason=getattr(location, "reason", ""),
            )
        )

    def for_comment(self, target: str) -> Link | None:
        """A review comment's target: '表7 …', '支出明细#12', '说明（文字部分）', '项目及绩效目标', or '整体'."""
        text = (target or "").strip()
        if not text or text == "整体":
            return None
        line = LINE_PATTERN.search(text)
        if line and line.group(1) == "支出":
            return self.link(Target(table=text, line_id=int(line.group(2))))
        return self.link(Target(table=text, cell=line.group(0) if line else ""))

    def link(self, target: Target) -> Link | None:
        pk = self.filing.pk
        if target.reason:
            return Link(reverse("disclosures:filing_text", args=[pk]) + f"#r-{target.reason}", "填写原因")
        if target.line_id is not None and ExpenseLine.objects.filter(pk=target.line_id, filing_id=pk).exists():
            return self._row("expense", target.line_id, "打开该条支出明细")
        income = LINE_PATTERN.search(target.cell)
        if income and income.group(1) == "收入" and IncomeLine.objects.filter(pk=int(income.group(2)), filing_id=pk).exists():
            return self._row("income", int(income.group(2)), "打开该条收入明细")
        if target.project_code:
            project = Project.objects.filter(filing_id=pk, code=target.project_code).values_list("pk", flat=True).first()
            if project is not None:
                return self._row("project", project, f"打开项目 {target.project_code}")
        words = f"{target.table} {target.cell}"
        if "说明" in target.table:
            return Link(reverse("disclosures:filing_text", args=[pk]), "打开说明")
        for keys, sheet in SHEET_OF_TABLE:
            if any(key in words for key in keys):
                if sheet == "three_public":
                    return Link(reverse("disclosures:three_public_form", args=[pk]), "打开三公经费")
                return Link(reverse("disclosures:line_editor", args=[pk, sheet]), f"打开{SHEETS[sheet].title}")
        return None

    def _row(self, sheet: str, row: int, label: str) -> Link:
        """The row on its page of the line editor, scrolled to (the editor pages PAGE_SIZE rows)."""
        if sheet not in self._positions:
            order = SHEETS[sheet].queryset(self.filing).values_list("pk", flat=True)
            self._positions[sheet] = {pk: n for n, pk in enumerate(order)}
        page = self._positions[sheet].get(row, 0) // PAGE_SIZE + 1
        url = reverse("disclosures:line_editor", args=[self.filing.pk, sheet])
        return Link(f"{url}?page={page}#row-{row}", label)


def open_comments(*, filings: list[Filing]) -> dict[int, list[ReviewComment]]:
    """The reviewer's unresolved comments of each filing (one query), oldest first."""
    found: dict[int, list[ReviewComment]] = {}
    if not filings:
        return found
    comments = ReviewComment.objects.filter(filing__in=filings, resolved=False).select_related("author").order_by("created_at", "pk")
    for comment in comments:
        found.setdefault(comment.filing_id, []).append(comment)
    return found
