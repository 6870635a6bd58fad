"""The registry of table definitions, and which table set a filing publishes.

A table set is a province's list of tables (the national base set, Hunan's 20 budget tables, …).
Which set applies is a deployment setting, `DISCLOSURE_TABLE_SETS` = {"budget": set, "final": set}:
one installation serves one county's finance bureau, so every department of it follows the same
province's rules. A set that has no tables of a kind (Hunan adds budget tables; its final accounts
use the national forms) falls back to the national set for that kind; an unknown set name is an error.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .spec import TableDefinition

NATIONAL = "national"
DEFAULT_TABLE_SETS = {"budget": NATIONAL, "final": NATIONAL}

_definitions: dict[str, TableDefinition] = {}


class RegistryError(ValueError):
    pass


def register(*definitions: TableDefinition) -> None:
    for definition in definitions:
        existing = _definitions.get(definition.key)
        if existing is not None and existing != definition:
            raise RegistryError(f"table key {definition.key!r} is registered twice")
        _definitions[definition.key] = definition


def definition(key: str) -> TableDefinition:
    try:
        return _definitions[key]
    except KeyError:
        raise RegistryError(f"no table {key!r}") from None


def definitions_for(*, table_set: str, filing_kind: str) -> list[TableDefinition]:
    """The set's tables for budget or final filings, in registration (= publication) order."""
    return [d for d in _definitions.values() if d.table_set == table_set and d.filing_kind == filing_kind]


def table_sets() -> list[str]:
    return sorted({d.table_set for d in _definitions.values()})


def table_set_for(*, filing) -> str:
    configured = {**DEFAULT_TABLE_SETS, **getattr(settings, "DISCLOSURE_TABLE_SETS", {})}
    table_set = configured.get(filing.kind) or NATIONAL
    if table_set not in table_sets():
        raise ImproperlyConfigured(f"DISCLOSURE_TABLE_SETS names an unknown table set {table_set!r}")
    if not definitions_for(table_set=table_set, filing_kind=filing.kind):
        return NATIONAL
    return table_set
