"""The standard disclosure tables: a registry of definitions and the engine that computes them.

    from disclosures.tables import compute_tables, compute_table
    tables = compute_tables(filing=filing)          # every table of the filing's table set
    tables = compute_tables(facts=facts)            # from facts already read (selectors.facts)
    table = compute_table(filing=filing, key="final_gpb_expense")

The tables are computed from the filing's facts (a few GROUP BY queries, read once per FilingFacts and
shared with the figures and the text), whatever the number of lines or tables.
"""

from __future__ import annotations

from disclosures.models import Filing
from disclosures.selectors.facts import FilingFacts, facts_of

from . import definitions  # noqa: F401  (registers the table sets)
from .engine import TableData, compute
from .registry import definition, definitions_for, province_table_sets, register, register_province, table_set_for
from .result import TableResult

__all__ = [
    "TableResult",
    "compute_table",
    "compute_tables",
    "definition",
    "definitions_for",
    "province_table_sets",
    "register",
    "register_province",
    "table_set_for",
]


def compute_tables(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> list[TableResult]:
    """Every table the filing publishes, in order (the set follows the department's province), computed
    from its facts (given, or read now)."""
    data = TableData(facts_of(filing=filing, facts=facts))
    return [compute(d, data) for d in definitions_for(table_set=table_set_for(filing=data.filing), filing_kind=data.filing.kind)]


def compute_table(*, key: str, filing: Filing | None = None, facts: FilingFacts | None = None) -> TableResult:
    """One table by key (any set's table may be computed for any filing of its kind)."""
    table_definition = definition(key)
    return compute(table_definition, TableData(facts_of(filing=filing, facts=facts)))
