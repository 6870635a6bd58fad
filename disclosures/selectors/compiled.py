"""A per-filing read compiled to SQL once and run again for each filing.

Django builds and compiles a queryset again every time it is evaluated: for the facts' GROUP BY reads
(selectors.facts, four joins and three sums) that is most of the Python time of the query, and a county's
year runs the same few queries for every one of its filings, differing only in the filing's id.
`FilingQuery` compiles its queryset once per database connection (the SQL text, its parameters and the
compiler's converters, which turn what a backend returns into Django's values: a Decimal from SQLite's
sums) and then only executes it. The compiled query is kept on the connection object itself (a compiler
refers to its connection): it lives as long as that connection, one per thread, and a thread's connection
is not kept alive by the query after the thread ends. It runs through the connection's own cursor, so it is logged, wrapped
and counted (assertNumQueries, django_assert_num_queries) like any other query.

Only for a query whose shape never changes: the queryset is built once, with a placeholder for the
filing's id, and must not depend on anything else that varies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

#: the attribute of a connection (DatabaseWrapper) holding its compiled queries, by FilingQuery
_CACHE = "_gongkai_filing_queries"

#: the filing id the query is compiled with, then replaced by the real one (no filing has a negative id)
PLACEHOLDER = -7_654_321


class _Compiled:
    def __init__(self, sql: str, params: tuple[Any, ...], position: int, compiler: SQLCompiler) -> None:
        self.sql, self.params, self.position, self.compiler = sql, params, position, compiler


class FilingQuery:
    """`rows(filing_id)`: the values of `build(filing_id)` (a `.values()`/`.values_list()` queryset, without
    extra select) as tuples, in the order of `columns`, compiled once per database connection."""

    def __init__(self, build: Callable[[int], QuerySet[Any, Any]]) -> None:
        self.build = build
        query = build(PLACEHOLDER).query
        if query.extra_select or not (query.values_select or query.annotation_select):
            raise ValueError("FilingQuery needs a values() query without extra select")
        #: the names of the columns of each row
        self.columns: tuple[str, ...] = (*query.values_select, *query.annotation_select)

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        compiler = self.build(PLACEHOLDER).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = [i for i, value in enumerate(params) if value == PLACEHOLDER]
        if len(positions) != 1:
            raise ValueError(f"the filing's id is not exactly one parameter of {sql!r}")
        return _Compiled(sql, tuple(params), positions[0], compiler)

    def rows(self, filing_id: int, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
        connection = connections[using]
        cache: dict[FilingQuery, _Compiled] | None = getattr(connection, _CACHE, None)
        if cache is None:
            cache = {}
            setattr(connection, _CACHE, cache)
        compiled = cache.get(self)
        if compiled is None:
            compiled = cache[self] = self._compile(connection)
        params = list(compiled.params)
        params[compiled.position] = filing_id
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiled.compiler.results_iter(results=[fetched])]


class FilingObjects:
    """`objects(filing_id)`: the instances of `model` whose `filing_id` is the filing's (every concrete field
    loaded, in the model's default order), read through a FilingQuery: compiled once, and each row made an
    instance as Django's own iterator makes it (`Model.from_db`)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.attnames = tuple(field.attname for field in model._meta.concrete_fields)
        self.query = FilingQuery(lambda filing_id: model._default_manager.filter(filing_id=filing_id).values_list(*self.attnames))

    def objects(self, filing_id: int, *, using: str = DEFAULT_DB_ALIAS) -> list[Any]:
        return [self.model.from_db(using, self.attnames, row) for row in self.query.rows(filing_id, using=using)]
