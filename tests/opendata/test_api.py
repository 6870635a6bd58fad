"""/api/v1/: filters, amounts in 元 with units, JSON errors, pagination, ETag/Last-Modified/304, CORS,
the OpenAPI schema; the old unversioned API keeps working."""

from decimal import Decimal

import pytest
from django.utils import timezone

from disclosures.models import Filing

pytestmark = pytest.mark.django_db


def test_filter_by_department_name_and_code(client, open_demo):
    by_name = client.get("/api/v1/filings/", {"department": "资阳区信访局"}).json()
    by_code = client.get("/api/v1/filings/", {"department": "430902-XFJ"}).json()
    assert by_name["count"] == by_code["count"] == 3
    assert {(r["year"], r["kind"]) for r in by_name["results"]} == {(2020, "budget"), (2019, "budget"), (2019, "final")}


def test_filter_by_kind_and_year(client, open_demo):
    finals = client.get("/api/v1/filings/", {"kind": "final"}).json()
    assert [(r["department"], r["year"]) for r in finals["results"]] == [("资阳区信访局", 2019)]
    budgets_2020 = client.get("/api/v1/filings/", {"kind": "budget", "year": 2020}).json()
    assert [r["department_code"] for r in budgets_2020["results"]] == ["130303-XFJ", "430902-XFJ"]


def test_pagination(client, open_demo):
    first = client.get("/api/v1/filings/", {"page_size": 3}).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["previous"] is None
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and "page=1" in second["previous"]
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    beyond = client.get("/api/v1/filings/", {"page": 9})
    assert beyond.status_code == 404 and beyond["Content-Type"].startswith("application/json")


def test_errors_are_json(client, open_demo):
    missing = client.get("/api/v1/filings/999999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == 404
    bad_kind = client.get("/api/v1/filings/", {"kind": "bogus"})
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["status"] == 422
    too_big = client.get("/api/v1/filings/", {"page_size": 101})
    assert too_big.status_code == 422
    nowhere = client.get("/api/v1/no-such-endpoint/")
    assert nowhere.status_code == 404 and nowhere.json()["error"]["status"] == 404


def test_filing_amounts_are_yuan_strings_with_units(client, open_demo):
    pk = open_demo.shanhaiguan.filing.pk
    data = client.get(f"/api/v1/filings/{pk}/").json()
    assert data["unit"] == "元"
    figures = {row["key"]: row for row in data["key_figures"]}
    assert figures["total"]["amount"] == "3828602.02" and figures["total"]["unit"] == "元"
    assert figures["three_public.total"]["amount"] == "145950.50"
    three = {row["key"]: row["amount"] for row in data["three_public"]}
    assert three == {"overseas": "0.00", "vehicle_purchase": "0.00", "vehicle_operation": "126000.00", "reception": "19950.50"}
    table = next(t for t in data["tables"] if t["title"].endswith("部门支出总表"))
    assert table["unit"] == "元"
    total_row = table["rows"][0]
    assert total_row["amounts"]["total"] == "3828602.02"  # not 382.86 万元, not "3828602.02000000000"
    project = data["projects"][0]
    assert project["name"] == "旅游旺季北戴河工作经费" and project["budget_amount"] == "400000.00" and project["unit"] == "元"
    for row in data["key_figures"]:
        assert row["amount"] is None or Decimal(row["amount"]).as_tuple().exponent == -2


def test_overview_department_and_search_endpoints(client, open_demo):
    overview = client.get("/api/v1/years/2020/overview/", {"kind": "budget"}).json()
    assert [d["total"] for d in overview["departments"]] == ["3828602.02", "2300600.00"]
    assert overview["totals"]["total"] == "6129202.02"
    assert all(d["published_within_20_days"] is True for d in overview["departments"])
    history = client.get("/api/v1/departments/430902-XFJ/").json()
    assert history["years"][0] == {
        "year": 2019,
        "budget_id": open_demo.ziyang_prior.budget.pk,
        "final_id": open_demo.ziyang_prior.final.pk,
        "budget_expense": "2150400.00",
        "final_expense": "2084600.00",
        "execution_rate_pct": "96.9",
        "unit": "元",
    }
    found = client.get("/api/v1/search/", {"q": "劝返率"}).json()
    assert found["count"] >= 1 and found["results"][0]["filing_id"] == open_demo.shanhaiguan.filing.pk
    assert found["results"][0]["page"].endswith("#part-performance-1")  # its 项目绩效目标表
    assert client.get("/api/v1/search/").status_code == 422


def test_etag_last_modified_and_304(client, open_demo):
    pk = open_demo.ziyang.filing.pk
    first = client.get(f"/api/v1/filings/{pk}/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag and last_modified
    again = client.get(f"/api/v1/filings/{pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert client.get(f"/api/v1/filings/{pk}/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    listing = client.get("/api/v1/filings/")
    assert client.get("/api/v1/filings/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304
    # A newer publication changes the list's validators.
    Filing.objects.filter(pk=pk).update(published_at=timezone.now() + timezone.timedelta(minutes=5))
    assert client.get("/api/v1/filings/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 200
    assert client.get(f"/api/v1/filings/{pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_cors_for_read_only_requests(client, open_demo):
    response = client.get("/api/v1/years/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/filings/", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert client.post("/api/v1/filings/", HTTP_ORIGIN="https://example.org").status_code in (405, 403)
    assert "Access-Control-Allow-Origin" not in client.get("/open/")


def test_openapi_schema(client, open_demo):
    schema = client.get("/api/v1/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    for path in (
        "/api/v1/years/",
        "/api/v1/filings/",
        "/api/v1/filings/{filing_id}/",
        "/api/v1/years/{year}/overview/",
        "/api/v1/departments/{department}/",
        "/api/v1/search/",
    ):
        assert "get" in paths[path], path
    params = {p["name"]: p for p in paths["/api/v1/filings/"]["get"]["parameters"]}
    assert {"year", "kind", "department", "page", "page_size"} <= set(params)
    assert {"enum": ["budget", "final"], "type": "string"} in params["kind"]["schema"]["anyOf"]
    assert params["page_size"]["schema"]["maximum"] == 100 and params["page_size"]["schema"]["type"] == "integer"
    components = schema["components"]["schemas"]
    page = components["FilingPage"]["properties"]
    assert page["count"]["type"] == "integer" and page["results"]["type"] == "array"
    key_figure = components["KeyFigureOut"]["properties"]
    assert {"type": "string"} in key_figure["amount"]["anyOf"]  # decimal string, never a float
    assert key_figure["unit"]["default"] == "元"
    assert "404" in paths["/api/v1/filings/{filing_id}/"]["get"]["responses"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/api/v1/filings/" in docs and "/api/v1/schema/" in docs


def test_old_unversioned_api_still_works(client, open_demo):
    response = client.get("/api/filings/")
    assert response.status_code == 200
    assert {f["department"] for f in response.json()["filings"]} == {"山海关区信访局", "资阳区信访局"}
    assert client.get("/api/years/").status_code == 200
