"""Nothing unpublished reaches any open-data page, download or API endpoint: not a draft (茂县 2019), not
an approved filing that already carries a snapshot (望城 2020), not a returned correction (山海关 v2)."""

import pytest
from django.urls import reverse

from tests.opendata.conftest import LEAK_MARKERS

pytestmark = pytest.mark.django_db


def _assert_clean(response, echoed: str = ""):
    """No marker in the body; `echoed` is the search text the page repeats back, which is not a leak."""
    assert response.status_code in (200, 404), response.status_code
    text = response.content.decode("utf-8")
    if echoed:
        text = text.replace(echoed, "")
    for marker in LEAK_MARKERS:
        assert marker not in text, marker


def test_state_of_the_fixture(unpublished):
    assert unpublished["approved"].status == "approved" and unpublished["approved"].published_snapshot
    assert unpublished["draft"].status == "draft"
    assert unpublished["returned"].version == 2


@pytest.mark.parametrize(
    "url",
    [
        "/open/",
        "/open/2020/",
        "/open/2020/?kind=final",
        "/open/2019/?kind=final",
        "/open/2020/departments.csv?kind=final",
        "/open/2020/functions.csv?kind=final",
        "/open/2020/three-public.csv?kind=final",
        "/open/2019/departments.csv?kind=final",
        "/open/search/?q=望城",
        "/open/search/?q=茂县",
        "/open/search/?q=信访工作专项经费",
        "/open/search/?q=信访",
        "/data/2020/figures.csv",
        "/data/2019/figures.csv",
        "/data/2020/datapackage.json",
        "/api/v1/years/",
        "/api/v1/filings/",
        "/api/v1/filings/?department=望城区信访局",
        "/api/v1/filings/?year=2020&kind=final",
        "/api/v1/years/2020/overview/?kind=final",
        "/api/v1/search/?q=望城",
        "/api/v1/search/?q=信访",
    ],
)
def test_pages_downloads_and_api_hold_nothing_unpublished(client, unpublished, url):
    from urllib.parse import parse_qs, urlsplit

    _assert_clean(client.get(url), echoed=parse_qs(urlsplit(url).query).get("q", [""])[0])


def test_department_pages_of_unpublished_departments_do_not_exist(client, unpublished):
    for code in ("430112-XFJ", "望城区信访局", "513223-XFJ"):
        assert client.get(reverse("opendata:department", args=[code])).status_code == 404
        response = client.get(f"/api/v1/departments/{code}/")
        assert response.status_code == 404 and response.json()["error"]["status"] == 404


def test_unpublished_filings_are_404_in_the_api(client, unpublished):
    for filing in unpublished.values():
        response = client.get(f"/api/v1/filings/{filing.pk}/")
        assert response.status_code == 404 and response.json()["error"]["status"] == 404


def test_returned_correction_does_not_replace_the_published_version(client, unpublished, open_demo):
    shanhaiguan = client.get("/api/v1/filings/", {"department": "130303-XFJ"}).json()["results"]
    assert [(r["id"], r["version"]) for r in shanhaiguan] == [(open_demo.shanhaiguan.filing.pk, 1)]


def test_xlsx_holds_nothing_unpublished(client, unpublished):
    import io

    from openpyxl import load_workbook

    for year in (2019, 2020):
        sheet = load_workbook(io.BytesIO(client.get(f"/data/{year}/figures.xlsx").content)).active
        text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
        for marker in LEAK_MARKERS:
            assert marker not in text


def test_years_count_only_published_departments(client, unpublished):
    years = {y["year"]: y for y in client.get("/api/v1/years/").json()}
    assert years[2019]["departments"] == 1  # 资阳; 茂县's 2019 final accounts are a draft
    assert years[2020] == {"year": 2020, "departments": 2, "filings": 2}


def test_a_published_correction_replaces_its_original_everywhere(client, open_demo, settings, tmp_path):
    """Once a correction is published, search, the overview and the API show it, not the original; the
    index drops the original's entries (it follows the current versions)."""
    from unittest import mock

    from django.test import TestCase

    from disclosures.services import generation, workflow
    from opendata.models import SearchEntry
    from opendata.search import search
    from tests.disclosures.workflow_fixtures import STAND_IN_PDF

    settings.MEDIA_ROOT = tmp_path / "media"
    original = open_demo.ziyang.filing
    assert original.pk in {r.filing.pk for r in search(query="资阳区信访局")[0]}
    from disclosures.services.reasons import filing_reasons_update, reason_slots

    correction = workflow.filing_correct(filing=original, user=open_demo.users["ziyang"], note="更正说明（测试）")
    # Against the now published 2019 budget more figures changed than the seed explained.
    slots = reason_slots(filing=correction)
    filing_reasons_update(filing=correction, user=open_demo.users["ziyang"], reasons={key: "人员增加，支出相应增加" for key in slots})
    workflow.filing_submit(filing=correction, user=open_demo.users["ziyang"])
    workflow.filing_approve(filing=correction, user=open_demo.reviewer)
    with mock.patch.object(generation, "render_pdf", lambda html: STAND_IN_PDF), TestCase.captureOnCommitCallbacks(execute=True):
        workflow.filing_publish(filing=correction, user=open_demo.reviewer)

    found = {r.filing.pk for r in search(query="资阳区信访局")[0]}
    assert correction.pk in found and original.pk not in found
    assert not SearchEntry.objects.filter(filing_id=original.pk).exists()
    ids = [r["id"] for r in client.get("/api/v1/filings/", {"department": "430902-XFJ", "year": 2020}).json()["results"]]
    assert ids == [correction.pk]
    assert client.get(f"/api/v1/filings/{original.pk}/").json()["superseded_by"] == correction.pk  # still readable
    html = client.get("/open/2020/").content.decode()
    assert f"/public/filings/{correction.pk}/" in html and f"/public/filings/{original.pk}/" not in html
