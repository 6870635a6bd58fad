"""manage.py load_catalog --year 2020 [--kind function --file F [--edition "《2021年政府收支分类科目》"]]

Without --file: loads the shipped starter catalog (2020 edition) into the year (idempotent).
With --file: imports an official catalog file (xlsx/csv) of one kind, all-or-nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosures.models import CatalogItem, FiscalYear
from disclosures.services.catalog import CatalogImportError, catalog_import_file, catalog_load_starter


class Command(BaseCommand):
    help = "载入分类科目：不带 --file 时载入内置起步科目表（2020年版）；带 --file 时导入正式科目文件（xlsx/csv）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2020")
        parser.add_argument("--kind", choices=[k.value for k in CatalogItem.Kind], help="科目类别（与 --file 一起使用）")
        parser.add_argument("--file", help="正式科目文件（.xlsx 或 .csv），列：科目编码、科目名称（经济分类可加 对应政府经济分类编码）")
        parser.add_argument("--edition", default="", help="版本说明，记入年度的“分类科目版本”")

    def handle(self, *args, year, kind, file, edition, **options):
        if bool(kind) != bool(file):
            raise CommandError("--kind 和 --file 须同时指定。")
        fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
        if not file:
            results = catalog_load_starter(fiscal_year=fiscal_year)
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"文件不存在：{file}")
            try:
                results = [catalog_import_file(fiscal_year=fiscal_year, kind=kind, content=path.read_bytes(), filename=path.name, edition=edition)]
            except CatalogImportError as exc:
                raise CommandError("导入失败，未写入任何科目：\n" + "\n".join(exc.messages)) from None
        for result in results:
            label = CatalogItem.Kind(result.kind).label
            self.stdout.write(f"{year}年{label}：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")
        fiscal_year.refresh_from_db()
        self.stdout.write(self.style.SUCCESS(f"{year}年分类科目版本：{fiscal_year.catalog_edition or '（未记录）'}"))
