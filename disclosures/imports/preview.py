"""Validate an uploaded sheet once, row by row, and keep the parsed rows for the apply step.

Every problem is reported, not only the first: each message names the Excel row number and the column
header, e.g. 第5行“年初预算数（元）”：金额“abc”不是有效的金额. The template's example row (row 2), left
unchanged, is skipped. The parsed rows are staged as a small JSON file keyed by a random token, so the apply
step never reads or parses the file again and works across server processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from disclosures.money import format_number
from disclosures.xlsx_text import put_text

from .context import ImportContext
from .keys import SeenKeys
from .resources import UPLOAD_RESOURCES, SheetResource
from .widgets import cell_text
from .workbook import CSV, Formula, TooLong, WorkbookError, is_blank, read_sheet_rows, sheet_names

STAGING_MAX_AGE = 3600  # seconds a preview can be applied
EXAMPLE_ROW = 2  # the template's example row; skipped only there and only when left unchanged


class StagingError(LookupError):
    """The staged preview is gone, expired or belongs to someone else; the message is Chinese."""


@dataclass(frozen=True)
class Change:
    """One column of a row that updates an existing line: its header, the stored value and the new one."""

    column: str
    old: str
    new: str


@dataclass
class RowPreview:
    number: int
    cells: list[str]
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    status: str = "new"
    existing_pk: int | None = None
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    STATUS_LABELS = {"new": "新增", "update": "更新", "error": "有错误", "example": "示例行，已跳过"}

    @property
    def status_label(self) -> str:
        if self.status == "update" and not self.changes:
            return "无变化"
        return self.STATUS_LABELS[self.status]


@dataclass
class SheetPreview:
    """What the preview page shows and the apply needs of a parsed sheet.

    Without a spool, `rows` holds every row (the whole-workbook import and the grid read their values).
    With one (an upload), each clean row's values go to the spool file as they are parsed and `rows` keeps
    only the rows the page shows (`display_rows`) and the rows with a warning, so memory stays flat however
    many rows the file has; the counts and the error messages are kept for every row either way.
    """

    kind: str
    title: str
    headers: list[str]
    rows: list[RowPreview] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    row_count: int = 0
    spool: Path | None = None

    @property
    def errors(self) -> list[str]:
        return [*self.file_errors, *self.row_errors]

    @property
    def warnings(self) -> list[str]:
        """What the department should look at before applying (the file itself is valid)."""
        return [w for row in self.rows for w in row.warnings]

    @property
    def shown_warnings(self) -> list[str]:
        return self.warnings[: settings.IMPORT_MAX_ERRORS_SHOWN]

    @property
    def data_rows(self) -> list[RowPreview]:
        return [row for row in self.rows if row.status != "example"]

    @property
    def data_count(self) -> int:
        return self.row_count - self.count("example")

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def update_count(self) -> int:
        return self.count("update")

    DISPLAY_LIMIT = 300

    @property
    def display_rows(self) -> list[RowPreview]:
        """The first rows, and the rows of the errors shown, so a big (or broken) file's page stays small."""
        limit = settings.IMPORT_MAX_ERRORS_SHOWN
        shown = []
        error_rows = 0
        for index, row in enumerate(self.rows):
            if row.errors:
                error_rows += 1
            if index < self.DISPLAY_LIMIT or (row.errors and error_rows <= limit):
                shown.append(row)
        return shown

    @property
    def shown_errors(self) -> list[str]:
        """The first settings.IMPORT_MAX_ERRORS_SHOWN errors; all of them are in the error report workbook."""
        return self.errors[: settings.IMPORT_MAX_ERRORS_SHOWN]

    @property
    def hidden_error_count(self) -> int:
        return max(0, len(self.errors) - settings.IMPORT_MAX_ERRORS_SHOWN)


def normalise_header(text) -> str:
    return re.sub(r"\s+", "", cell_text(text)).replace("(", "（").replace(")", "）")


#: A cell as the preview table shows it, and a value quoted in an error message, are cut to this length.
DISPLAY_CHARS = 100
MESSAGE_CHARS = 300


def display(value) -> str:
    text = value.text if isinstance(value, Formula) else cell_text(value)
    return text if len(text) <= DISPLAY_CHARS else text[:DISPLAY_CHARS] + f"…（共{len(text)}个字符）"


