"""JSON stored as its text: the column type of the snapshots (a published filing's and a prepared one's) and of
a publication's performance parts (migration 0020).

A snapshot is megabytes of JSON that the database never looks into (only whether it is NULL). As PostgreSQL
`jsonb` (Django's JSONField), the server parsed the text into its binary form on every write — ~16 ms of
its CPU per filing when a year's snapshots are prepared — and printed it back to text on every read, while
Python encodes and decodes the same text either way. As `text` (lz4-compressed, migrations 0017 and 0019)
the server stores and returns the bytes as they are, and a dict comes back with its keys in the order
they were written (jsonb sorts them; on SQLite, text already, nothing changes).

The text is written and read by orjson: the same compact UTF-8 text as `json.dumps(value, ensure_ascii=False,
separators=(",", ":"))` (keys that are not strings written as strings, as json writes them), about nine
times faster to write and twice as fast to read for a snapshot (~350 KB: 1.3 ms against 11.6 ms to write,
6 ms against 12.6 ms to read) — a year's snapshots are written once each when prepared, and read at every
publication that cannot copy its prepared body and at every public page built.
"""

from __future__ import annotations

import orjson
from django.db import models


class JSONTextField(models.TextField):
    """A JSON value (dict, list, str, number, bool) kept as compact UTF-8 text; None is SQL NULL."""

    description = "JSON stored as text"

    def from_db_value(self, value, expression, connection):
        return None if value is None else orjson.loads(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()

    def value_to_string(self, obj):
        """The value itself, as JSONField gives it to the serializers (dumpdata writes it as JSON, not as a string)."""
        return self.value_from_object(obj)
