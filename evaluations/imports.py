"""Upload of performance targets: an xlsx template with commented Chinese headers, a preview that names
every row/column error in Chinese, and an all-or-nothing apply (services.targets_replace).

Reading and writing reuse disclosures.imports.workbook (read_only with reset dimensions,
formula cells refused, commented headers and drop-down lists). The file is read once; the parsed rows
are what the preview shows, are kept in the session, and are what the apply writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from disclosures.imports.workbook import ColumnSpec, Formula, OptionLists, TooLong, WorkbookError, is_blank, read_sheet_rows, write_sheet
from evaluations.models import Indicator
from evaluations.services import indicator_validate

L1, L2, C = Indicator.Level1, Indicator.Level2, Indicator.Comparator

COLUMNS = [
    ("level1", "一级指标", "产出指标、效益指标或满意度指标（“效果指标”按效益指标读入）。"),
    ("level2", "二级指标", "产出：数量/质量/时效/成本指标；效益：经济效益/社会效益/生态效益/可持续影响指标；满意度：服务对象满意度指标。"),
    ("name", "三级指标", "指标名称，必填。"),
    ("description", "指标描述", "绩效指标描述。"),
    ("comparator", "符号", "= ≥ ≤ > < 或 定性（也可写 >= <=）。"),
    ("target", "指标值", "定量指标填数字；定性指标填文字描述。单位为%时填 0–100 之间的数。"),
    ("unit", "单位", "如 %、人次、万元、件；前后空格会被去掉。"),
    ("basis", "指标值确定依据", "如“省市联席办相关要求”。"),
    ("weight", "分值", "可留空：留空则在一级指标内平均分配。"),
]
HEADERS = [title for _, title, _ in COLUMNS]
EXAMPLE = ["产出指标", "数量指标", "劝返率", "到北戴河人员及时劝返", "=", 100, "%", "省市联席办相关要求", None]
EXAMPLE_TEXT = [("" if v is None else str(v)) for v in EXAMPLE]

LEVEL1_NAMES = {
    "产出指标": L1.OUTPUT,
    "产出": L1.OUTPUT,
    "效益指标": L1.EFFECT,
    "效益": L1.EFFECT,
    "效果指标": L1.EFFECT,
    "满意度指标": L1.SATISFACTION,
    "满意度": L1.SATISFACTION,
}
LEVEL2_NAMES = {label: value for value, label in L2.choices} | {label.removesuffix("指标"): value for value, label in L2.choices}
COMPARATOR_NAMES = {
    "=": C.EQ,
    "＝": C.EQ,
    "≥": C.GE,
    ">=": C.GE,
    "＞＝": C.GE,
    "≤": C.LE,
    "<=": C.LE,
    "＜＝": C.LE,
    ">": C.GT,
    "＞": C.GT,
    "<": C.LT,
    "＜": C.LT,
    "定性": C.QUALITATIVE,
}


def template_workbook() -> bytes:
    """The upload template (disclosures.imports.workbook.write_sheet: commented headers, example row, drop-down lists)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    examples = EXAMPLE
    choices = {
        "level1": ("产出指标", "效益指标", "满意度指标"),
        "level2": tuple(label for _, label in L2.choices),
        "comparator": ("=", "≥", "≤", ">", "<", "定性"),
    }
    specs = [
        ColumnSpec(header=title, comment=note, example=example, choices=choices.get(key, ()), width=30 if key == "description" else 16)
        for (key, title, note), example in zip(COLUMNS, examples)
    ]
    write_sheet(ws, specs, examples=True, options=OptionLists(wb))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class PreviewRow:
    number: int
    values: dict
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    rows: list[PreviewRow]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(r.ok for r in self.rows)

    def serialisable(self) -> list[dict]:
        """The parsed rows (Decimals as strings) to keep in the session between preview and apply."""
        return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.data.items()} for r in self.rows]


def rows_from_session(rows: list[dict]) -> list[dict]:
    decimals = ("target_value", "weight")
    return [{k: (Decimal(v) if k in decimals and v is not None else v) for k, v in row.items()} for row in rows]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value)