def bounded(message: str) -> str:
    """An error message cut to MESSAGE_CHARS (messages quote the cell, which may be long)."""
    return message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS] + "…"


def _same_as_example(column, value) -> bool:
    example = column.example
    if is_blank(value) or example in (None, ""):
        return is_blank(value) and example in (None, "")
    if isinstance(example, (int, Decimal)) and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value)) == Decimal(example)
    return display(value) == cell_text(example)


def parse_sheet(
    *,
    resource: SheetResource,
    rows: Iterable[tuple[int, list]],
    context,
    require_rows: bool = True,
    skip_example: bool = True,
    spool: TextIO | None = None,
) -> SheetPreview:
    """Clean every row of a sheet through the Resource's widgets; collect every error.

    `skip_example=False` for rows that do not come from the template (pasted rows): none of them is skipped.
    With `spool`, each clean row's [number, values] is written there as a JSON line and only the rows the
    page shows are kept.
    """
    columns = resource.columns()
    preview = SheetPreview(kind=resource.kind, title=resource.sheet_title, headers=[c.column_name for c in columns])
    iterator: Iterator = iter(rows)
    try:
        header_number, header_cells = next(iterator)
    except StopIteration:
        preview.file_errors.append(f"“{resource.sheet_title}”表是空的：第1行应为列标题。")
        return preview
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        name = normalise_header(cell)
        if name and name not in positions:
            positions[name] = index
    missing = [c.column_name for c in resource.input_columns() if normalise_header(c.column_name) not in positions]
    if missing:
        preview.file_errors.append(f"第{header_number}行缺少列：{'、'.join(f'“{m}”' for m in missing)}。请使用下载的模板，不要修改列标题。")
        return preview

    existing = resource.existing_keys(context.filing) if context.filing and context.filing.pk else {}
    unit_column = positions.get(normalise_header("预算单位")) if resource.natural_key and "unit" in resource.natural_key else None
    seen = SeenKeys()
    check = _RowCheck(resource=resource, context=context, existing=existing, seen=seen, skip_example=skip_example, unit_column=unit_column)
    try:
        error_rows = 0
        places = [(column.column_name, positions.get(normalise_header(column.column_name))) for column in columns]
        for number, cells in iterator:
            raw = {name: cells[place] if place is not None and place < len(cells) else None for name, place in places}
            row = RowPreview(number=number, cells=[])
            check.run(row, raw=raw, cells=cells)
            index = preview.row_count
            preview.row_count += 1
            preview.counts[row.status] = preview.count(row.status) + 1
            preview.row_errors.extend(row.errors)
            error_rows += bool(row.errors)
            if index < preview.DISPLAY_LIMIT or row.errors:  # past the first rows only error rows are displayed
                row.cells = [display(raw[name]) for name, _ in places]
            if row.status in ("new", "update"):
                _register(resource, row.values, context)
                if spool is not None:
                    spool.write(staged_line(row.number, row.values))
            shown = index < preview.DISPLAY_LIMIT or (row.errors and error_rows <= settings.IMPORT_MAX_ERRORS_SHOWN)
            if spool is None or shown or row.warnings:
                preview.rows.append(row)
    finally:
        seen.close()
    _describe_updates(resource, preview, context)
    if resource.singleton and preview.data_count > 1:
        preview.file_errors.append(f"“{resource.sheet_title}”表只能填写一行数据。")
    if require_rows and not preview.data_count and not preview.file_errors:
        preview.file_errors.append(f"“{resource.sheet_title}”表没有数据行（示例行不会导入）。")
    return preview


