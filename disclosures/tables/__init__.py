"""The standard disclosure tables: a registry of definitions and the engine that computes them.

    from disclosures.tables import compute_tables, compute_table
    tables = compute_tables(filing=filing)          # every table of the filing's table set
    table = compute_table(filing=filing, key="final_gpb_expense")

The lines are read once per call (a few GROUP BY queries), whatever the number of lines or tables.
"""

from __future__ import annotations

from disclosures.models import Filing

from . import definitions  # noqa: F401  (registers the table sets)
from .engine import FilingData, compute, load_facts
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


def _prepared(filing: Filing) -> Filing:
    """The filing with its department and year loaded (the tables show both)."""
    if not all(Filing._meta.get_field(name).is_cached(filing) for name in ("department", "fiscal_year")):
        filing = Filing.objects.select_related("department", "fiscal_year").get(pk=filing.pk)
    return filing


def compute_tables(*, filing: Filing) -> list[TableResult]:
    """Every table the filing publishes, in order (the set follows the department's province)."""
    filing = _prepared(filing)
    data: FilingData = load_facts(filing=filing)
    return [compute(d, data) for d in definitions_for(table_set=table_set_for(filing=filing), filing_kind=filing.kind)]


def compute_table(*, filing: Filing, key: str) -> TableResult:
    """One table by key (any set's table may be computed for any filing of its kind)."""
    table_definition = definition(key)
    filing = _prepared(filing)
    return compute(table_definition, load_facts(filing=filing))
