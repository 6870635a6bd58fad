"""Generate the demo's documents and compare them with a saved reference, to prove a refactor changes nothing.

    python bench/compare_demo_documents.py save bench/out/demo-reference     # before the change
    python bench/compare_demo_documents.py compare bench/out/demo-reference  # after it: exit 1 on any difference

Each run builds the demo (`migrate` + `load_demo`) in a fresh SQLite database of its own (never
db.sqlite3), generates every demo filing's Excel workbook and HTML document with the real generation
service (PDF is left out: it is printed from the same HTML), and writes them as
`<department code>-<year>-<kind>-v<version>.xlsx|.html`. `compare` generates into a temporary directory
and compares workbook by workbook, sheet by sheet, cell by cell (value, type, number format, font, border,
fill, alignment, protection, quote prefix), merged ranges, column widths, row heights and print setup,
and the HTML's visible text line by line, printing every difference. A workbook whose cells are the same
is also compared part by part (its sheets', styles' and workbook's XML; the document properties, which hold
the time of writing, left out), and an HTML document byte by byte: a change of markup that shows in no cell
or text (an empty row written, an element dropped) is reported too.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import html.parser
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(out: Path) -> None:
    """Build the demo in a throw-away database and write every demo filing's xlsx and HTML into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongkai-demo-docs-") as work:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{work}/demo.sqlite3",
            "MEDIA_ROOT": f"{work}/media",
            "CELERY_BROKER_URL": "",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        subprocess.run([*manage, "load_demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, __file__, "_write", str(out)], env=env, cwd=ROOT, check=True)


def _write(out: Path) -> None:
    """In a process whose environment points at the demo database: generate and copy the documents."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from disclosures.models import Filing, FilingDocument
    from disclosures.services.generation import filing_generate_documents

    for filing in Filing.objects.select_related("department", "fiscal_year").order_by("department__code", "fiscal_year__year", "kind", "version"):
        filing_generate_documents(filing=filing, formats=("xlsx", "html"))
        stem = f"{filing.department.code}-{filing.fiscal_year.year}-{filing.kind}-v{filing.version}"
        for document in FilingDocument.objects.filter(filing=filing, format__in=("xlsx", "html")):
            with document.file.open("rb") as source:
                (out / f"{stem}.{document.format}").write_bytes(source.read())
        print(f"  {stem}")


class _Text(html.parser.HTMLParser):
    """The visible text of an HTML document, one line per block, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        self.lines.append("")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        self.lines.append("")

    def handle_data(self, data):
        if not self._skip:
            self.lines[-1:] = [(self.lines[-1] if self.lines else "") + data]

    def text(self) -> list[str]:
        return [" ".join(line.split()) for line in self.lines if line.strip()]


def html_text(path: Path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.text()


#: What is compared of every cell besides its value: the type and each part of its style.
CELL_STYLE = ("data_type", "number_format", "font", "border", "fill", "alignment", "protection", "quotePrefix")


def _sheet_layout(ws) -> dict:
    """What a sheet prints like, beyond its cells: dimensions, print setup, frozen panes."""
    return {
        "columns": {k: (d.width, d.customWidth) for k, d in ws.column_dimensions.items()},
        "rows": {k: (d.height, d.customHeight) for k, d in ws.row_dimensions.items()},
        "freeze_panes": ws.freeze_panes,
        "print_title_rows": ws.print_title_rows,
        "page_setup": repr(ws.page_setup.__dict__),
        "fit_to_page": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
        "print_options": repr(ws.print_options.__dict__),
        "page_margins": repr(ws.page_margins.__dict__),
        "footer": ws.oddFooter.center.text,
    }


def compare_xlsx(reference: Path, current: Path) -> list[str]:
    from openpyxl import load_workbook

    differences: list[str] = []
    old, new = load_workbook(reference), load_workbook(current)
    if old.sheetnames != new.sheetnames:
        return [f"{current.name}: sheets {old.sheetnames} → {new.sheetnames}"]
    for name in old.sheetnames:
        a, b = old[name], new[name]
        if sorted(map(str, a.merged_cells.ranges)) != sorted(map(str, b.merged_cells.ranges)):
            differences.append(f"{current.name} [{name}]: merged cells differ")
        layout_a, layout_b = _sheet_layout(a), _sheet_layout(b)
        differences += [f"{current.name} [{name}] {key}: {layout_a[key]!r} → {layout_b[key]!r}" for key in layout_a if layout_a[key] != layout_b[key]]
        rows, cols = max(a.max_row, b.max_row), max(a.max_column, b.max_column)
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                x, y = a.cell(r, c), b.cell(r, c)
                if x.value != y.value:
                    differences.append(f"{current.name} [{name}] {x.coordinate}: {x.value!r} → {y.value!r}")
                for attribute in CELL_STYLE:
                    # copy: a style attribute is a read-only proxy, which never equals another proxy
                    before, after = copy.copy(getattr(x, attribute)), copy.copy(getattr(y, attribute))
                    if before != after:
                        differences.append(f"{current.name} [{name}] {x.coordinate} {attribute}: {before!r} → {after!r}")
    return differences


def xlsx_parts_differing(reference: Path, current: Path) -> list[str]:
    """The parts (zip members) of two workbooks whose bytes differ, the document properties left out."""
    with zipfile.ZipFile(reference) as old, zipfile.ZipFile(current) as new:
        names = sorted(set(old.namelist()) | set(new.namelist()))
        return [
            name
            for name in names
            if not name.startswith("docProps/") and (name not in old.namelist() or name not in new.namelist() or old.read(name) != new.read(name))
        ]


def compare(reference: Path, current: Path) -> list[str]:
    differences: list[str] = []
    old = {p.name for p in reference.iterdir()}
    new = {p.name for p in current.iterdir()}
    differences += [f"missing now: {name}" for name in sorted(old - new)]
    differences += [f"new now: {name}" for name in sorted(new - old)]
    for name in sorted(old & new):
        if name.endswith(".xlsx"):
            found = compare_xlsx(reference / name, current / name)
            differences += found or [f"{name}: same cells, different {part}" for part in xlsx_parts_differing(reference / name, current / name)]
        elif name.endswith(".html"):
            diff = list(difflib.unified_diff(html_text(reference / name), html_text(current / name), lineterm="", n=0))
            differences += [f"{name}: {line}" for line in diff[2:] if not line.startswith("@@")]
            if not diff and (reference / name).read_bytes() != (current / name).read_bytes():
                differences.append(f"{name}: same text, different markup")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("save", "compare", "_write"))
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    if args.action == "_write":
        _write(args.directory)
        return 0
    if args.action == "save":
        generate(args.directory)
        print(f"reference saved in {args.directory}: {len(list(args.directory.iterdir()))} files")
        return 0
    with tempfile.TemporaryDirectory(prefix="gongkai-demo-now-") as now:
        generate(Path(now))
        differences = compare(args.directory, Path(now))
        files = len(list(Path(now).iterdir()))
    for line in differences:
        print(line)
    print(f"{files} documents compared with {args.directory}: {len(differences)} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
