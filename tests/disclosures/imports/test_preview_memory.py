"""A big upload's preview keeps flat memory (issue #13): the clean rows' values go to a spool file as they
are parsed and the preview keeps only the rows its page shows (the first 300 and the error rows listed),
while the counts, the errors and the staged rows still cover every row."""

import itertools
from decimal import Decimal

import pytest

from disclosures.imports.preview import SheetPreview, load_staged, preview_upload, stage_preview, staged_rows, staging_dir
from disclosures.models import CatalogItem, ExpenseKind
from tests.disclosures.imports.helpers import filled_template, save

pytestmark = pytest.mark.django_db

ROWS = 700


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = str(tmp_path / "staging")
    return tmp_path / "staging"


def distinct_rows(filing, count: int) -> list[dict]:
    items = CatalogItem.objects.filter(fiscal_year=filing.fiscal_year)
    functions = items.filter(kind="function", code__regex=r"^[0-9]{7}$").order_by("code").values_list("code", flat=True)
    economic = (
        items.filter(kind="dept_economic", code__regex=r"^30[12][0-9]{2}$", gov_economic__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    rows = []
    for index, (function, code) in enumerate(itertools.islice(itertools.product(list(functions), list(economic)), count)):
        rows.append(
            {
                "支出功能分类科目编码": function,
                "部门预算经济分类科目编码": code,
                "支出类型": (ExpenseKind.PERSONNEL if code.startswith("301") else ExpenseKind.PUBLIC).label,
                "资金来源": "一般公共预算财政拨款",
                "年初预算数（元）": f"{index + 1}.25",
            }
        )
    assert len(rows) == count
    return rows


def upload(filing, tmp_path, rows) -> SheetPreview:
    path = save(filled_template(filing, "expense", rows), tmp_path / "big.xlsx")
    return preview_upload(filing=filing, kind="expense", path=path, file_format="xlsx")


def test_a_clean_big_upload_keeps_only_the_shown_rows_and_stages_every_row(filing, tmp_path, staging, accountant):
    result = upload(filing, tmp_path, distinct_rows(filing, ROWS))
    assert result.ok, result.errors[:3]
    assert result.new_count == ROWS and result.count("example") == 1 and result.row_count == ROWS + 1
    assert len(result.rows) == SheetPreview.DISPLAY_LIMIT
    assert result.rows[-1].number == SheetPreview.DISPLAY_LIMIT + 1 and result.rows[-1].cells
    token = stage_preview(preview=result, filing_id=filing.pk, user_id=accountant.pk, filename="big.xlsx")
    assert load_staged(token=token, filing_id=filing.pk, user_id=accountant.pk)["count"] == ROWS
    staged = list(staged_rows(token))
    assert [number for number, _ in staged] == list(range(3, ROWS + 3))
    assert Decimal(staged[-1][1]["budget_amount"]) == Decimal(f"{ROWS}.25")
    assert not list(staging.glob("*.spool"))


def test_an_error_row_past_the_first_300_is_kept_with_its_cells_and_no_spool_is_left(filing, tmp_path, staging):
    rows = distinct_rows(filing, ROWS)
    rows[647]["年初预算数（元）"] = "abc"
    result = upload(filing, tmp_path, rows)
    assert not result.ok
    assert result.errors == ["第650行“年初预算数（元）”：金额“abc”不是有效的金额"]
    assert result.count("error") == 1 and result.new_count == ROWS - 1
    assert [row.number for row in result.rows[SheetPreview.DISPLAY_LIMIT :]] == [650]
    assert "abc" in result.display_rows[-1].cells and result.display_rows[-1].number == 650
    assert not list(staging_dir().glob("*.spool"))


def test_a_key_repeated_hundreds_of_rows_later_names_the_first_row(filing, tmp_path):
    rows = distinct_rows(filing, ROWS)
    rows[680] = {**rows[10], "年初预算数（元）": "9.99"}
    result = upload(filing, tmp_path, rows)
    assert result.errors == ["第683行：与第13行重复（同一预算单位、支出功能分类科目、部门预算经济分类科目、支出类型、资金来源、项目只能有一行）"]


def test_seen_keys_remember_the_first_row_of_each_key():
    from disclosures.imports.keys import SeenKeys

    with SeenKeys() as seen:
        assert seen.first_seen(("U001", 17, None, "personnel"), 3) is None
        assert seen.first_seen(("U001", 17, 5, "personnel"), 4) is None
        assert seen.first_seen(("U001", "17", None, "personnel"), 5) is None
        assert seen.first_seen(("U001", 17, None, "personnel"), 9) == 3
        assert seen.first_seen(("U001", 17, 5, "personnel"), 10) == 4


def test_seen_keys_ask_their_table_only_for_keys_that_may_repeat(monkeypatch):
    """2,500 distinct keys: the Bloom filter answers for each of them and the new keys are written a
    thousand at a time (a statement per row before); a repeat is still found with its first row, whether
    it is still pending or already written."""
    from disclosures.imports import keys

    statements = []

    class Counting:
        def __init__(self, db):
            self.db = db

        def execute(self, *args):
            statements.append(args[0])
            return self.db.execute(*args)

        def executemany(self, *args):
            statements.append(args[0])
            return self.db.executemany(*args)

        def close(self):
            self.db.close()

    with keys.SeenKeys() as seen:
        seen._db = Counting(seen._db)
        for number in range(2500):
            assert seen.first_seen(("U001", number, None, "personnel"), number + 3) is None
        assert len(statements) <= 10
        assert seen.first_seen(("U001", 10, None, "personnel"), 9000) == 13  # written to the table
        assert seen.first_seen(("U001", 2499, None, "personnel"), 9001) == 2502  # still pending
