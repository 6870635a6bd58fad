"""Search: the pg_trgm index on PostgreSQL, the LIKE fallback elsewhere; codes, names, ranking."""

import pytest
from django.db import connection

from opendata.search import search

pytestmark = pytest.mark.django_db


def test_trigram_extension_and_index_on_postgresql(open_demo):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm exists only on PostgreSQL; SQLite uses LIKE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'opendata_searchentry_text_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_code_search_ranks_the_exact_code_first(open_demo):
    results, count = search(query="2010308")
    assert count >= 3  # 资阳 2019 budget, 2019 final, 2020 budget and 山海关 all list 2010308
    assert results[0].entry.code == "2010308" and results[0].entry.kind == "function"
    assert results[0].entry.label == "信访事务"
    assert results[0].entry.anchor.startswith("table-") and results[0].entry.anchor.endswith("-row-2010308")


def test_search_is_case_and_space_tolerant_and_bounded(open_demo):
    assert search(query="  ")[1] == 0
    assert search(query="XFJ")[1] == search(query="xfj")[1] > 0
    results, count = search(query="信访", limit=3)
    assert len(results) == 3 and count > 3


def test_indicator_names_link_to_their_project(open_demo):
    results, _ = search(query="重大事件发生率")
    assert results and results[0].entry.kind == "indicator" and results[0].entry.context == "旅游旺季北戴河工作经费"
