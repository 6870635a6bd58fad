"""Write a filing's generated documents to a directory:
`manage.py generate_documents --department 茂县信访局 --year 2019 --kind final [--formats xlsx,html,pdf] -o DIR`.

The documents are built by the code the generation job runs (services.generation.filing_render_documents):
the same tables, text, xlsx, HTML and PDF, written to DIR under their download names; the filing's stored
documents are left as they are.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from disclosures.models import Filing
from disclosures.services.generation import (
    ALL_FORMATS,
    document_file_name,
    filing_render_documents,
    formats_checked,
)


class Command(BaseCommand):
    help = "把一个部门某年度预算或决算的公开文件（Excel 表格、HTML、PDF）生成到指定目录。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称或编码")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--kind", required=True, choices=Filing.Kind.values, help="budget（部门预算）或 final（部门决算）")
        parser.add_argument("--formats", default=",".join(ALL_FORMATS), help="逗号分隔：xlsx,html,pdf（默认全部）")
        parser.add_argument("-o", "--output", required=True, help="输出目录（不存在则创建）")

    def handle(self, *args, department, year, kind, formats, output, **options):
        try:
            wanted = formats_checked(f.strip() for f in formats.split(",") if f.strip())
        except ValueError:
            raise CommandError(f"格式“{formats}”无效，应为 xlsx、html、pdf 中的一个或多个，以逗号分隔。") from None
        filing = (
            Filing.objects.filter(Q(department__name=department) | Q(department__code=department), fiscal_year__year=year, kind=kind)
            .select_related("department", "fiscal_year")
            .order_by("-version")
            .first()
        )
        if filing is None:
            raise CommandError(f"没有找到{department}{year}年的{Filing.Kind(kind).label}填报。")
        directory = Path(output)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"无法创建输出目录“{directory}”：{error.strerror}") from None
        # a published filing's documents print the performance forms frozen with its publication, as the public sees them
        rendered = filing_render_documents(filing=filing, formats=wanted, publication=filing.status == Filing.Status.PUBLISHED)
        for format, content in rendered.contents.items():
            path = directory / document_file_name(filing=filing, format=format)
            path.write_bytes(content)
            self.stdout.write(f"已生成 {path}（{len(content):,} 字节）")
        self.stdout.write(f"{filing}：{len(rendered.tables)} 张表，说明 {len(rendered.sections)} 节。")
