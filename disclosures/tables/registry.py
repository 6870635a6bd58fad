"""The registry of table definitions, and which table set a filing publishes.

A table set is a province's list of tables (the national base set, Hunan's 20 budget tables, …).
Which set a filing publishes follows its department's `province`: a definitions file registers its
set for a province (`register_province("湖南", "hunan")`). A department without a province, or of a
province with no set of its own, publishes the installation's default, the setting
`DISCLOSURE_TABLE_SETS` = {"budget": set, "final": set} (national unless configured). A set that has
no tables of a kind (Hunan adds budget tables; its final accounts use the national forms) falls back
to the national set for that kind; an unknown set name in the setting is an error.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .spec import TableDefinition

NATIONAL = "national"
DEFAULT_TABLE_SETS = {"budget": NATIONAL, "final": NATIONAL}

_definitions: dict[str, TableDefinition] = {}
_province_sets: dict[str, str] = {}


class RegistryError(ValueError):
    pass


def register(*definitions: TableDefinition) -> None:
    for definition in definitions:
        existing = _definitions.get(definition.key)
        if existing is not None and existing != definition:
            raise RegistryError(f"table key {definition.key!r} is registered twice")
        _definitions[definition.key] = definition


def register_province(province: str, table_set: str) -> None:
    """The departments of `province` (Department.province, e.g. "湖南") publish `table_set`."""
    existing = _province_sets.get(province)
    if existing is not None and existing != table_set:
        raise RegistryError(f"province {province!r} already publishes {existing!r}")
    _province_sets[province] = table_set


def province_table_sets() -> dict[str, str]:
    """{province: table set} of every province with a variant of its own."""
    return dict(_province_sets)


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
    """The set the filing publishes: its department's province's, else the installation default, else national."""
    province_set = _province_sets.get(filing.department.province) if filing.department.province else None
    if province_set and definitions_for(table_set=province_set, filing_kind=filing.kind):
        return province_set
    configured = {**DEFAULT_TABLE_SETS, **getattr(settings, "DISCLOSURE_TABLE_SETS", {})}
    table_set = configured.get(filing.kind) or NATIONAL
    if table_set not in table_sets():
        raise ImproperlyConfigured(f"DISCLOSURE_TABLE_SETS names an unknown table set {table_set!r}")
    if not definitions_for(table_set=table_set, filing_kind=filing.kind):
        return NATIONAL
    return table_set
