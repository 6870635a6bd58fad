"""Bulk downloads of a year: CSV and xlsx of every published line (元), formula-safe, and a Frictionless
Data Package that the frictionless library validates."""

import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disclosures.models import Unit

pytestmark = pytest.mark.django_db


def _rows(client, year):
    text = client.get(f"/data/{year}/figures.csv").content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_has_one_row_per_line_in_yuan(client, open_demo):
    rows = _rows(client, 2020)
    ziyang = [r for r in rows if r["department"] == "资阳区信访局" and r["line_type"] == "expense"]
    assert len(ziyang) == 25  # the 25 expense lines of seed 000's budget
    assert sum(Decimal(r["amount"]) for r in ziyang) == Decimal("2300600.00")
    line = next(r for r in ziyang if r["function_code"] == "2010350" and r["source"] == "other")
    assert (line["unit"], line["economic_code"], line["kind"], line["amount"]) == (
        "益阳市资阳区社会矛盾纠纷调处中心办公室",
        "30201",
        "public",
        "16700.00",
    )
    shanhaiguan = [r for r in rows if r["department"] == "山海关区信访局" and r["line_type"] == "expense"]
    assert sum(Decimal(r["amount"]) for r in shanhaiguan) == Decimal("3828602.02")
    income = [r for r in rows if r["line_type"] == "income"]
    assert sum(Decimal(r["amount"]) for r in income) == Decimal("6129202.02")
    finals = _rows(client, 2019)
    assert {r["filing_kind"] for r in finals} == {"budget", "final"}
    assert sum(Decimal(r["amount"]) for r in finals if r["filing_kind"] == "final" and r["line_type"] == "expense") == Decimal("2084600.00")


def test_xlsx_matches_csv_and_amounts_are_numbers(client, open_demo):
    workbook = load_workbook(io.BytesIO(client.get("/data/2020/figures.xlsx").content))
    sheet = workbook.active
    header = [c.value for c in sheet[2]]
    amounts = [row[header.index("amount")] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(amounts) == len(_rows(client, 2020))
    assert sum(Decimal(str(a)) for a in amounts) == Decimal("6129202.02") * 2  # expense lines + income lines


def test_exports_are_formula_safe(client, open_demo):
    Unit.objects.filter(pk=open_demo.ziyang.units["main"].pk).update(name='=HYPERLINK("http://x")资阳')
    rows = _rows(client, 2020)
    assert any(r["unit"] == '\'=HYPERLINK("http://x")资阳' for r in rows)
    assert not any(r["unit"].startswith("=") for r in rows)
    sheet = load_workbook(io.BytesIO(client.get("/data/2020/figures.xlsx").content)).active
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if c.value == '=HYPERLINK("http://x")资阳']
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_datapackage_validates_with_frictionless(client, open_demo, tmp_path):
    import frictionless

    package = client.get("/data/2020/datapackage.json")
    assert package.status_code == 200 and package["ETag"]
    descriptor = package.json()
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "figures.csv").write_bytes(client.get("/data/2020/figures.csv").content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])
    assert report.stats["tasks"] == 1
    model = descriptor["model"]
    assert model["measures"]["amount"] == {"source": "amount", "currency": "CNY", "factor": 1, "title": "金额（元）"}
    assert {"department", "unit", "function", "economic", "kind", "source"} <= set(model["dimensions"])
    fields = {f["name"] for f in descriptor["resources"][0]["schema"]["fields"]}
    for dimension in model["dimensions"].values():
        assert {a["source"] for a in dimension["attributes"].values()} <= fields


def test_datapackage_with_a_broken_file_does_not_validate(client, open_demo, tmp_path):
    """The validation above can fail: an amount that is not a number is reported."""
    import frictionless

    (tmp_path / "datapackage.json").write_text(client.get("/data/2020/datapackage.json").content.decode(), encoding="utf-8")
    text = client.get("/data/2020/figures.csv").content.decode("utf-8")
    lines = text.split("\r\n")
    lines[1] = lines[1].rsplit(",", 1)[0] + ",382.86万元"  # the first row's amount
    (tmp_path / "figures.csv").write_text("\r\n".join(lines), encoding="utf-8")
    assert not frictionless.validate(str(tmp_path / "datapackage.json")).valid


def test_downloads_answer_304_and_404(client, open_demo):
    first = client.get("/data/2020/figures.csv")
    assert client.get("/data/2020/figures.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert first["Access-Control-Allow-Origin"] == "*"
    assert client.get("/data/2031/figures.csv").status_code == 404