@dataclass
class _RowCheck:
    """The checks of one row against the sheet's state so far (keys seen, lines stored)."""

    resource: SheetResource
    context: object
    existing: dict
    seen: SeenKeys
    skip_example: bool
    unit_column: int | None
    # (header, attribute, the widget's clean) of each input column, worked out once for all the rows: a
    # cell is cleaned as Column.clean cleans it, without that call around each of the row's ten cells
    inputs: list[tuple[str, str, Callable]] = field(init=False)

    def __post_init__(self) -> None:
        self.inputs = [(column.column_name, column.attribute, column.widget.clean) for column in self.resource.input_columns()]

    def run(self, row: RowPreview, *, raw: dict, cells: list) -> None:
        """Clean the row's cells into `row.values`, or record its errors; set its status."""
        resource, number, context = self.resource, row.number, self.context
        if self.skip_example and number == EXAMPLE_ROW and all(_same_as_example(c, raw[c.column_name]) for c in resource.input_columns()):
            row.status = "example"
            return
        values, errors = row.values, row.errors
        for name, attribute, clean in self.inputs:
            cell = raw[name]
            if isinstance(cell, TooLong):
                errors.append(f"第{number}行“{name}”：{cell.message}")
                continue
            try:
                values[attribute] = clean(cell, row=raw, context=context)
            except ValueError as error:
                errors.append(bounded(f"第{number}行“{name}”：{error}"))
        if not errors:
            errors.extend(bounded(f"第{number}行{message}") for message in resource.row_errors(values, context))
        key = resource.key_of(values)
        if not errors:
            first = self.seen.first_seen(key, number)
            if first is not None:
                errors.append(f"第{number}行：与第{first}行重复（同一{key_description(resource)}只能有一行）")
        if errors:
            row.status = "error"
            return
        row.existing_pk = self.existing.get(key)
        row.status = "update" if row.existing_pk is not None else "new"
        unit = self.unit_column
        if row.existing_pk is not None and unit is not None and is_blank(cells[unit] if unit < len(cells) else None):
            row.warnings.append("")  # worded in _describe_updates, which knows the line it overwrites


def _describe_updates(resource: SheetResource, preview: SheetPreview, context) -> None:
    """For every row that updates an existing line: the columns it changes (old → new, as the export
    writes them), and a warning where a blank 预算单位 made it 部门本级's line (a department that meant
    a new line of another unit silently replaced 本级's figures)."""
    updates = [row for row in preview.rows if row.status == "update" and row.existing_pk is not None]
    if not updates:
        return
    model = resource._meta.model
    relations = [c.attribute for c in resource.input_columns() if model._meta.get_field(c.attribute).is_relation]
    stored = model.objects.select_related(*relations).in_bulk([row.existing_pk for row in updates])
    for row in updates:
        old = stored.get(row.existing_pk)
        if old is None:
            continue
        new = resource.new_instance(context)
        try:
            resource.assign(new, row.values, context)
        except KeyError:  # a unit or project that the same workbook creates: nothing stored to compare with
            continue
        for column in resource.input_columns():
            before, after = _shown(column.export(old)), _shown(column.export(new))
            if before != after:
                row.changes.append(Change(column=column.column_name, old=before, new=after))
        if row.warnings:
            changed = "；".join(f"{c.column}由 {c.old} 改为 {c.new}" for c in row.changes) or "数值不变"
            row.warnings = [
                f"第{row.number}行“预算单位”为空，按部门本级（{old.unit}）处理，与本级已有的一行相同，将覆盖该行：{changed}。"
                "如果这是另一个预算单位的数据，请填写该单位名称后重新上传。"
            ]


def _shown(value) -> str:
    """A cell's value as the preview shows it: amounts with thousands separators, blanks as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format_number(value, places=2, grouping=True)
    return str(value)


def key_description(resource: SheetResource) -> str:
    names = [resource.fields_by_attribute(name).column_name for name in resource.natural_key]
    return "、".join(n.replace("编码", "").replace("（元）", "") for n in names) or resource.sheet_title


def _register(resource: SheetResource, values: dict, context) -> None:
    """Make units and projects of the same workbook known to the sheets parsed after them."""
    if resource.kind == "unit":
        context.add_pending_unit(code=values["code"], name=values["name"], is_main=bool(values.get("is_main")))
    elif resource.kind == "project":
        context.project_codes.add(values["code"])


# --- Staging between preview and apply -------------------------------------------------------------


def staging_dir() -> Path:
    """The private folder of staged previews and error reports (0700, files 0600): they hold a department's
    figures before they are applied, so no other local user may read them (the system temp folder is shared)."""
    directory = Path(getattr(settings, "IMPORT_STAGING_DIR", "") or Path(settings.BASE_DIR) / "var" / "staging")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o077:
        directory.chmod(0o700)
    return directory


def _private_file(path: Path):
    """Open `path` for writing, created 0600 whatever the umask."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8")


#: json.dumps(ensure_ascii=False, default=str) builds an encoder at every call: one for every staged row
_encode_row = json.JSONEncoder(ensure_ascii=False, default=str).encode


