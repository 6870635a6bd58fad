"""Write a whole filing to one workbook in the upload template format (read back by import_filing)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from disclosures.imports.template import filing_workbook
from disclosures.models import Filing


class Command(BaseCommand):
    help = "导出一个部门某年度的预算或决算填报为 Excel 工作簿（与导入模板格式相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称或编码")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--kind", required=True, choices=Filing.Kind.values)
        parser.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, department, year, kind, output, **options):
        filing = (
            Filing.objects.filter(Q(department__name=department) | Q(department__code=department), fiscal_year__year=year, kind=kind)
            .select_related("department", "fiscal_year")
            .order_by("-version")
            .first()
        )
        if filing is None:
            raise CommandError(f"没有找到 {department} {year} 年的{Filing.Kind(kind).label}填报。")
        filing_workbook(filing=filing).save(output)
        self.stdout.write(f"已导出 {filing} → {output}")
