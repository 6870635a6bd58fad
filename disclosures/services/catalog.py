"""Classification catalogs (政府收支分类科目) of a fiscal year: the shipped starter catalog and official imports.

A catalog belongs to a year. The administrator imports the year's official edition (xlsx or csv, columns
科目编码 / 科目名称, and for 部门预算支出经济分类 the 对照表 columns 对应政府经济分类编码 and optionally
对应政府经济分类编码（事业单位）). An import is all-or-nothing: every row is checked first and the errors are
reported in Chinese with their row numbers; only a clean file is written. Codes are upserted (names and
mappings updated), never deleted, because filed lines refer to them.

Parent/child comes from the code prefix: a 5-digit 款 belongs to its 3-digit 类, a 7-digit 项 to its 5-digit 款.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from disclosures.imports.workbook import WorkbookError, read_sheet_rows
from disclosures.models import CatalogItem, FiscalYear

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
STARTER_EDITION = "《2020年政府收支分类科目》"
STARTER_FILES = {
    # Order matters: the dept-economic file maps onto gov-economic codes, which must exist first.
    CatalogItem.Kind.GOV_ECONOMIC: "catalog_2020_gov_economic.csv",
    CatalogItem.Kind.DEPT_ECONOMIC: "catalog_2020_dept_economic.csv",
    CatalogItem.Kind.FUNCTION: "catalog_2020_function.csv",
}

CODE_HEADER = "科目编码"
NAME_HEADER = "科目名称"
MAPPING_HEADER = "对应政府经济分类编码"
INSTITUTION_MAPPING_HEADER = "对应政府经济分类编码（事业单位）"
CODE_LENGTHS = {
    CatalogItem.Kind.FUNCTION: (3, 5, 7),
    CatalogItem.Kind.DEPT_ECONOMIC: (3, 5),
    CatalogItem.Kind.GOV_ECONOMIC: (3, 5),
}
RELATION_FIELDS = ("fiscal_year", "parent", "gov_economic", "gov_economic_institution")
NAME_MAX_LENGTH = CatalogItem._meta.get_field("name").max_length


@dataclass(frozen=True)
class CatalogRow:
    """One row as read from a file; `row_number` is the spreadsheet row (1 = header) for error messages."""

    row_number: int
    code: str
    name: str
    mapping: str = ""
    institution_mapping: str = ""


@dataclass
class CatalogImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class CatalogImportError(ValidationError):
    """The file was refused; `.messages` lists every problem, one per row ("第5行：……")."""


@dataclass
class _Plan:
    rows: list[CatalogRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _cell_text(value) -> str:
    """A cell as text; integral floats from Excel (2010301.0) become '2010301'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from_table(table: list[list], *, first_row_number: int = 1) -> list[CatalogRow]:
    """Rows of a sheet or csv whose first non-empty row is the header."""
    header_index = None
    for index, row in enumerate(table):
        if any(_cell_text(c) for c in row):
            header_index = index
            break
    if header_index is None:
        raise CatalogImportError("文件为空，没有找到表头。")
    header = [_cell_text(c) for c in table[header_index]]
    if CODE_HEADER not in header or NAME_HEADER not in header:
        raise CatalogImportError(f"表头必须包含“{CODE_HEADER}”和“{NAME_HEADER}”两列，实际为：{'、'.join(h for h in header if h) or '空'}。")
    position = {name: header.index(name) for name in (CODE_HEADER, NAME_HEADER, MAPPING_HEADER, INSTITUTION_MAPPING_HEADER) if name in header}

    def get(row: list, name: str) -> str:
        i = position.get(name)
        return _cell_text(row[i]) if i is not None and i < len(row) else ""

    rows = []
    for index in range(header_index + 1, len(table)):
        row = table[index]
        if not any(_cell_text(c) for c in row):
            continue
        rows.append(
            CatalogRow(
                row_number=first_row_number + index,
                code=get(row, CODE_HEADER),
                name=get(row, NAME_HEADER),
                mapping=get(row, MAPPING_HEADER),
                institution_mapping=get(row, INSTITUTION_MAPPING_HEADER),
            )
        )
    return rows


