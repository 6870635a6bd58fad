"""manage.py remind_overdue — remind accountants and reviewers of approved filings not published within
20 days of approval (run it daily: Celery beat does, or cron). Running it again sends nothing new."""

from django.core.management.base import BaseCommand

from disclosures.services.notifications import overdue_reminders_send


class Command(BaseCommand):
    help = "提醒批复后超过20日仍未公开的填报（部门填报人和财政局审核人）。可重复运行，同一提醒只发一次。"

    def handle(self, *args, **options):
        written = overdue_reminders_send()
        self.stdout.write(f"公开超期提醒：新发{written}条消息。")