def _decimal(value, column: str, row: int) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "").rstrip("%％"))
    except InvalidOperation:
        raise ValueError(f"第{row}行“{column}”列：“{value}”不是数字") from None
    if not number.is_finite():
        raise ValueError(f"第{row}行“{column}”列：“{value}”不是数字")
    return number


def preview(path: str) -> Preview:
    """Read the uploaded workbook (a path) and check every row; nothing is written.

    Rows are read one at a time and reading stops at the first indicator beyond the limit, so a big file
    is never held whole (the merged-cell check comes after the last row: a refused file skips it).
    """
    try:
        return _preview(read_sheet_rows(path))
    except WorkbookError as e:
        return Preview([], [str(e)])


def _preview(rows) -> Preview:
    first = next(rows, None)
    if first is None:
        return Preview([], ["文件是空的。请使用模板。"])
    _, header_cells = first
    header = [_text(v).strip() for v in header_cells]
    missing = [h for h in HEADERS[:6] if h not in header]
    if missing:
        return Preview([], [f"第1行缺少表头：{'、'.join(missing)}。请使用模板。"])
    index = {key: header.index(title) for key, title, _ in COLUMNS if title in header}
    parsed: list[PreviewRow] = []
    for number, values in rows:
        cells = {key: (values[i] if i < len(values) else None) for key, i in index.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        if [_text(cells.get(key)).strip() for key, _, _ in COLUMNS] == EXAMPLE_TEXT:
            continue  # the template's example row, left in place
        parsed.append(_row(number, cells))
        if len(parsed) > settings.EVALUATION_MAX_INDICATORS:
            return Preview([], [f"指标超过 {settings.EVALUATION_MAX_INDICATORS} 个的上限（第{number}行起），请精简绩效指标后再上传。"])
    if not parsed:
        return Preview([], ["文件中没有指标行。"])
    return Preview(parsed)


def _row(number: int, cells: dict) -> PreviewRow:
    row = PreviewRow(number, {key: _text(v) for key, v in cells.items()})
    titles = {key: title for key, title, _ in COLUMNS}
    formulas = [titles[key] for key, v in cells.items() if isinstance(v, Formula)]
    if formulas:
        row.errors.append(f"第{number}行“{'、'.join(formulas)}”列：不能是公式，请填写数值或文字")
        return row
    too_long = [(titles[key], v) for key, v in cells.items() if isinstance(v, TooLong)]
    if too_long:
        row.errors += [f"第{number}行“{title}”列：{value.message}" for title, value in too_long]
        return row
    text = {key: _text(v).strip() for key, v in cells.items()}
    level1 = LEVEL1_NAMES.get(text.get("level1", ""))
    if level1 is None:
        row.errors.append(f"第{number}行“一级指标”列：“{text.get('level1', '')}”应为产出指标、效益指标或满意度指标")
    level2 = LEVEL2_NAMES.get(text.get("level2", ""))
    if level2 is None:
        row.errors.append(f"第{number}行“二级指标”列：“{text.get('level2', '')}”不是二级指标名称")
    comparator = COMPARATOR_NAMES.get(text.get("comparator", "").replace(" ", ""))
    if comparator is None:
        row.errors.append(f"第{number}行“符号”列：“{text.get('comparator', '')}”应为 = ≥ ≤ > < 或 定性")
    data = {
        "level1": level1,
        "level2": level2,
        "comparator": comparator,
        "name": text.get("name", ""),
        "description": text.get("description", ""),
        "unit": _text(cells.get("unit")),
        "basis": text.get("basis", ""),
        "target_value": None,
        "target_text": "",
        "weight": None,
    }
    target = text.get("target", "")
    try:
        if comparator == C.QUALITATIVE:
            data["target_text"] = target
        elif target:
            data["target_value"] = _decimal(target, "指标值", number)
        if text.get("weight"):
            data["weight"] = _decimal(text["weight"], "分值", number)
    except ValueError as e:
        row.errors.append(str(e))
    if not row.errors:
        probe = Indicator(**{k: v for k, v in data.items()})
        try:
            indicator_validate(probe)
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                column = {"target_value": "target", "target_text": "target"}.get(key, key)
                row.errors += [f"第{number}行“{titles.get(column, column)}”列：{m}" for m in messages]
        data.update({k: getattr(probe, k) for k in ("name", "description", "unit", "basis", "target_text")})
    row.data = data
    return row
