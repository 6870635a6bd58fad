"""A streaming, bounded reader of the cell values of one worksheet of an uploaded .xlsx.

Why not openpyxl: an upload is untrusted. openpyxl (read-only mode included) inflates whatever the zip
declares, keeps the whole shared-string table as objects, and materialises every row and column up to
the largest reference it sees, so a few hundred KB of `<row/>`, `<si/>` or `<c r="XFD1048576"/>` cost
gigabytes and minutes (issue #11: 57 KB of `<row/>` took 384 MB, 220 KB of shared strings 400 MB).

This reader checks the zip's central directory first (each member's uncompressed size, the sum, and the
compression ratio of every member larger than `XLSX_RATIO_MIN_BYTES`), reads each member through a
stream that stops at the declared size, and parses the XML with expat in 64 KB chunks: the cost is linear
in the bytes read and memory holds one chunk, one row, and the shared strings (their number and each
one's length bounded). DTDs and entity declarations are refused. Counts (row elements, cell elements,
columns, shared strings) are bounded by settings; the row numbers count as Excel shows them, and gaps
between rows are not filled in. Every refusal is a WorkbookError with a Chinese message naming the limit.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.parsers import expat

from django.conf import settings

CHUNK = 64 * 1024
EXCEL_MAX_ROWS = 1_048_576
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class WorkbookError(ValueError):
    """The file as a whole cannot be read; the message is Chinese and meant for the user."""


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula; imports refuse it (its cached value may be stale or absent)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class TooLong:
    """A cell whose text is longer than settings.IMPORT_MAX_CELL_CHARS: only its length and start are kept."""

    length: int
    head: str

    def __str__(self) -> str:
        return f"{self.head}…（共{self.length}个字符）"

    @property
    def message(self) -> str:
        return f"内容有{self.length}个字符，超过{settings.IMPORT_MAX_CELL_CHARS}个字符的上限"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose members would inflate beyond the limits, before anything is decompressed."""
    members = archive.infolist()
    if len(members) > settings.XLSX_MAX_MEMBERS:
        raise WorkbookError(f"Excel 文件内部包含 {len(members)} 个部件，超过 {settings.XLSX_MAX_MEMBERS} 个的上限，不予读取。")
    total = 0
    for info in members:
        if info.file_size > settings.XLSX_MAX_MEMBER_BYTES:
            raise WorkbookError(
                f"Excel 文件中的“{info.filename[:80]}”解压后有 {_mb(info.file_size)}，超过单个部件 {_mb(settings.XLSX_MAX_MEMBER_BYTES)} 的上限，不予读取。请删除多余的行列或分批上传。"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > settings.XLSX_RATIO_MIN_BYTES and ratio > settings.XLSX_MAX_COMPRESSION_RATIO:
            raise WorkbookError(
                f"Excel 文件中的“{info.filename[:80]}”压缩比为 {ratio:.0f}:1，超过 {settings.XLSX_MAX_COMPRESSION_RATIO}:1 的上限（可能是恶意构造的文件），不予读取。"
            )
        total += info.file_size
    if total > settings.XLSX_MAX_TOTAL_BYTES:
        raise WorkbookError(f"Excel 文件解压后共 {_mb(total)}，超过 {_mb(settings.XLSX_MAX_TOTAL_BYTES)} 的上限，不予读取。请分批上传。")


class _Bounded:
    """A member's stream that refuses to give more bytes than the central directory declared."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        self.stream = archive.open(info)
        self.left = info.file_size
        self.name = info.filename

    def chunks(self) -> Iterator[bytes]:
        try:
            while True:
                data = self.stream.read(CHUNK)
                if not data:
                    return
                self.left -= len(data)
                if self.left < 0:
                    raise WorkbookError(f"Excel 文件中的“{self.name[:80]}”比声明的更大，文件已损坏或是恶意构造的，不予读取。")
                yield data
        finally:
            self.stream.close()


def _parser(start, end, text) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def refuse(*_args):
        raise WorkbookError("Excel 文件中含有 DTD 或实体声明，不予读取。")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _feed(parser, chunk: bytes, final: bool = False) -> None:
    try:
        parser.Parse(chunk, final)
    except expat.ExpatError as error:
        raise WorkbookError(f"无法读取该 Excel 文件：XML 格式错误（{error}），请确认文件未损坏。") from None


def column_number(ref: str) -> int:
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
        if number > 16384:
            break
    return number


def _number(text: str):
    """What openpyxl gives for a numeric cell: an int for an integer literal, else a float (text if absurd)."""
    text = text.strip()
    if len(text) > 40:
        return text  # parse_amount and friends refuse it with a message; int() would refuse 4,300+ digits
    try:
        if "." in text or "e" in text or "E" in text:
            return float(text)
        return int(text)
    except ValueError:
        return text


class _Text:
    """Character data of one element, bounded: past the limit only the length is counted."""

    __slots__ = ("parts", "length", "limit")

    def __init__(self, limit: int):
        self.parts: list[str] = []
        self.length = 0
        self.limit = limit

    def add(self, data: str) -> None:
        if self.length < self.limit:
            self.parts.append(data[: self.limit - self.length])
        self.length += len(data)

    def value(self):
        text = "".join(self.parts)
        if self.length > self.limit:
            return TooLong(length=self.length, head=text[:30])
        return text


class XlsxFile:
    """The sheets of an .xlsx (name → member) and their rows; use as a context manager."""

    def __init__(self, path):
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise WorkbookError("无法读取该 Excel 文件，请确认文件是 .xlsx 格式且未损坏。") from error
        try:
            check_zip(self.archive)
            self.members = {info.filename: info for info in self.archive.infolist()}
            self.workbook_path = self._office_document()
            self.sheets, self.active_index, self.shared_strings_path = self._workbook()
        except BaseException:
            self.archive.close()
            raise
        self._strings: list | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.archive.close()

    # --- small parts -----------------------------------------------------------------------------

    def _parse_small(self, name: str, start) -> None:
        info = self.members.get(name)
        if info is None:
            raise WorkbookError(f"Excel 文件缺少“{name}”部件，请确认文件是 .xlsx 格式且未损坏。")
        parser = _parser(start, lambda _name: None, None)
        for chunk in _Bounded(self.archive, info).chunks():
            _feed(parser, chunk)
        _feed(parser, b"", True)

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, member path) of a part's .rels, targets resolved against the part's folder."""
        path = PurePosixPath(part)
        rels_name = str(path.parent / "_rels" / f"{path.name}.rels") if str(path.parent) != "." else f"_rels/{path.name}.rels"
        found: dict[str, tuple[str, str]] = {}
        if rels_name not in self.members:
            return found

        def start(name, attrs):
            if _local(name) == "Relationship" and len(found) < 10_000:
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    parts: list[str] = [] if str(path.parent) == "." else list(path.parent.parts)
                    for piece in target.split("/"):
                        if piece == "..":
                            parts = parts[:-1]
                        elif piece not in ("", "."):
                            parts.append(piece)
                    resolved = "/".join(parts)
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), resolved)

        self._parse_small(rels_name, start)
        return found

    def _office_document(self) -> str:
        for rel_type, target in self._relationships("").values() if "_rels/.rels" in self.members else []:
            if rel_type.endswith("/officeDocument"):
                return target
        return "xl/workbook.xml"

    def _workbook(self) -> tuple[list[tuple[str, str]], int, str | None]:
        rels = self._relationships(self.workbook_path)
        sheets: list[tuple[str, str]] = []
        active = [0]

        def start(name, attrs):
            local = _local(name)
            if local == "sheet" and len(sheets) < 1000:
                rel = attrs.get(f"{REL_NS}}}id") or attrs.get("r:id", "")
                target = rels.get(rel, ("", ""))[1]
                sheets.append((attrs.get("name", ""), target))
            elif local == "workbookView":
                try:
                    active[0] = int(attrs.get("activeTab", "0"))
                except ValueError:
                    active[0] = 0

        self._parse_small(self.workbook_path, start)
        strings = next((target for rel_type, target in rels.values() if rel_type.endswith("/sharedStrings")), None)
        if not sheets:
            raise WorkbookError("Excel 文件中没有工作表。")
        index = active[0] if 0 <= active[0] < len(sheets) else 0
        return sheets, index, strings

    @property
    def sheet_names(self) -> list[str]:
        return [name for name, _ in self.sheets]

    # --- shared strings ----------------------------------------------------------------------------

    def shared_strings(self) -> list:
        if self._strings is not None:
            return self._strings
        strings: list = []
        self._strings = strings
        info = self.members.get(self.shared_strings_path or "") if self.shared_strings_path else None
        if info is None:
            return strings
        limit = settings.XLSX_MAX_SHARED_STRINGS
        cell_limit = settings.IMPORT_MAX_CELL_CHARS
        state = {"si": None, "t": False, "rph": 0}

        def start(name, _attrs):
            local = _local(name)
            if local == "si":
                if len(strings) >= limit:
                    raise WorkbookError(f"Excel 文件的共享字符串超过 {limit} 个的上限，不予读取。请分批上传。")
                state["si"] = _Text(cell_limit)
            elif local == "rPh":
                state["rph"] += 1
            elif local == "t" and state["si"] is not None and not state["rph"]:
                state["t"] = True

        def end(name):
            local = _local(name)
            if local == "si":
                strings.append(state["si"].value())
                state["si"] = None
            elif local == "rPh":
                state["rph"] -= 1
            elif local == "t":
                state["t"] = False

        def text(data):
            if state["t"]:
                state["si"].add(data)

        parser = _parser(start, end, text)
        for chunk in _Bounded(self.archive, info).chunks():
            _feed(parser, chunk)
        _feed(parser, b"", True)
        return strings

    # --- a worksheet -------------------------------------------------------------------------------

    def sheet_member(self, sheet: str | None) -> tuple[str, zipfile.ZipInfo]:
        if sheet is None:
            title, target = self.sheets[self.active_index]
        else:
            matches = [(name, target) for name, target in self.sheets if name == sheet]
            if not matches:
                raise WorkbookError(f"文件中没有名为“{sheet}”的工作表。")
            title, target = matches[0]
        info = self.members.get(target)
        if info is None:
            raise WorkbookError(f"“{title}”工作表的内容缺失，请确认文件未损坏。")
        return title, info

    def rows(self, sheet: str | None = None, *, merged: list[str] | None = None) -> Iterator[tuple[int, list]]:
        """(Excel row number, cell values) of every <row> element, in order; gaps are not filled in.

        Values: str, int, float, bool, None, Formula or TooLong. `merged` (if given) receives the
        first five <mergeCell> refs and then one None per further range, once the sheet has been read.

        The handlers run about fifty times a row (a cell is <c>, <v> or <is><t>, and their ends), so the
        parse's state is kept in closure variables and element names are compared by their local part
        looked up in a small cache, not split again for every element: most of a large upload's preview
        was spent here.
        """
        title, info = self.sheet_member(sheet)
        strings = self.shared_strings()
        max_columns = settings.XLSX_MAX_COLUMNS
        max_cells = settings.XLSX_MAX_CELLS
        cell_limit = settings.IMPORT_MAX_CELL_CHARS
        ready: list[tuple[int, list]] = []
        merged_refs = merged if merged is not None else []
        local_names: dict[str, str] = {}
        column_numbers: dict[str, int] = {}
        row = 0  # the current row's number
        row_count = 0
        cells: dict[int, object] | None = None
        width = 0  # the last column of the current row with a value (when no column was written twice)
        rewritten = False
        col = 0
        cell_type: str | None = None
        # The text of the cell's <v> (or inline string) and of its <f>: None when the cell has none; only
        # the first `cell_limit` characters are kept, the length is counted. `capture` says which one the
        # character data goes to (0: neither, 1: the value, 2: the formula).
        value_parts: list[str] | None = None
        value_length = 0
        formula_parts: list[str] | None = None
        formula_length = 0
        capture = 0
        cell_count = 0
        in_is = False
        merge_count = 0

        def start(name, attrs):
            nonlocal row, row_count, cells, width, rewritten, col, cell_type, value_parts, value_length
            nonlocal formula_parts, formula_length, capture, cell_count, in_is, merge_count
            local = local_names.get(name) or _local_name(name, local_names)
            if local == "c":
                cell_count += 1
                if cell_count > max_cells:
                    raise WorkbookError(f"“{title}”工作表的单元格超过 {max_cells} 个的上限，不予读取。请删除多余的行列或分批上传。")
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip(DIGITS)
                    col = column_numbers.get(letters) or _column_of(ref, letters, column_numbers)
                else:
                    col += 1
                cell_type = attrs.get("t")
                value_parts = formula_parts = None
                capture = 0
            elif local == "t":
                if in_is and value_parts is not None:
                    capture = 1
            elif local == "is":
                in_is = True
                value_parts, value_length = [], 0
            elif local == "v":
                value_parts, value_length = [], 0
                capture = 1
            elif local == "f":
                formula_parts, formula_length = [], 0
                capture = 2
            elif local == "rPh":
                in_is = False
            elif local == "row":
                row_count += 1
                ref = attrs.get("r")
                number = row + 1
                if ref:
                    try:
                        number = int(ref)
                    except ValueError:
                        number = 0
                    if number <= row:
                        raise WorkbookError(f"“{title}”工作表的行号“{ref[:20]}”无效或顺序错误，文件已损坏。")
                if number > EXCEL_MAX_ROWS or row_count > EXCEL_MAX_ROWS:
                    raise WorkbookError(f"“{title}”工作表超过 Excel 的 {EXCEL_MAX_ROWS} 行上限，不予读取。")
                row = number
                cells = {}
                col = width = 0
                rewritten = False
            elif local == "mergeCell":
                merge_count += 1
                merged_refs.append(attrs.get("ref", "")[:40] if merge_count <= 5 else None)
                if merge_count > max_cells:
                    raise WorkbookError(f"“{title}”工作表的合并单元格过多，不予读取。")

        def end(name):
            nonlocal cells, width, rewritten, capture, in_is
            local = local_names.get(name) or _local_name(name, local_names)
            if local == "c":
                value = _cell_value(
                    cell_type, value_parts, value_length, formula_parts, formula_length, cell_limit=cell_limit, strings=strings, title=title, row=row
                )
                if col > max_columns or col < 1:
                    if value not in (None, ""):
                        raise WorkbookError(f"“{title}”工作表第{row}行第{col}列有内容，超过 {max_columns} 列的上限，不予读取。")
                elif cells is not None:
                    count = len(cells)
                    cells[col] = value
                    if len(cells) == count:
                        rewritten = True
                    elif col > width and value not in (None, ""):
                        width = col
            elif local == "t" or local == "v" or local == "f":
                capture = 0
            elif local == "is":
                in_is = False
            elif local == "row":
                found = cells or {}
                if rewritten:
                    width = max((c for c, v in found.items() if v not in (None, "")), default=0)
                ready.append((row, list(map(found.get, range(1, width + 1)))))
                cells = None

        def text(data):
            nonlocal value_length, formula_length
            if capture == 1:
                if value_length < cell_limit:
                    value_parts.append(data[: cell_limit - value_length])
                value_length += len(data)
            elif capture == 2:
                if formula_length < cell_limit:
                    formula_parts.append(data[: cell_limit - formula_length])
                formula_length += len(data)

        parser = _parser(start, end, text)
        for chunk in _Bounded(self.archive, info).chunks():
            _feed(parser, chunk)
            if ready:
                yield from ready
                ready.clear()
        _feed(parser, b"", True)
        yield from ready


