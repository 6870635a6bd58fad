"""Lifting the locked-filing triggers (migrations disclosures 0009, evaluations 0005) for an operation that
wipes data wholesale on purpose: `manage.py flush` (the test runner) and rebuilding the demo.

Never for editing: a locked filing's data is changed by a correction (a new version). The triggers are
lifted only inside the caller's transaction and restored before it ends; DDL is transactional on both
SQLite and PostgreSQL, so an error restores them with the rollback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

PREFIX = "gongkai_lock_"


@contextmanager
def lock_triggers_lifted(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, %s) = %s", [len(PREFIX), PREFIX])
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            elif connection.vendor == "postgresql":
                _check_deferred_constraints(cursor)
                cursor.execute(
                    "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT t.tgisinternal AND left(t.tgname, %s) = %s",
                    [len(PREFIX), PREFIX],
                )
                triggers = cursor.fetchall()
                for table, name in triggers:
                    cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
            else:
                triggers = []
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _check_deferred_constraints(cursor)
            for first, second in triggers:
                if connection.vendor == "sqlite":
                    cursor.execute(second)
                else:
                    cursor.execute(f'ALTER TABLE "{first}" ENABLE TRIGGER "{second}"')


def _check_deferred_constraints(cursor) -> None:
    """ALTER TABLE refuses a table with pending trigger events: run the deferred foreign-key checks of what
    the transaction wrote so far now (they would run at commit), then defer again, as Django's deletion
    order relies on deferred constraints."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
