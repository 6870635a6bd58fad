"""manage.py sweep_jobs — recover background jobs a broker or worker fault left behind (run it every minute).

Operators schedule either this command (cron) or Celery beat (`celery -A config beat`, which runs the same
sweep every JOB_SWEEP_SECONDS); see jobs.services.jobs_sweep.
"""

from django.core.management.base import BaseCommand

from jobs.services import jobs_sweep


class Command(BaseCommand):
    help = "重新发送未能发出或已丢失的后台任务，收回已停止的工作进程的任务。建议每分钟运行一次。"

    def handle(self, *args, **options):
        result = jobs_sweep()
        self.stdout.write(f"后台任务巡检：{result}")
