"""manage.py load_demo — build the demo data from the four seed documents (idempotent) and print the logins."""

from django.core.management.base import BaseCommand

from demo.build import DEMO_USERS, build_demo
from demo.workflow import advance_demo
from disclosures.money import format_wan


class Command(BaseCommand):
    help = "载入演示数据（四份种子文件：茂县、山海关区、资阳区、望城区信访局），可重复运行。"

    def handle(self, *args, **options):
        demo = build_demo()
        advance_demo(demo)  # the review workflow's demo states: published, returned
        for key in ("maoxian", "shanhaiguan", "ziyang", "wangcheng"):
            filing = getattr(demo, key).filing
            total = sum(line.budget_amount for line in filing.expense_lines.all())
            self.stdout.write(f"{filing}：支出明细 {filing.expense_lines.count()} 条，合计 {format_wan(total)} 万元（{filing.get_status_display()}）")
        self.stdout.write(self.style.SUCCESS("演示数据已载入。演示账号（用户名 / 密码 / 角色）："))
        roles = {"superuser": "系统管理员", "reviewer": "财政局审核人", "accountant": "部门填报人"}
        for username, (password, role, _department_code) in DEMO_USERS.items():
            department = demo.users[username].membership.department.name if role == "accountant" else ""
            self.stdout.write(f"  {username} / {password} / {roles[role]}{('（' + department + '）') if department else ''}")
