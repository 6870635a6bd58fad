"""The generic background job: the row a Celery task claims, reports progress on and finishes.

The jobs app knows nothing of the apps that use it: a job may point at a filing (the foreign key is by
name, "disclosures.Filing"), and what a user may see is widened by rules the other apps register
(`jobs.selectors.visibility_register`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q


class Job(models.Model):
    """A background job the user can watch: the row a Celery task claims, updates and finishes."""

    class Kind(models.TextChoices):
        GENERATE_FILING = "generate_filing", "生成公开表格和说明"
        SCORE_EVALUATION = "score_evaluation", "绩效自评评分"
        IMPORT_WORKBOOK = "import_workbook", "导入Excel"
        EVALUATION_PDF = "evaluation_pdf", "生成绩效表格PDF"
        PUBLISH_FILINGS = "publish_filings", "批量公开"
        PING = "ping", "连通性测试"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    filing = models.ForeignKey("disclosures.Filing", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs", verbose_name="填报")
    batch = models.CharField("批次", max_length=40, blank=True, db_index=True, help_text="同一批次的多个任务（如全县生成）。")
    params = models.JSONField("参数", default=dict, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0, validators=[MaxValueValidator(100)])
    message = models.CharField("当前步骤", max_length=200, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    task = models.CharField("Celery 任务", max_length=100, blank=True, help_text="重新发送时使用的任务名。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发起人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True, help_text="最近一次成功交给消息队列的时间；为空表示尚未发出。")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True, help_text="运行中的任务最近一次报告仍在运行的时间。")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The table keeps the name it had when the model lived in disclosures (see migrations/0001).
        db_table = "disclosures_job"
        verbose_name = verbose_name_plural = "后台任务"
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.get_status_display()}"
