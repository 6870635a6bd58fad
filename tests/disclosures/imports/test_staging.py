"""Rows staged between preview and apply: bound to filing and user, expiring, cleaned up."""

import os
import time

import pytest

from disclosures.imports import preview as staging
from disclosures.imports.preview import RowPreview, SheetPreview, StagingError, load_staged, stage_preview, staged_rows


@pytest.fixture(autouse=True)
def own_dir(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = str(tmp_path)


def sheet():
    preview = SheetPreview(kind="expense", title="支出", headers=["年初预算数（元）"])
    preview.rows.append(RowPreview(number=3, cells=["1036.03"], values={"budget_amount": "1036.03"}))
    return preview


def test_bound_to_filing_and_user():
    token = stage_preview(preview=sheet(), filing_id=1, user_id=2, filename="支出.xlsx")
    assert load_staged(token=token, filing_id=1, user_id=2)["count"] == 1
    assert list(staged_rows(token)) == [(3, {"budget_amount": "1036.03"})]
    for filing_id, user_id in ((1, 3), (9, 2)):
        with pytest.raises(StagingError):
            load_staged(token=token, filing_id=filing_id, user_id=user_id)
    with pytest.raises(StagingError):
        load_staged(token="../../etc/passwd", filing_id=1, user_id=2)


def test_expired_previews_are_refused_and_removed(monkeypatch, tmp_path):
    token = stage_preview(preview=sheet(), filing_id=1, user_id=2, filename="a.xlsx")
    path = tmp_path / f"{token}.json"
    old = time.time() - staging.STAGING_MAX_AGE - 10
    os.utime(path, (old, old))
    stage_preview(preview=sheet(), filing_id=1, user_id=2, filename="b.xlsx")
    assert not path.exists()
    later = stage_preview(preview=sheet(), filing_id=1, user_id=2, filename="c.xlsx")
    monkeypatch.setattr(staging.time, "time", lambda: old + 2 * staging.STAGING_MAX_AGE + 100)
    with pytest.raises(StagingError, match="超过1小时"):
        load_staged(token=later, filing_id=1, user_id=2)


def test_a_staged_line_is_the_json_it_was():
    """Staged rows are encoded by one encoder made once (json.dumps made one a row): the same text."""
    import json
    from decimal import Decimal

    from disclosures.imports.preview import staged_line

    values = {"unit": "901001", "budget_amount": Decimal("1036.03"), "adjusted_amount": None, "note": '引号" 反斜杠\\ \u2028', "function_item": 17}
    assert staged_line(5, values) == json.dumps([5, values], ensure_ascii=False, default=str) + "\n"
    assert json.loads(staged_line(5, values)) == [5, {**values, "budget_amount": "1036.03"}]