def read_catalog_csv(text: str) -> list[CatalogRow]:
    """A csv (UTF-8, optional BOM). Lines starting with '#' before the header are comments (the edition line)."""
    text = text.lstrip("\ufeff")
    table = [row for row in csv.reader(io.StringIO(text))]
    # Comment lines are blanked rather than removed so that row numbers stay the file's line numbers.
    table = [[] if row and row[0].lstrip().startswith("#") else row for row in table]
    return _rows_from_table(table)


def read_catalog_xlsx(content: bytes) -> list[CatalogRow]:
    """The active sheet of an xlsx, read with the bounded upload reader (disclosures.imports.xlsx_reader)."""
    table: list[list] = []
    try:
        for number, row in read_sheet_rows(io.BytesIO(content)):
            table.extend([] for _ in range(number - 1 - len(table)))  # blank rows keep the file's row numbers
            table.append([str(value) if value is not None and not isinstance(value, (str, int, float)) else value for value in row])
    except WorkbookError as exc:
        raise CatalogImportError(f"无法读取Excel文件：{exc}") from None
    return _rows_from_table(table)


def read_catalog_file(*, content: bytes, filename: str) -> list[CatalogRow]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return read_catalog_xlsx(content)
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return read_catalog_csv(content.decode(encoding))
            except UnicodeDecodeError:
                continue
        raise CatalogImportError("无法识别CSV文件的编码，请另存为UTF-8编码。")
    raise CatalogImportError(f"不支持的文件类型“{suffix or filename}”，请上传 .xlsx 或 .csv 文件。")


def _plan(*, fiscal_year: FiscalYear, kind: str, rows: list[CatalogRow]) -> _Plan:
    """Check every row; collect all errors rather than stopping at the first."""
    plan = _Plan()
    kind_label = CatalogItem.Kind(kind).label
    lengths = CODE_LENGTHS[kind]
    seen: dict[str, int] = {}
    existing_codes = set(CatalogItem.objects.filter(fiscal_year=fiscal_year, kind=kind).values_list("code", flat=True))
    gov_codes = set(CatalogItem.objects.filter(fiscal_year=fiscal_year, kind=CatalogItem.Kind.GOV_ECONOMIC).values_list("code", flat=True))
    file_codes = {row.code for row in rows}
    if not rows:
        plan.errors.append("文件中没有科目数据。")
    for row in rows:
        where = f"第{row.row_number}行"
        problems = []
        if not row.code:
            problems.append("科目编码为空")
        elif not row.code.isdigit():
            problems.append(f"科目编码“{row.code}”只能由数字组成")
        elif len(row.code) not in lengths:
            expected = "、".join(str(n) for n in lengths)
            problems.append(f"{kind_label}的科目编码应为{expected}位，“{row.code}”为{len(row.code)}位")
        elif row.code in seen:
            problems.append(f"科目编码“{row.code}”与第{seen[row.code]}行重复")
        else:
            seen[row.code] = row.row_number
            if len(row.code) > 3:
                parent = row.code[:-2]
                if parent not in file_codes and parent not in existing_codes:
                    problems.append(f"上级科目“{parent}”在文件和{fiscal_year.year}年{kind_label}中都不存在")
        if not row.name:
            problems.append("科目名称为空")
        elif len(row.name) > NAME_MAX_LENGTH:
            problems.append(f"科目名称超过{NAME_MAX_LENGTH}个字")
        for label, mapping in (("对应政府经济分类编码", row.mapping), ("对应政府经济分类编码（事业单位）", row.institution_mapping)):
            if not mapping:
                continue
            if kind != CatalogItem.Kind.DEPT_ECONOMIC:
                problems.append(f"只有部门预算支出经济分类可以填写{label}")
            elif mapping not in gov_codes:
                problems.append(f"{label}“{mapping}”在{fiscal_year.year}年政府预算支出经济分类中不存在，请先导入政府经济分类")
        if problems:
            plan.errors.append(f"{where}：{'；'.join(problems)}。")
        else:
            plan.rows.append(row)
    return plan


