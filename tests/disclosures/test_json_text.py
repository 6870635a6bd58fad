"""disclosures.json_text: the snapshots' column writes the text json would write, and reads it back."""

import json

import pytest

from disclosures.json_text import JSONTextField

VALUE = {
    "filing": {"title": "茂县信访局2019年部门决算", "unit": "wan", "version": 2},
    "tables": [{"rows": [["2010101", "行政运行", "1,234.50"], ["", "合计", "-0.00"]], "empty": False}],
    "charts": {"2019": [1, 2.5, None, True]},
    "quote": 'a "quoted" \\ back\tslash\n「」',
    1: "a key that is not a string",
}


def test_written_as_compact_json_text_with_the_characters_themselves():
    text = JSONTextField().get_prep_value(VALUE)
    assert text == json.dumps(VALUE, ensure_ascii=False, separators=(",", ":"))
    assert "茂县信访局" in text and "\\u" not in text


@pytest.mark.parametrize("value", [VALUE, [], {}, "文本", 0, None])
def test_read_back_as_written(value):
    field = JSONTextField()
    expected = json.loads(json.dumps(value))
    assert field.from_db_value(field.get_prep_value(value), None, None) == expected