def staged_line(number: int, values: dict) -> str:
    """A staged row as its line of the JSON Lines file: [row number, values], Decimals as their text."""
    return _encode_row([number, values]) + "\n"


def stage_preview(*, preview: SheetPreview, filing_id: int, user_id: int, filename: str) -> str:
    """Store the clean rows of an error-free preview; returns the token the apply step needs.

    The file is JSON Lines: a header (filing, user, kind, file name, time, row count, and the digest and
    number of the row lines), then one [row number, values] per line, so the apply can stream it in
    batches instead of loading it whole; staged_rows() refuses rows that are not the ones previewed.
    """
    _drop_expired()
    token = secrets.token_urlsafe(18)
    header = {
        "filing": filing_id,
        "user": user_id,
        "kind": preview.kind,
        "filename": filename[:200],
        "created": time.time(),
        "count": preview.data_count if preview.spool is not None else len(preview.data_rows),
        "warnings": len(preview.warnings),
    }
    if preview.spool is not None:
        with preview.spool.open("rb") as spooled:
            header["digest"], header["lines"] = _rows_digest(spooled)
    else:
        lines = [staged_line(row.number, row.values) for row in preview.data_rows]
        header["digest"], header["lines"] = _rows_digest(line.encode("utf-8") for line in lines)
    with _private_file(staging_dir() / f"{token}.json") as handle:
        handle.write(json.dumps(header, ensure_ascii=False) + "\n")
        if preview.spool is not None:
            with preview.spool.open(encoding="utf-8") as spooled:
                shutil.copyfileobj(spooled, handle)
            discard_spool(preview)
        else:
            handle.writelines(lines)
    return token


