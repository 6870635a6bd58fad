"""Snapshots of other shapes (older ones lack fields, newer ones gain some) are read defensively, and two
searches rebuilding the index at once on PostgreSQL leave one copy of every entry."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from disclosures.models import Department, Filing, FiscalYear, PublicationDocument, Unit
from opendata.models import SearchEntry
from opendata.search import entries_for, search_index_sync
from opendata.selectors import county_overview, current_filings

MINIMAL_SNAPSHOT = {
    "schema": 1,
    "filing": {"department": "示例县教育局", "year": 2021, "kind": "budget"},
    "key_figures": [{"key": "total", "label": "收支总计", "amount": "1234.5"}, {"key": "basic", "amount": "not a number"}],
    "tables": [
        {"title": "部门支出总表", "rows": [{"kind": "subtotal", "level": 1, "code": "205", "cells": [{"key": "name", "text": "教育支出"}]}, "junk"]}
    ],
    "charts": {"expense_by_class": [["教育支出", "1234.50"], ["坏数据"]], "three_public": "not a list"},
    "projects": [{"code": "P1", "name": "课后服务补助", "indicators": [{"name": "受益学生人数"}, None]}],
    "a_field_added_later": {"units": []},
}


def _published(code: str, name: str) -> Filing:
    department = Department.objects.create(code=code, name=name)
    Unit.objects.create(department=department, code=f"{code}01", name=name, is_main=True)
    year, _ = FiscalYear.objects.get_or_create(year=2021)
    now = timezone.now()
    filing = Filing.objects.create(
        department=department,
        fiscal_year=year,
        kind=Filing.Kind.BUDGET,
        status=Filing.Status.PUBLISHED,
        approved_at=now,
        published_at=now,
        published_snapshot=MINIMAL_SNAPSHOT,
    )
    PublicationDocument.objects.create(filing=filing, format="xlsx", file=f"publications/{code}.xlsx", size=1, sha256="0" * 64)
    return filing


@pytest.mark.django_db
def test_missing_and_malformed_snapshot_fields_are_unknown_not_errors(client):
    filing = _published("EDU", "示例县教育局")
    [published] = current_filings(year=2021)
    assert str(published.key_figure("total")) == "1234.50"
    assert published.key_figure("basic") is None and published.key_figure("three_public.total") is None
    assert published.three_public == {}
    assert published.expense_by_class == [("205", "教育支出", published.key_figure("total"))]
    overview = county_overview(year=2021)
    assert [r.total for r in overview.rows] == [published.key_figure("total")] and overview.rows[0].operating_costs is None
    assert {e.label for e in entries_for(published)} == {"示例县教育局", "教育支出", "课后服务补助", "受益学生人数"}
    for url in (
        "/open/2021/",
        "/open/departments/EDU/",
        "/open/search/?q=课后",
        "/api/v1/years/2021/overview/",
        f"/api/v1/filings/{filing.pk}/",
        "/api/v1/departments/EDU/",
        "/data/2021/figures.csv",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_two_searches_rebuilding_the_index_at_once_keep_one_copy():
    if connection.vendor != "postgresql":
        pytest.skip("a race between two connections needs PostgreSQL")
    for i in range(3):
        _published(f"R{i}", f"并发测试局{i}")
    expected = sum(len(entries_for(f)) for f in current_filings())
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def rebuild():
        try:
            barrier.wait(timeout=10)
            search_index_sync()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert SearchEntry.objects.count() == expected == 3 * 4