#: Element names (namespace and local part) whose local part is kept; the cache stops growing here, so a
#: sheet of made-up element names costs a split per element and no memory.
LOCAL_NAMES_KEPT = 64


DIGITS = "0123456789"
#: Column letters whose number is kept (a sheet of this many columns is far wider than any upload's).
COLUMN_NUMBERS_KEPT = 256


def _column_of(ref: str, letters: str, cache: dict[str, int]) -> int:
    """column_number(ref), kept for `letters` (ref without its row digits) when they are plain A–Z letters,
    whose column number is then the same whatever row follows them."""
    number = column_number(ref)
    if number and len(cache) < COLUMN_NUMBERS_KEPT and letters.isascii() and letters.isalpha():
        cache[letters] = number
    return number


def _local_name(name: str, cache: dict[str, str]) -> str:
    local = name.rpartition("}")[2]
    if len(cache) < LOCAL_NAMES_KEPT:
        cache[name] = local
    return local


def _cell_value(
    kind: str | None,
    value_parts: list[str] | None,
    value_length: int,
    formula_parts: list[str] | None,
    formula_length: int,
    *,
    cell_limit: int,
    strings: list,
    title: str,
    row: int,
):
    """The value of a cell from its type and the text of its <v> (or inline string) and <f>."""
    if formula_parts is not None:
        formula = "".join(formula_parts)
        return Formula("=" + (formula[:30] if formula_length > cell_limit else formula))
    if value_parts is None:
        return None
    value = value_parts[0] if len(value_parts) == 1 else "".join(value_parts)
    if value_length > cell_limit:
        return TooLong(length=value_length, head=value[:30])
    if kind == "s":
        try:
            return strings[int(value)]
        except (ValueError, IndexError):
            raise WorkbookError(f"“{title}”工作表第{row}行引用了不存在的共享字符串，文件已损坏。") from None
    if kind == "b":
        return value.strip() == "1"
    if kind in ("str", "inlineStr", "e", "d"):
        return value
    if value == "":
        return None
    return _number(value)
