"""The public pages' cache (disclosures.views.public_cache): an anonymous visitor's page is stored whole under
the public data's stamp, answers 304 to a matching validator, and changes as soon as what the public
sees changes (a correction published, a department renamed) — without anyone clearing a cache."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from disclosures.services import workflow
from disclosures.views.public_cache import public_cache
from tests.disclosures.workflow_fixtures import publish

pytestmark = pytest.mark.django_db


def url(filing):
    return reverse("disclosures:public_filing", args=[filing.pk])


def year_url(filing):
    return reverse("disclosures:public_year", args=[filing.fiscal_year.year])


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache().clear()
    yield
    public_cache().clear()


def test_conditional_get_answers_304(client, published_filing):
    first = client.get(url(published_filing))
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]

    again = client.get(url(published_filing), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(url(published_filing), HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(url(published_filing), HTTP_IF_NONE_MATCH='"an-older-page"').status_code == 200
    assert client.get(year_url(published_filing), HTTP_IF_NONE_MATCH=etag).status_code == 200  # one ETag per page


def test_a_new_version_published_changes_the_page(client, published_filing, accountant, reviewer):
    first = client.get(url(published_filing))
    assert "本版本已于" not in first.content.decode()
    assert url(published_filing) in client.get(year_url(published_filing)).content.decode()

    correction = workflow.filing_correct(filing=published_filing, user=accountant, note="公务接待费应为1.35万元")
    workflow.filing_submit(filing=correction, user=accountant)
    workflow.filing_approve(filing=correction, user=reviewer)
    publish(correction, reviewer)

    after = client.get(url(published_filing), HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert "本版本已于" in after.content.decode() and url(correction) in after.content.decode()
    year_page = client.get(year_url(published_filing)).content.decode()
    assert url(correction) in year_page and url(published_filing) not in year_page


def test_the_page_is_stored_whole_and_served_without_rendering(client, published_filing, django_assert_num_queries):
    first = client.get(url(published_filing))
    with django_assert_num_queries(1):  # the stamp; no filing, no snapshot, no documents
        second = client.get(url(published_filing))
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert "Cookie" in second["Vary"]
    assert second["Content-Security-Policy"]  # the site's headers still come from the middleware


def test_a_renamed_department_shows_on_the_lists(client, published_filing):
    department = published_filing.department
    assert department.name in client.get(year_url(published_filing)).content.decode()
    department.name = "测试县人民来访接待局"
    department.save()
    assert "测试县人民来访接待局" in client.get(year_url(published_filing)).content.decode()


def test_a_logged_in_visitor_gets_a_page_of_their_own(client, published_filing, reviewer):
    anonymous = client.get(url(published_filing))
    assert "退出" not in anonymous.content.decode()
    client.force_login(reviewer)
    own = client.get(url(published_filing))
    assert "退出" in own.content.decode() and "ETag" not in own
    client.logout()
    assert "退出" not in client.get(url(published_filing)).content.decode()


def test_a_search_is_not_stored(client, published_filing):
    response = client.get(year_url(published_filing), {"q": "信访"})
    assert response.status_code == 200 and "ETag" not in response


def test_pages_are_stored_in_files_without_redis(client, published_filing, settings, tmp_path, django_assert_num_queries):
    settings.CACHES = {
        **settings.CACHES,
        "public": {"BACKEND": "config.cache.UncompressedFileCache", "LOCATION": str(tmp_path / "public")},
    }
    first = client.get(url(published_filing))
    assert list((tmp_path / "public").glob("*.djcache"))
    with django_assert_num_queries(1):
        assert client.get(url(published_filing)).content == first.content


def _public_cache_settings(**env: str) -> dict:
    environment = {key: value for key, value in os.environ.items() if key not in ("CACHE_URL", "PUBLIC_CACHE_DIR")}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    code = "import json; from config import settings; print(json.dumps(settings.CACHES['public']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_cache_holds_every_published_filing():
    """A county of 300 departments publishes 600 filings a year: the local-memory cache held 300 entries
    per process. Redis with CACHE_URL, else files shared by the web processes, with room for years of them."""
    redis = _public_cache_settings(CACHE_URL="redis://127.0.0.1:6379/6")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache" and redis["LOCATION"] == "redis://127.0.0.1:6379/6"
    files = _public_cache_settings()
    assert files["BACKEND"] == "config.cache.UncompressedFileCache"
    assert files["LOCATION"].endswith("var/cache/public")
    assert files["OPTIONS"]["MAX_ENTRIES"] >= 2 * 600
