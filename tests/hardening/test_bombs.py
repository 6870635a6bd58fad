"""Hostile workbooks are refused (or read) within bounded memory and time, each in a subprocess whose
address space is limited (resource.setrlimit RLIMIT_AS), so a regression fails here instead of swapping.

With the limits of settings, the ratio and size checks refuse the bombs before anything is inflated;
with those checks switched off (env overrides), the streaming reader itself must stay linear and bounded
by its counts (rows, cells, shared strings, columns). Measured before the streaming reader (openpyxl
read-only): 57 MB of `<row/>` zipped to 94 KB took 384 MB, a 200 MB string table 400 MB and more.
"""

from __future__ import annotations

import pytest

from tests.hardening import bombs

MEMORY_MB = 500  # address space of the probe: Django + the reader need ~300 MB of it
NO_RATIO = {"XLSX_MAX_COMPRESSION_RATIO": "1000000", "XLSX_MAX_MEMBER_BYTES": str(2**31), "XLSX_MAX_TOTAL_BYTES": str(2**32)}


def assert_bounded(outcome: dict, *, seconds: float = 30, rss_mb: float = 200) -> None:
    assert outcome["error"] not in ("killed", "timeout", "MemoryError"), outcome
    assert outcome["seconds"] < seconds, outcome
    assert outcome["peak_rss_mb"] < rss_mb, outcome


def test_compression_ratio_bomb_is_refused_before_inflating(tmp_path):
    """57 MB of `<row/>` in a 94 KB file: refused from the zip directory, naming the ratio limit."""
    path = bombs.empty_rows_bomb(tmp_path / "rows.xlsx", 57)
    assert path.stat().st_size < 200 * 1024
    outcome = bombs.probe(path, memory_mb=MEMORY_MB)
    assert_bounded(outcome, seconds=5)
    assert "压缩比" in outcome["error"] and "100:1 的上限" in outcome["error"]


def test_member_size_limit_names_the_limit(tmp_path):
    path = bombs.cells_bomb(tmp_path / "cells.xlsx", 12)
    outcome = bombs.probe(path, memory_mb=MEMORY_MB, env={"XLSX_MAX_MEMBER_BYTES": str(10 * 1024 * 1024), "XLSX_MAX_COMPRESSION_RATIO": "1000000"})
    assert_bounded(outcome, seconds=5)
    assert "“xl/worksheets/sheet1.xml”解压后有 12 MB，超过单个部件 10 MB 的上限" in outcome["error"]


def test_empty_row_spam_within_the_ratio_is_read_linearly(tmp_path):
    """Were the ratio allowed, 30 MB of `<row/>` still reads in bounded memory: only the header row is data."""
    path = bombs.empty_rows_bomb(tmp_path / "rows.xlsx", 30)
    outcome = bombs.probe(path, memory_mb=MEMORY_MB, env=NO_RATIO)
    assert_bounded(outcome, seconds=20, rss_mb=120)
    assert outcome == {**outcome, "rows": 1, "error": None}


def test_row_count_limit(tmp_path):
    path = bombs.cells_bomb(tmp_path / "cells.xlsx", 8)
    outcome = bombs.probe(path, memory_mb=MEMORY_MB, env={**NO_RATIO, "IMPORT_MAX_ROWS": "20000"})
    assert_bounded(outcome, rss_mb=120)
    assert outcome["error"] == "文件超过 20000 行的上限，请分批上传。"
    assert outcome["rows"] == 20001  # the header and 20,000 data rows were given before the refusal


def test_cell_count_limit(tmp_path):
    path = bombs.cells_bomb(tmp_path / "cells.xlsx", 8)
    outcome = bombs.probe(path, memory_mb=MEMORY_MB, env={**NO_RATIO, "XLSX_MAX_CELLS": "30000"})
    assert_bounded(outcome, rss_mb=120)
    assert outcome["error"] == "“支出”工作表的单元格超过 30000 个的上限，不予读取。请删除多余的行列或分批上传。"


def test_shared_string_table_limit(tmp_path):
    """3 MB of `<si>` entries (~180,000 strings) against a limit of 100,000."""
    path = bombs.shared_strings_bomb(tmp_path / "strings.xlsx", 3)
    outcome = bombs.probe(path, memory_mb=MEMORY_MB, env={**NO_RATIO, "XLSX_MAX_SHARED_STRINGS": "100000"})
    assert_bounded(outcome, rss_mb=120)
    assert outcome["error"] == "Excel 文件的共享字符串超过 100000 个的上限，不予读取。请分批上传。"


def test_shared_string_table_within_limits_costs_little(tmp_path):
    """A 200 MB table is refused by size; with every limit but the count lifted it stops at the count, in bounded memory."""
    path = bombs.shared_strings_bomb(tmp_path / "strings.xlsx", 12)
    assert_bounded(bombs.probe(path, memory_mb=MEMORY_MB, env=NO_RATIO), rss_mb=150)


def test_cell_at_the_last_column_and_row(tmp_path):
    """<c r="XFD1048576">: readers that fill in missing rows and columns build billions of cells."""
    outcome = bombs.probe(bombs.wide_row_bomb(tmp_path / "wide.xlsx"), memory_mb=MEMORY_MB)
    assert_bounded(outcome, seconds=5, rss_mb=120)
    assert outcome["error"] == "“支出”工作表第1048576行第16384列有内容，超过 100 列的上限，不予读取。"


def test_long_cells_are_kept_short(tmp_path):
    """3,000 rows of three 8,000-character cells: each cell is kept as its length and first characters."""
    path = bombs.long_cells_workbook(tmp_path / "long.xlsx", rows=3000, length=8000)
    outcome = bombs.probe(path, memory_mb=MEMORY_MB)
    assert_bounded(outcome, rss_mb=150)
    assert outcome["rows"] == 3001 and outcome["error"] is None


def test_dtd_and_entities_are_refused(tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    outcome = bombs.probe(bombs.write_xlsx(tmp_path / "dtd.xlsx", {bombs.SHEET: laughs}), memory_mb=MEMORY_MB)
    assert outcome["error"] == "Excel 文件中含有 DTD 或实体声明，不予读取。"


@pytest.mark.parametrize("damage", [b"<worksheet><sheetData><row>", b"\x00\x01garbage"])
def test_damaged_xml_is_a_chinese_error(tmp_path, damage):
    outcome = bombs.probe(bombs.write_xlsx(tmp_path / "bad.xlsx", {bombs.SHEET: damage}), memory_mb=MEMORY_MB)
    assert outcome["error"].startswith("无法读取该 Excel 文件")


def test_catalog_upload_uses_the_bounded_reader(tmp_path):
    """The catalog upload (admin / load_catalog --file) read xlsx with openpyxl: now the same checks apply."""
    from disclosures.services.catalog import CatalogImportError, read_catalog_xlsx

    path = bombs.empty_rows_bomb(tmp_path / "catalog.xlsx", 57)
    with pytest.raises(CatalogImportError) as refused:
        read_catalog_xlsx(path.read_bytes())
    assert "压缩比" in str(refused.value)