@transaction.atomic
def catalog_import(*, fiscal_year: FiscalYear, kind: str, rows: list[CatalogRow], edition: str = "") -> CatalogImportResult:
    """Upsert a kind of catalog for a year from parsed rows, all-or-nothing (raises CatalogImportError).

    Parents are linked from the code prefix; mappings of 部门经济分类 point to the same year's 政府经济分类.
    When `edition` is given it is recorded in FiscalYear.catalog_edition.
    """
    kind = CatalogItem.Kind(kind)
    plan = _plan(fiscal_year=fiscal_year, kind=kind, rows=rows)
    if plan.errors:
        raise CatalogImportError(plan.errors)

    result = CatalogImportResult(kind=kind)
    items = {item.code: item for item in CatalogItem.objects.filter(fiscal_year=fiscal_year, kind=kind)}
    gov = {item.code: item for item in CatalogItem.objects.filter(fiscal_year=fiscal_year, kind=CatalogItem.Kind.GOV_ECONOMIC)}
    # Level by level (类, 款, 项), so that every parent has its primary key before its children are written.
    # New codes are created in bulk: the plan has checked uniqueness, lengths and parents, and the database
    # constraints stand behind it; field validation still runs per item.
    for length in CODE_LENGTHS[kind]:
        new_items = []
        for row in sorted((r for r in plan.rows if len(r.code) == length), key=lambda r: r.code):
            values = {
                "name": row.name,
                "parent": items.get(row.code[:-2]) if length > 3 else None,
                "gov_economic": gov.get(row.mapping) if row.mapping else None,
                "gov_economic_institution": gov.get(row.institution_mapping) if row.institution_mapping else None,
            }
            item = items.get(row.code)
            if item is None:
                item = CatalogItem(fiscal_year=fiscal_year, kind=kind, code=row.code, **values)
                # The foreign keys are objects just read from or written to the database: skip their
                # per-item existence queries.
                item.full_clean(exclude=RELATION_FIELDS, validate_unique=False, validate_constraints=False)
                new_items.append(item)
                continue
            _update_item(item=item, kind=kind, row=row, values=values, result=result)
        for item in CatalogItem.objects.bulk_create(new_items):
            items[item.code] = item
        result.created += len(new_items)
    if edition and fiscal_year.catalog_edition != edition:
        fiscal_year.catalog_edition = edition
        fiscal_year.full_clean()
        fiscal_year.save(update_fields=["catalog_edition"])
    return result


def _stored_value(source, name: str):
    """A field's value as stored: the primary key for a relation (without loading the related row)."""
    if name in RELATION_FIELDS:
        if isinstance(source, dict):
            return source[name].pk if source[name] is not None else None
        return getattr(source, f"{name}_id")
    return source[name] if isinstance(source, dict) else getattr(source, name)


def _update_item(*, item: CatalogItem, kind: str, row: CatalogRow, values: dict, result: CatalogImportResult) -> None:
    """Update an existing code's name, parent and (for 部门经济分类 files with the 对照表 columns) mapping."""
    if kind != CatalogItem.Kind.DEPT_ECONOMIC or (not row.mapping and not row.institution_mapping):
        # A file without the 对照表 columns updates names only and keeps the mapping already loaded.
        values = {name: value for name, value in values.items() if name not in ("gov_economic", "gov_economic_institution")}
    changed = [name for name, value in values.items() if _stored_value(item, name) != _stored_value(values, name)]
    if not changed:
        result.unchanged += 1
        return
    for name in changed:
        setattr(item, name, values[name])
    item.full_clean(exclude=RELATION_FIELDS)
    item.save(update_fields=changed)
    result.updated += 1


def catalog_import_file(*, fiscal_year: FiscalYear, kind: str, content: bytes, filename: str, edition: str = "") -> CatalogImportResult:
    """Read an official catalog file (xlsx or csv) and import it (see catalog_import)."""
    rows = read_catalog_file(content=content, filename=filename)
    return catalog_import(fiscal_year=fiscal_year, kind=kind, rows=rows, edition=edition)


@transaction.atomic
def catalog_load_starter(*, fiscal_year: FiscalYear) -> list[CatalogImportResult]:
    """Load the shipped starter catalog (2020 edition) into a year. Idempotent.

    The year's catalog_edition is set to the starter edition unless an official edition was recorded already.
    """
    results = []
    for kind, filename in STARTER_FILES.items():
        rows = read_catalog_csv((DATA_DIR / filename).read_text(encoding="utf-8"))
        results.append(catalog_import(fiscal_year=fiscal_year, kind=kind, rows=rows))
    if not fiscal_year.catalog_edition:
        fiscal_year.catalog_edition = f"{STARTER_EDITION}起步科目表"
        fiscal_year.full_clean()
        fiscal_year.save(update_fields=["catalog_edition"])
    return results
