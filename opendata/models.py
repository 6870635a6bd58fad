"""The search index of the published filings (公开数据检索).

One row per thing a reader may look for in a published filing: the department, each 功能分类 科目 (code
and name) of its tables, each project and each performance indicator. Rows are derived from the
frozen snapshot only (opendata.search builds them) and are rebuilt whenever the set of current
published versions changes, so the index never holds anything the public site does not show.
"""

from django.db import models

from disclosures.models import Filing


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门"
        FUNCTION = "function", "功能分类科目"
        PROJECT = "project", "项目"
        INDICATOR = "indicator", "绩效指标"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="+", verbose_name="填报")
    published_at = models.DateTimeField("公开时间", null=True)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    code = models.CharField("编码", max_length=40, blank=True)
    label = models.CharField("名称", max_length=300)
    context = models.CharField("所在位置", max_length=300, blank=True)
    anchor = models.CharField("页内位置", max_length=60, blank=True)
    text = models.TextField("检索文本", help_text="编码和名称，小写。PostgreSQL 上有 pg_trgm 三元组索引。")

    class Meta:
        verbose_name = verbose_name_plural = "检索条目"
        constraints = [
            models.UniqueConstraint(fields=["filing", "kind", "anchor", "label"], name="opendata_search_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.label}"
