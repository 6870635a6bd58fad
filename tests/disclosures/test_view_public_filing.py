"""GET /public/filings/<pk>/ — a published filing from its snapshot: text, tables, charts, downloads."""

import re

import pytest
from disclosures.views.public_cache import public_cache
from django.urls import reverse

from disclosures.lock_triggers import lock_triggers_lifted
from disclosures.models import ExpenseLine
from disclosures.services import workflow
from tests.disclosures.workflow_fixtures import publish

pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:public_filing", args=[filing.pk])


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache().clear()
    yield
    public_cache().clear()


def test_published_filing_page(client, published_filing):
    response = client.get(url(published_filing))
    assert response.status_code == 200
    text = response.content.decode()
    assert "茂县信访局2019年部门决算公开" in text
    assert "382.31" in text and "上年 310.17" in text  # 收支总计 and 2018
    for table in published_filing.published_snapshot["tables"]:
        assert table["title"] in text
    assert text.count("<svg") >= 4  # income, expense by 类, 三公, year over year
    assert "公务接待费" in text and "1.85" in text
    # the page needs no script of its own (charts are SVG); the site's one script file is no inline code
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/js/confirm.js" defer>']


@pytest.mark.parametrize("fixture", ["clean_filing", "submitted_filing", "returned_filing", "approved_filing"])
def test_unpublished_filings_are_404(client, request, fixture):
    filing = request.getfixturevalue(fixture)
    assert client.get(url(filing)).status_code == 404


def test_query_count_is_bounded(client, published_filing, django_assert_max_num_queries, django_assert_num_queries):
    with django_assert_max_num_queries(4):  # the public data's stamp, then the filing, a newer version, the documents
        assert client.get(url(published_filing)).status_code == 200
    with django_assert_num_queries(1) as queries:  # the stored page: the stamp only, no snapshot read
        assert client.get(url(published_filing)).status_code == 200
    assert "published_snapshot" not in queries.captured_queries[0]["sql"]


def test_page_shows_the_snapshot_not_the_live_data(client, published_filing):
    # the database refuses to change a published filing's lines; with its triggers lifted (as a database
    # administrator could), the public page still reads the snapshot
    with lock_triggers_lifted():
        ExpenseLine.objects.filter(filing=published_filing, dept_economic_item__code="30217").update(actual_amount=999999)
    public_cache().clear()
    text = client.get(url(published_filing)).content.decode()
    assert "1.85" in text and "100.00" not in text


def test_corrected_filing_says_so(client, published_filing, accountant, reviewer):
    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="公务接待费应为1.35万元")
    ExpenseLine.objects.filter(filing=correction, dept_economic_item__code="30217").update(actual_amount=13500, budget_amount=13500)
    ExpenseLine.objects.filter(filing=correction, dept_economic_item__code="30201").update(actual_amount=96550, budget_amount=96550)
    workflow.filing_submit(filing=correction, user=accountant)
    workflow.filing_approve(filing=correction, user=reviewer)
    publish(correction, reviewer)

    text = client.get(url(correction)).content.decode()
    assert "已更正" in text and "公务接待费应为1.35万元" in text
    assert f"{correction.published_at.year}年{correction.published_at.month}月" in text
    assert "1.85" in text and "1.35" in text  # before and after in the diff
    assert reverse("disclosures:public_filing", args=[published_filing.pk]) in text

    old = client.get(url(published_filing)).content.decode()  # the old version stays readable
    assert "本版本已于" in old and reverse("disclosures:public_filing", args=[correction.pk]) in old


def test_rendered_body_is_cached_per_snapshot(client, published_filing):
    from disclosures.selectors.public import public_filing_get
    from disclosures.views.public import _body_cache_key

    key = _body_cache_key(public_filing_get(pk=published_filing.pk))
    assert "382.31" in public_cache().get(key)  # built by the publication job (services.public_warm)
    public_cache().clear()
    client.get(url(published_filing))
    assert "382.31" in public_cache().get(key)
