"""Django's flush, with the locked-filing triggers lifted for the flush itself.

flush empties every table (the test runner flushes after each transactional test). On SQLite it deletes
row by row, table by table in no particular order, so the triggers that keep a submitted, approved or
published filing immutable (disclosures migration 0009, evaluations 0005) would refuse it; they are
lifted for the flush, in its transaction (disclosures.lock_triggers). PostgreSQL's flush truncates, which
fires no row trigger.
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from disclosures.lock_triggers import lock_triggers_lifted


class Command(FlushCommand):
    def handle(self, **options):
        using = options.get("database") or DEFAULT_DB_ALIAS
        if connections[using].vendor != "sqlite":
            return super().handle(**options)
        with lock_triggers_lifted(using):
            return super().handle(**options)
