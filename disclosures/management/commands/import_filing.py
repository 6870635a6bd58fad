"""Create (or update an editable) filing from one workbook in the format export_filing writes."""

from django.core.management.base import BaseCommand, CommandError

from disclosures.imports.apply import ImportFailed
from disclosures.imports.filing_io import check_workbook, import_filing_workbook
from disclosures.imports.workbook import WorkbookError
from disclosures.models import Filing


class Command(BaseCommand):
    help = "从 Excel 工作簿导入一个部门的预算或决算填报（单位、收入、项目、支出、三公数量、政府采购、资产）。全部通过校验才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 工作簿")
        parser.add_argument("--department", help="部门名称或编码（默认读“填报”表）")
        parser.add_argument("--year", type=int, help="年度（默认读“填报”表）")
        parser.add_argument("--kind", choices=Filing.Kind.values, help="budget 或 final（默认读“填报”表）")

    def handle(self, *args, file, department, year, kind, **options):
        try:
            check_workbook(file)
            filing, summaries = import_filing_workbook(path=file, department=department, year=year, kind=kind)
        except (WorkbookError, OSError) as error:
            raise CommandError(str(error)) from None
        except ImportFailed as failure:
            for message in failure.messages:
                self.stderr.write(message)
            raise CommandError(f"导入失败（{len(failure.messages)} 处错误），没有写入任何数据。") from None
        for summary in summaries:
            self.stdout.write(summary)
        self.stdout.write(f"已导入 {filing}（编号 {filing.pk}）")
