"""One formatting helper (disclosures.money) for amounts, percentages and indicator values, used by the
templates (the `numbers` filters), the API, the xlsx/PDF grids and the snapshot: never an exponent, never a
doubled comparator or unit, thousands separated where a page shows an amount.

The public page printed an indicator as "≥1E+2%" (Decimal('100.0000').normalize() is 1E+2) and another as
"≥≥90%%" (the comparator and unit added around a target text that already carried them)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from disclosures.models import Project
from disclosures.money import AmountUnit, format_figure, format_indicator, format_number, format_percent
from disclosures.parts.grid import Cell
from disclosures.selectors.facts import filing_facts
from disclosures.selectors.snapshot import _projects
from evaluations.documents.layouts import target_display
from evaluations.models import Indicator
from opendata.api import _indicator

amounts = st.decimals(min_value=Decimal("-99999999999999.99"), max_value=Decimal("99999999999999.99"), places=2, allow_nan=False)
any_decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1E+20"), max_value=Decimal("1E+20"))
comparators = st.sampled_from(["≥", "≤", "=", ">", "<"])
units = st.sampled_from(["%", "万元", "人次", "件", ""])


@given(value=any_decimals, places=st.one_of(st.none(), st.integers(0, 4)), grouping=st.booleans())
def test_no_exponent_and_the_value_round_trips(value, places, grouping):
    text = format_number(value, places=places, grouping=grouping)
    assert "E" not in text and "e" not in text
    back = Decimal(text.replace(",", ""))
    if places is None:
        assert back == value  # exact: only trailing zeros dropped
    else:
        assert abs(back - value) <= Decimal(1).scaleb(-places) / 2
    if not grouping:
        assert "," not in text


@given(amount=amounts)
def test_amounts_in_yuan_are_thousands_separated_and_round_trip(amount):
    text = format_figure(amount, AmountUnit.YUAN)
    integer, _, decimals = text.lstrip("-").partition(".")
    assert len(decimals) == 2 and "E" not in text
    groups = integer.split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    assert Decimal(text.replace(",", "")) == amount


@given(amount=amounts)
def test_amounts_in_wan_round_half_up_from_yuan(amount):
    assert Decimal(format_figure(amount, AmountUnit.WAN).replace(",", "")) == (amount / 10000).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@given(value=st.decimals(min_value=0, max_value=10**6, places=4), comparator=comparators, unit=units, as_text=st.booleans())
def test_an_indicator_prints_its_comparator_and_unit_once(value, comparator, unit, as_text):
    stored = str(value.normalize()) if as_text else value  # a snapshot stored '1E+2' for 100.0000
    text = format_indicator(comparator=comparator, value=stored, unit=unit)
    assert "E" not in text
    assert text.startswith(comparator) and text.count(comparator) == 1
    assert text.endswith(unit)
    if unit:
        assert text.count(unit) == 1
    assert Decimal(text[len(comparator) : len(text) - len(unit)]) == value
    # printing the printed text again changes nothing (a target text that already carries both)
    assert format_indicator(comparator=comparator, text=text, unit=unit) == text


def test_the_public_page_faults():
    assert format_indicator(comparator="≥", text="1E+2", unit="%") == "≥100%"
    assert format_indicator(comparator="≥", text="≥90%", unit="%") == "≥90%"
    assert format_indicator(comparator="≥", text="90%", unit="%") == "≥90%"
    assert format_indicator(comparator="定性", text="群众满意", unit="") == "群众满意"
    assert format_indicator(comparator="≥", text="较上年提高", unit="%") == "较上年提高"
    assert format_indicator(comparator="≥", value=None, text="", unit="%") == "—"
    assert format_percent(Decimal("-0.04")) == "0.0%"
    assert format_number(Decimal("0.000")) == "0" and format_number(Decimal("-0E+3")) == "0"


def test_grid_cells_and_the_filters_print_plain_numbers():
    assert Cell(Decimal("1E+2"), kind="num", number_format="General").text == "100"
    assert Cell(Decimal("3823120"), kind="num").text == "3823120.00"
    rendered = Template(
        "{% load numbers %}{{ a|yuan }} {{ a|figure:'wan' }} {{ b|number }} {{ c|percent }} {{ d|fraction }} {{ i|indicator }}"
    ).render(
        Context(
            {
                "a": Decimal("3823120.00"),
                "b": Decimal("1E+2"),
                "c": Decimal("57.6"),
                "d": Decimal("0.575929"),
                "i": {"comparator": "≥", "target": "≥90%", "unit": "%"},
            }
        )
    )
    assert rendered == "3,823,120.00 382.31 100 57.6% 57.59% ≥90%"


@pytest.mark.django_db
def test_snapshot_api_documents_and_page_print_indicators_once(filing, department):
    project = Project.objects.create(filing=filing, code="P001", name="信访工作经费", order=1)
    hundred = Indicator.objects.create(
        project=project, level1="output", level2="quantity", name="办结率", comparator="ge", target_value=Decimal("100.0000"), unit="%"
    )
    ninety = Indicator.objects.create(
        project=project,
        level1="satisfaction",
        level2="satisfaction",
        name="满意度",
        comparator="ge",
        target_value=Decimal("90"),
        target_text="≥90%",
        unit="%",
    )
    stored = _projects(filing_facts(filing=filing))[0]["indicators"]
    assert [i["target"] for i in stored] == ["100", "≥90%"]
    assert [_indicator(i)["display"] for i in stored] == ["≥100%", "≥90%"]
    assert _indicator({"comparator": "≥", "target": "1E+2", "unit": "%"}) == {
        "level1": "",
        "level2": "",
        "name": "",
        "comparator": "≥",
        "target": "100",
        "unit": "%",
        "display": "≥100%",
    }
    assert [target_display(i) for i in (hundred, ninety)] == ["≥100%", "≥90%"]
    page = Template("{% load numbers %}{% for i in items %}<td>{{ i|indicator }}</td>{% endfor %}").render(Context({"items": stored}))
    assert page == "<td>≥100%</td><td>≥90%</td>"
