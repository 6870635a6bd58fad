"""The publication job builds the public pages a publication changed once its documents are frozen
(services.public_warm), so no reader waits for a cold render: not the county overview, not the filing."""

from unittest import mock

import pytest
from django.urls import reverse

from disclosures.models import Filing
from disclosures.views.public_cache import public_cache
from jobs.models import Job
from opendata import views as opendata_views
from tests.disclosures.workflow_fixtures import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    public_cache().clear()
    yield
    public_cache().clear()


def refuse_to_render(*args, **kwargs):
    raise AssertionError("rendered in the reader's request")


def test_the_publication_job_builds_the_pages_before_any_reader(client, approved_filing, reviewer):
    published = publish(approved_filing, reviewer)
    year = published.fiscal_year.year
    pages = [
        reverse("opendata:overview", args=[year]),
        f"{reverse('opendata:overview', args=[year])}?kind=final",
        reverse("opendata:home"),
        reverse("opendata:department", args=[published.department.code]),
        reverse("disclosures:public_home"),
        reverse("disclosures:public_year", args=[year]),
        reverse("disclosures:public_filing", args=[published.pk]),
    ]
    with (
        mock.patch.object(opendata_views, "county_overview", refuse_to_render),
        mock.patch.object(opendata_views, "render", refuse_to_render),
        mock.patch("disclosures.views.public.render", refuse_to_render),
    ):
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert response["ETag"]
    job = Job.objects.filter(filing=published, params__publication=True).get()
    assert set(pages) <= set(job.result["public_pages_warmed"])


def test_while_other_publications_wait_only_the_filings_own_pages_are_built(client, approved_filing, reviewer):
    waiting = Job.objects.create(kind=Job.Kind.GENERATE_FILING, params={"publication": True}, status=Job.Status.QUEUED)
    published = publish(approved_filing, reviewer)
    job = Job.objects.filter(filing=published, params__publication=True).get()
    assert job.result["public_pages_warmed"] == sorted(
        [reverse("disclosures:public_filing", args=[published.pk]), reverse("opendata:department", args=[published.department.code])]
    )
    assert waiting.pk


def test_a_page_that_fails_does_not_fail_the_publication(approved_filing, reviewer):
    with mock.patch("disclosures.services.public_warm.public_pages_warm", side_effect=RuntimeError("模板错误")):
        published = publish(approved_filing, reviewer)
    assert published.publication_documents.count() == 3
    assert Filing.objects.get(pk=published.pk).status == Filing.Status.PUBLISHED
    assert "public_pages_warmed" not in Job.objects.get(filing=published, params__publication=True).result
