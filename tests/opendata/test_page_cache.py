"""The open-data pages come from the public cache too: one ETag per page and variant, 304 when unchanged."""

import pytest
from django.urls import reverse

from disclosures.views.public_cache import public_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache().clear()
    yield
    public_cache().clear()


def test_overview_answers_304_per_sort_order(client, open_demo, django_assert_num_queries):
    page = reverse("opendata:overview", args=[2020])
    by_department = client.get(page)
    by_total = client.get(page, {"sort": "total", "dir": "desc"})
    assert by_department.status_code == by_total.status_code == 200
    assert by_department["ETag"] != by_total["ETag"]
    assert by_department.content != by_total.content
    with django_assert_num_queries(1):
        assert client.get(page, {"sort": "total", "dir": "desc"}).content == by_total.content
    assert client.get(page, HTTP_IF_NONE_MATCH=by_department["ETag"]).status_code == 304
    assert client.get(page, {"sort": "no-such-column"})["ETag"] == by_department["ETag"]  # shown as by department


def test_department_and_home_pages_answer_304(client, open_demo):
    for page in (reverse("opendata:department", args=[open_demo.ziyang.department.code]), reverse("opendata:home")):
        first = client.get(page)
        assert first.status_code == 200
        assert client.get(page, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_unknown_department_is_not_stored(client, open_demo):
    response = client.get(reverse("opendata:department", args=["no-such-department"]))
    assert response.status_code == 404 and "ETag" not in response