def _rows_digest(lines: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.blake2b(digest_size=16)
    count = 0
    for line in lines:
        digest.update(line)
        count += 1
    return digest.hexdigest(), count


def open_spool() -> tuple[Path, TextIO]:
    """A private file in the staging folder for the clean rows of a preview being parsed."""
    path = staging_dir() / f"{secrets.token_urlsafe(18)}.spool"
    return path, _private_file(path)


def discard_spool(preview: SheetPreview) -> None:
    if preview.spool is not None:
        preview.spool.unlink(missing_ok=True)
        preview.spool = None


def _drop_expired() -> None:
    """Previews that were never applied: their files go once they can no longer be applied."""
    limit = time.time() - STAGING_MAX_AGE
    for path in [*staging_dir().glob("*.json"), *staging_dir().glob("*.errors"), *staging_dir().glob("*.spool")]:
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _staged_path(token: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,40}", token or ""):
        raise StagingError("预览已失效，请重新上传文件。")
    return staging_dir() / f"{token}.json"


def load_staged(*, token: str, filing_id: int, user_id: int) -> dict:
    """The header of a staged preview, after checking it belongs to this filing and user and has not expired."""
    path = _staged_path(token)
    try:
        with path.open(encoding="utf-8") as handle:
            payload = json.loads(handle.readline())
    except (OSError, ValueError):
        raise StagingError("预览已失效，请重新上传文件。") from None
    if not isinstance(payload, dict) or "count" not in payload:  # also a preview staged in the older one-JSON format
        raise StagingError("预览已失效，请重新上传文件。")
    if payload.get("filing") != filing_id or payload.get("user") != user_id:
        raise StagingError("预览已失效，请重新上传文件。")
    if time.time() - payload.get("created", 0) > STAGING_MAX_AGE:
        path.unlink(missing_ok=True)
        raise StagingError("预览已超过1小时，请重新上传文件。")
    return payload


def staged_rows(token: str) -> Iterator[tuple[int, dict]]:
    """The staged (row number, values), one at a time (call load_staged first).

    The rows are checked against the digest the preview recorded as they are read: when the last one has
    been given and they are not the rows previewed (the file was changed since), StagingError is raised,
    so an apply that wrote them in its transaction is rolled back.
    """
    changed = StagingError("预览之后暂存的数据已被改动，请重新上传文件。")
    try:
        with _staged_path(token).open("rb") as handle:
            header = json.loads(handle.readline())
            digest = hashlib.blake2b(digest_size=16)
            count = 0
            for line in handle:
                digest.update(line)
                count += 1
                try:
                    number, values = json.loads(line)
                except ValueError:
                    raise changed from None
                yield number, values
    except OSError:
        raise StagingError("预览已失效，请重新上传文件。") from None
    if digest.hexdigest() != header.get("digest") or count != header.get("lines"):
        raise changed


def discard_staged(token: str) -> None:
    if re.fullmatch(r"[A-Za-z0-9_-]{20,40}", token or ""):
        (staging_dir() / f"{token}.json").unlink(missing_ok=True)


# --- Error reports: every error of a refused preview, downloadable as a workbook ------------------------


def stage_errors(*, errors: list[str], filing_id: int, user_id: int, filename: str) -> str:
    """Keep every error of a preview (the page shows only the first ones); returns the report's token."""
    _drop_expired()
    token = secrets.token_urlsafe(18)
    header = {"filing": filing_id, "user": user_id, "filename": filename[:200], "created": time.time(), "count": len(errors)}
    with _private_file(staging_dir() / f"{token}.errors") as handle:
        handle.write(json.dumps(header, ensure_ascii=False) + "\n")
        for message in errors:
            handle.write(json.dumps(message, ensure_ascii=False) + "\n")
    return token


def staged_errors(*, token: str, filing_id: int, user_id: int) -> tuple[dict, Iterator[str]]:
    """The header and the messages of an error report, after the same checks as a staged preview."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,40}", token or ""):
        raise StagingError("错误报告已失效，请重新上传文件。")
    path = staging_dir() / f"{token}.errors"
    try:
        with path.open(encoding="utf-8") as handle:
            header = json.loads(handle.readline())
    except (OSError, ValueError):
        raise StagingError("错误报告已失效，请重新上传文件。") from None
    if header.get("filing") != filing_id or header.get("user") != user_id or time.time() - header.get("created", 0) > STAGING_MAX_AGE:
        raise StagingError("错误报告已失效，请重新上传文件。")

    def messages() -> Iterator[str]:
        with path.open(encoding="utf-8") as handle:
            handle.readline()
            for line in handle:
                yield json.loads(line)

    return header, messages()


def error_report_workbook(*, header: dict, messages: Iterable[str]):
    """序号 / 行号 / 错误说明 of every error, text cells that can never become a formula.

    A write-only workbook: each row goes to the sheet's stream as it is appended, so a report of 50,000 errors
    costs the same memory as one of 50 (an ordinary workbook kept every cell: +56 MB and 1.7 s of CPU)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误报告")
    sheet.column_dimensions["C"].width = 100
    sheet.freeze_panes = "A3"
    sheet.append([put_text(WriteOnlyCell(sheet), f"文件：{header.get('filename', '')}，共 {header.get('count', 0)} 处错误（没有写入任何数据）")])
    bold = Font(bold=True)
    titles = []
    for title in ("序号", "行号", "错误说明"):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for index, message in enumerate(messages, start=1):
        found = re.match(r"第(\d+)行", message)
        sheet.append([index, int(found.group(1)) if found else None, put_text(WriteOnlyCell(sheet), message)])
    return workbook


def preview_upload(*, filing, kind: str, path: str | Path, file_format: str) -> SheetPreview:
    """Read and validate an uploaded file for one kind of line (see resources.UPLOAD_RESOURCES)."""
    resource = UPLOAD_RESOURCES[kind]()
    try:
        sheet = None
        if file_format != CSV and resource.sheet_title in sheet_names(path):
            sheet = resource.sheet_title
        rows = read_sheet_rows(path, sheet=sheet, file_format=file_format)
        spool_path, spool = open_spool()
        try:
            with spool:
                preview = parse_sheet(resource=resource, rows=rows, context=ImportContext.for_filing(filing), spool=spool)
        except BaseException:
            spool_path.unlink(missing_ok=True)
            raise
        preview.spool = spool_path
        if not preview.ok:
            discard_spool(preview)
        return preview
    except WorkbookError as error:
        return SheetPreview(kind=kind, title=resource.sheet_title, headers=[], file_errors=[str(error)])
    except Exception as error:  # a damaged zip or XML inside an .xlsx
        if file_format == CSV:
            raise
        return SheetPreview(
            kind=kind,
            title=resource.sheet_title,
            headers=[],
            file_errors=[f"无法读取该 Excel 文件（{type(error).__name__}），请确认文件未损坏。"],
        )
