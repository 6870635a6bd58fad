"""The Job model moves here from disclosures, keeping its table `disclosures_job` and its rows.

Only Django's state changes: this migration adds jobs.Job over the existing table, and
disclosures/0012 points FilingDocument.job at it and drops disclosures.Job from the state. The content
type (and so the permissions and admin log entries) is renamed to the new app where it exists.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_jobs(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label="disclosures", model="job").update(app_label="jobs")


def content_type_to_disclosures(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label="jobs", model="job").update(app_label="disclosures")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("disclosures", "0011_merge_locks_jobs_uploads"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("generate_filing", "生成公开表格和说明"), ("score_evaluation", "绩效自评评分"), ("import_workbook", "导入Excel"), ("evaluation_pdf", "生成绩效表格PDF"), ("ping", "连通性测试")], max_length=30, verbose_name="类型")),
                        ("status", models.CharField(choices=[("queued", "排队中"), ("running", "运行中"), ("done", "已完成"), ("failed", "失败")], db_index=True, default="queued", max_length=10, verbose_name="状态")),
                        ("batch", models.CharField(blank=True, db_index=True, help_text="同一批次的多个任务（如全县生成）。", max_length=40, verbose_name="批次")),
                        ("params", models.JSONField(blank=True, default=dict, verbose_name="参数")),
                        ("progress", models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(100)], verbose_name="进度（%）")),
                        ("message", models.CharField(blank=True, max_length=200, verbose_name="当前步骤")),
                        ("result", models.JSONField(blank=True, default=dict, verbose_name="结果")),
                        ("error", models.TextField(blank=True, verbose_name="错误")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数")),
                        ("task", models.CharField(blank=True, help_text="重新发送时使用的任务名。", max_length=100, verbose_name="Celery 任务")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("sent_at", models.DateTimeField(blank=True, help_text="最近一次成功交给消息队列的时间；为空表示尚未发出。", null=True, verbose_name="发送时间")),
                        ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="开始时间")),
                        ("heartbeat_at", models.DateTimeField(blank=True, help_text="运行中的任务最近一次报告仍在运行的时间。", null=True, verbose_name="心跳时间")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="结束时间")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="发起人")),
                        ("filing", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="jobs", to="disclosures.filing", verbose_name="填报")),
                    ],
                    options={
                        "verbose_name": "后台任务",
                        "verbose_name_plural": "后台任务",
                        "db_table": "disclosures_job",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [models.CheckConstraint(condition=models.Q(("progress__lte", 100)), name="job_progress_at_most_100")],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(content_type_to_jobs, content_type_to_disclosures)],
        ),
    ]
