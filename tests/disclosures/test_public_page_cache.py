"""The public pages' cache (disclosures.views.public_cache): an anonymous visitor's page is stored whole under
the public data's stamp, answers 304 to a matching validator, and changes as soon as what the public
sees changes (a correction published, a department renamed) — without anyone clearing a cache.

The stamp itself is kept in the public cache (disclosures.public_stamp) and replaced when such a write
commits; the tests of that run with real commits (`transaction=True`), since inside the suite's usual
test transaction the stamp is read from the database."""

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.urls import reverse

from disclosures import public_stamp as stamp_module
from disclosures.models import Department, Filing
from disclosures.services import generation, workflow
from disclosures.services.prepared import snapshot_prepare
from disclosures.views.public_cache import public_cache
from tests.conftest import STAND_IN_PDF
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
    with django_assert_num_queries(1):  # the stamp (from the database inside the test transaction); no snapshot read
        second = client.get(url(published_filing))
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert "Cookie" in second["Vary"]
    assert second["Content-Security-Policy"]  # the site's headers still come from the middleware


def test_a_browser_gets_the_page_gzip_encoded_with_its_own_etag(client, published_filing, django_assert_num_queries):
    """Compressed once when the page is stored; a distinct representation with its own entity tag (RFC 9110)."""
    plain = client.get(url(published_filing))
    first = client.get(url(published_filing), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert first["Content-Encoding"] == "gzip" and gzip.decompress(first.content) == plain.content
    assert len(first.content) * 4 < len(plain.content)
    assert first["ETag"] == plain["ETag"][:-1] + '-gzip"'
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in first["Vary"].split(",")}
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in plain["Vary"].split(",")}
    with django_assert_num_queries(1):  # the stamp (read from the database inside the test's transaction)
        again = client.get(url(published_filing), HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == first.content and again["ETag"] == first["ETag"]

    assert client.get(url(published_filing), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    other = client.get(url(published_filing), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert other.status_code == 200 and other["Content-Encoding"] == "gzip"
    unencoded = client.get(url(published_filing), HTTP_IF_NONE_MATCH=first["ETag"])
    assert unencoded.status_code == 200 and "Content-Encoding" not in unencoded and unencoded.content == plain.content
    refused = client.get(url(published_filing), HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused and refused["ETag"] == plain["ETag"]


def test_the_first_browser_gets_the_gzip_copy_too(client, published_filing):
    first = client.get(url(published_filing), HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == client.get(url(published_filing)).content


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
    assert redis["BACKEND"] == "config.cache.OneClientRedisCache" and redis["LOCATION"] == "redis://127.0.0.1:6379/6"
    files = _public_cache_settings()
    assert files["BACKEND"] == "config.cache.UncompressedFileCache"
    assert files["LOCATION"].endswith("var/cache/public")
    assert files["OPTIONS"]["MAX_ENTRIES"] >= 3 * 600 * 4  # page, its gzip copy and body; a few stamps' worth


# --- the stamp kept in the cache (real commits) ---------------------------------------------------------

RENAMED = "测试县人民来访接待局"


@pytest.fixture
def stamp_kept(settings):
    """The stored stamp outlives the test: only a replacement on commit can change it."""
    settings.PUBLIC_STAMP_SECONDS = 3600
    stamp_module.public_stamp_invalidate()


def _correction_approved(filing, accountant, reviewer):
    correction = workflow.filing_correct(filing=filing, user=accountant, note="公务接待费应为1.35万元")
    workflow.filing_submit(filing=correction, user=accountant)
    return workflow.filing_approve(filing=correction, user=reviewer)


def _rename_in_another_connection(department_pk: int) -> None:
    """Rename the department in a thread of its own: its own database connection, committed there."""

    def rename():
        try:
            department = Department.objects.get(pk=department_pk)
            department.name = RENAMED
            department.save()
        finally:
            connection.close()

    thread = threading.Thread(target=rename)
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stamp_kept")
def test_a_stored_page_costs_no_query(client, published_filing, django_assert_num_queries):
    first = client.get(url(published_filing))
    with django_assert_num_queries(0):  # the stamp is in the cache too
        second = client.get(url(published_filing))
        not_modified = client.get(url(published_filing), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert not_modified.status_code == 304


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stamp_kept")
def test_a_committed_publication_is_read_at_the_next_request(client, published_filing, accountant, reviewer):
    first = client.get(url(published_filing))
    year_page = client.get(year_url(published_filing))
    correction = _correction_approved(published_filing, accountant, reviewer)
    assert client.get(url(published_filing), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304  # approved is not public

    publish(correction, reviewer)

    after = client.get(url(published_filing), HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert "本版本已于" in after.content.decode() and url(correction) in after.content.decode()
    year_after = client.get(year_url(published_filing))
    assert year_after["ETag"] != year_page["ETag"] and url(correction) in year_after.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stamp_kept")
def test_a_publication_is_read_once_its_documents_are_frozen(client, published_filing, accountant, reviewer, settings):
    """Published without documents, a correction is not public yet; the documents' creation makes it public."""
    correction = _correction_approved(published_filing, accountant, reviewer)
    first = client.get(url(published_filing))
    with mock.patch.object(workflow, "publications_enqueue"):  # the job is left for later
        workflow.filing_publish(filing=correction, user=reviewer)
    waiting = client.get(url(published_filing))
    assert "本版本已于" not in waiting.content.decode()

    with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF):
        generation.filing_generate_documents(filing=correction, publication=True)

    after = client.get(url(published_filing), HTTP_IF_NONE_MATCH=waiting["ETag"])
    assert after.status_code == 200 and after["ETag"] not in (first["ETag"], waiting["ETag"])
    assert "本版本已于" in after.content.decode() and url(correction) in after.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stamp_kept")
def test_a_publication_copied_from_its_prepared_snapshot_replaces_the_stamp(client, published_filing, accountant, reviewer):
    """The prepared snapshot is published with one UPDATE, which sends no post_save: the stamp is replaced all the same."""
    correction = _correction_approved(published_filing, accountant, reviewer)
    assert snapshot_prepare(filing=correction) is not None
    client.get(url(published_filing))
    generation_before = public_cache().get(stamp_module.GENERATION_KEY)
    with mock.patch.object(workflow, "publications_enqueue"), mock.patch.object(workflow, "snapshot_body", side_effect=AssertionError):
        workflow.filing_publish(filing=correction, user=reviewer)
    assert Filing.objects.get(pk=correction.pk).status == Filing.Status.PUBLISHED
    assert public_cache().get(stamp_module.GENERATION_KEY) != generation_before


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stamp_kept")
def test_a_rolled_back_publication_changes_nothing(client, published_filing, accountant, reviewer, django_assert_num_queries):
    correction = _correction_approved(published_filing, accountant, reviewer)
    first = client.get(url(published_filing))
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.filing_publish(filing=correction, user=reviewer)
        department = Department.objects.get(pk=published_filing.department_id)
        department.name = RENAMED
        department.save()
        raise RuntimeError("rolled back")
    correction.refresh_from_db()
    assert correction.status == Filing.Status.APPROVED
    with django_assert_num_queries(0):  # the stored stamp was not replaced: nothing committed
        again = client.get(url(published_filing))
    assert again["ETag"] == first["ETag"] and again.content == first.content


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stamp_kept")
def test_a_department_renamed_in_the_admin_shows_at_once(client, published_filing, settings):
    from django.contrib.auth import get_user_model

    department = published_filing.department
    assert RENAMED not in client.get(year_url(published_filing)).content.decode()
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-Root-1")
    editor = type(client)()
    editor.force_login(admin)
    change = reverse("admin:disclosures_department_change", args=[department.pk])
    form = editor.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name=RENAMED, **{"units-TOTAL_FORMS": "0", "units-INITIAL_FORMS": "0"})
    response = editor.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert RENAMED in client.get(year_url(published_filing)).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stamp_kept")
def test_a_stamp_queried_before_a_commit_and_stored_after_it_is_not_served(client, published_filing):
    """The race: a reader queries the stamp, another connection commits a change (and replaces the
    stamp), then the reader stores the stamp it queried. That stale stamp must not serve the next reader."""
    page = year_url(published_filing)
    client.get(page)
    stamp_module.public_stamp_invalidate()  # the next request queries the stamp
    query = stamp_module.public_stamp

    def queried_before_the_commit():
        stamp = query()
        _rename_in_another_connection(published_filing.department_id)
        return stamp

    with mock.patch.object(stamp_module, "public_stamp", queried_before_the_commit):
        raced = client.get(page)
    assert RENAMED not in raced.content.decode()  # read before the commit: the old page is right for it
    generation, stored = public_cache().get(stamp_module.STAMP_KEY)
    assert stored != query() and generation != public_cache().get(stamp_module.GENERATION_KEY)  # stored after the commit's replacement
    after = client.get(page)
    assert RENAMED in after.content.decode() and after["ETag"] != raced["ETag"]


@pytest.mark.django_db(transaction=True)
def test_a_lost_replacement_is_read_within_the_stamps_lifetime(client, published_filing, settings):
    """The process that committed is killed before it replaces the stamp: the stored stamp expires."""
    settings.PUBLIC_STAMP_SECONDS = 1
    stamp_module.public_stamp_invalidate()  # the publication's warming stored one for the default lifetime
    page = year_url(published_filing)
    client.get(page)
    with mock.patch.object(stamp_module, "public_stamp_invalidate", lambda: None):
        department = Department.objects.get(pk=published_filing.department_id)
        department.name = RENAMED
        department.save()
    assert RENAMED not in client.get(page).content.decode()  # stale, for at most PUBLIC_STAMP_SECONDS
    time.sleep(1.1)
    assert RENAMED in client.get(page).content.decode()
