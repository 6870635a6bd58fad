"""The frozen snapshot of a published filing (公开快照): computed here, stored by workflow.filing_publish.

At publication everything the public sees is computed once, from one read of the filing's facts
(selectors.facts), and stored as JSON on the filing: the key figures, every table, the explanatory
text, the projects, the parts other apps contribute (the performance targets and self-evaluations, as
printed forms: disclosures.parts) and the data of the charts. Public pages and the API read only this
snapshot, so they are fast and keep showing what was published even if the data (or the code that
computes it) changes later. Amounts are stored as strings of 元 with two
decimals (JSON has no Decimal).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from django.db.models import prefetch_related_objects

from disclosures.models import Filing, FundingSource, PreparedSnapshot, Project, Unit
from disclosures.money import format_number, to_wan, unit_label
from disclosures.narrative import draft_sections
from disclosures.parts import publication_parts
from disclosures.selectors.facts import FilingFacts, catalog_names_many, facts_of, previous_filings_first
from disclosures.selectors.figures import PRIOR_KEYS, THREE_PUBLIC_ITEMS, FilingFigures, figures_as_dict, filing_figures
from disclosures.tables import compute_tables

SNAPSHOT_SCHEMA = 1


@functools.cache
def code_fingerprint() -> str:
    """A digest of this app's Python source (migrations left out). A prepared snapshot records it among what
    it was built from, so a deployment that changes how any figure, table or sentence is computed never
    publishes a body the previous code prepared, even when SNAPSHOT_SCHEMA was not bumped: the snapshot is
    then computed at publication, as without a prepared one."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("migrations/"):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def to_jsonable(value):
    """Dataclasses, Decimals, dates, enums and containers → JSON values (Decimal → str)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return str(Decimal(str(value)))
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return to_jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return str(value)


def filing_sections(facts: FilingFacts) -> list:
    """The 说明's sections, drafted once per FilingFacts: publishing checks them for missing reasons and then
    freezes them (drafting the largest filing's text costs ~0.3 s)."""
    return facts.derive("sections", lambda: draft_sections(facts=facts))


def unwritten_reasons(sections: list) -> list:
    """The reason slots of these sections the department has not written (what narrative.missing_reasons
    lists, read from sections already drafted)."""
    return [slot for section in sections for slot in section.reasons if slot.key in section.missing_reasons]


def build_snapshot(*, published_at: datetime.datetime, filing: Filing | None = None, facts: FilingFacts | None = None) -> dict:
    """Everything the public page of the filing shows, computed now from its facts (given, or read now):
    the figures, the tables, the text and the charts' data all derive from the same FilingFacts."""
    facts = facts_of(filing=filing, facts=facts)
    return snapshot_complete(snapshot_body(facts), published_at=published_at, parts=publication_parts(facts=facts))


def snapshot_complete(body: dict, *, published_at: datetime.datetime | None, parts: list[dict] | None) -> dict:
    """The snapshot of a publication at `published_at` from its body (`snapshot_body`) and its parts."""
    return {**body, "published_at": published_at.isoformat() if published_at is not None else None, "parts": parts}


def published_snapshot(filing: Filing) -> dict | None:
    """The snapshot of the filing's publication as every reader gets it (public pages, the API, open data,
    the publication's documents, a correction's comparison): the stored body (`published_snapshot`, a copy
    of `snapshot_body`'s) with the publication's moment (`published_at`) and performance parts
    (`published_parts`) filled in — what `build_snapshot` returned at that moment. None when unpublished;
    a stored value that is not an object is returned as it is (its readers treat it as empty)."""
    stored = filing.published_snapshot
    if not isinstance(stored, dict):
        return stored
    return snapshot_complete(stored, published_at=filing.published_at, parts=filing.published_parts)


def snapshot_body(facts: FilingFacts) -> dict:
    """The snapshot without what depends on the publication (its moment, `published_at`) or on rows the
    filing's lock does not freeze and no digest covers (the performance parts: `parts`), both None here.
    Everything else it reads besides the filing's locked data is what `snapshot_inputs` lists."""
    filing = facts.filing
    figures = filing_figures(facts=facts)
    snapshot = {
        "schema": SNAPSHOT_SCHEMA,
        "filing": {
            "pk": filing.pk,
            "title": str(filing),
            "department": filing.department.name,
            "department_code": filing.department.code,
            "year": filing.fiscal_year.year,
            "kind": filing.kind,
            "kind_display": str(filing.get_kind_display()),
            "version": filing.version,
            "approved_at": to_jsonable(filing.approved_at),
            "unit": filing.amount_unit,
            "unit_label": unit_label(filing.amount_unit),
        },
        "published_at": None,
        "figures": figures_as_dict(figures),
        "key_figures": key_figures(figures),
        "tables": [table_to_snapshot(table) for table in filing_tables(facts)],
        "sections": to_jsonable(filing_sections(facts)),
        "projects": _projects(facts),
        "parts": None,
        "charts": chart_data(figures),
        "correction": None,
    }
    if filing.supersedes is not None:
        snapshot["correction"] = correction_summary(original=filing.supersedes, snapshot=snapshot, note=filing.correction_note)
    return snapshot


def filing_tables(facts: FilingFacts) -> list:
    """The disclosure tables, computed once per FilingFacts (the documents and the snapshot share them)."""
    return facts.derive("tables", lambda: compute_tables(facts=facts))


def snapshot_inputs(facts: FilingFacts) -> dict:
    """What `snapshot_body` read besides the filing's locked data (its lines, reasons, …: its data revision)
    and the filing's own columns, which stay as they are from approval to publication: the department, its
    units, the catalog names, last year's filing and the published original a correction compares with."""
    filing = facts.filing
    previous = facts.previous
    return _inputs(
        filing=filing,
        units=facts.units,
        names=facts.names,
        previous=(previous.filing.pk, previous.filing.version, previous.filing.data_revision) if previous is not None else None,
        original_published_at=filing.supersedes.published_at if filing.supersedes is not None else None,
    )


def current_snapshot_inputs(*, filing: Filing, catalog_codes: dict[str, list[str]]) -> dict:
    """`snapshot_inputs` as the database holds them now, for the filing (its department and year read with
    it) and the catalog codes its facts used: a few small queries, none over its lines."""
    return current_snapshots_inputs(filings=[(filing, catalog_codes)])[filing.pk]


def current_snapshots_inputs(*, filings: Sequence[tuple[Filing, dict[str, list[str]]]]) -> dict[int, dict]:
    """`current_snapshot_inputs` of many filings (by pk), each with its catalog codes: the same few queries
    for all of them (units, catalog names per year, last year's filings, the corrected originals)."""
    if not filings:
        return {}
    originals = [filing.supersedes_id for filing, _codes in filings if filing.supersedes_id is not None]
    published_at = dict(Filing.objects.filter(pk__in=originals).values_list("pk", "published_at")) if originals else {}
    units: dict[int, list[Unit]] = {}
    department_ids = sorted({filing.department_id for filing, _codes in filings})
    for unit in Unit.objects.filter(department_id__in=department_ids).order_by("department_id", "-is_main", "code"):
        units.setdefault(unit.department_id, []).append(unit)
    names: dict[int, dict] = {}
    for year_id in sorted({filing.fiscal_year_id for filing, _codes in filings}):
        of_year = [(filing, codes) for filing, codes in filings if filing.fiscal_year_id == year_id]
        found = catalog_names_many(fiscal_year_id=year_id, codes=[codes for _filing, codes in of_year])
        names.update({filing.pk: found_names for (filing, _codes), found_names in zip(of_year, found, strict=True)})
    previous = previous_filings_first(filings=[filing for filing, _codes in filings], fields=("pk", "version", "data_revision"))
    return {
        filing.pk: _inputs(
            filing=filing,
            units=units.get(filing.department_id, []),
            names=names[filing.pk],
            previous=previous[filing.pk],
            original_published_at=published_at.get(filing.supersedes_id) if filing.supersedes_id is not None else None,
        )
        for filing, _codes in filings
    }


_UNIT_FIELDS = tuple(field.attname for field in Unit._meta.concrete_fields)


def _inputs(*, filing: Filing, units: list[Unit], names: dict, previous, original_published_at) -> dict:
    department = filing.department
    return {
        "department": [
            department.pk,
            department.code,
            department.name,
            department.province,
            department.region,
            department.duties,
            department.organisation,
        ],
        "units": [[getattr(unit, name) for name in _UNIT_FIELDS] for unit in units],
        "names": sorted([kind, code, name] for (kind, code), name in names.items()),
        "previous": list(previous) if previous is not None else None,
        "original": [filing.supersedes_id, to_jsonable(original_published_at)] if filing.supersedes_id is not None else None,
        "code": code_fingerprint(),
    }


def inputs_digest(inputs: dict) -> str:
    """SHA-256 of `snapshot_inputs` (or `current_snapshot_inputs`)."""
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def prepared_snapshot_usable(*, filing: Filing) -> PreparedSnapshot | None:
    """The filing's prepared snapshot (services.prepared) without its body, if it was built from what the
    database holds now: the filing's data revision, this code's SNAPSHOT_SCHEMA and the same other inputs;
    else None. Read under the filing's row lock at publication."""
    return prepared_snapshots_usable(filings=[filing]).get(filing.pk)


def prepared_snapshots_usable(*, filings: Sequence[Filing]) -> dict[int, PreparedSnapshot]:
    """`prepared_snapshot_usable` of many filings (their departments and years loaded): the usable prepared
    rows by filing pk, the rows and their current inputs read in a few queries for all."""
    by_pk = {filing.pk: filing for filing in filings}
    if not by_pk:
        return {}
    prepared = [
        row
        for row in PreparedSnapshot.objects.filter(filing_id__in=sorted(by_pk), schema=SNAPSHOT_SCHEMA).defer("body")
        if row.data_revision == by_pk[row.filing_id].data_revision
    ]
    current = current_snapshots_inputs(filings=[(by_pk[row.filing_id], row.catalog_codes) for row in prepared])
    return {row.filing_id: row for row in prepared if inputs_digest(current[row.filing_id]) == row.inputs_digest}


def table_to_snapshot(table) -> dict:
    """A TableResult as render-ready JSON: the header grid with its merges, and for every
    cell both the amount in 元 and the text as published (in the filing's unit, 2 decimals)."""
    return {
        "key": table.key,
        "number": table.number,
        "title": table.title,
        "full_title": table.full_title,
        "numbered_title": table.numbered_title,
        "form_code": table.form_code,
        "unit_label": table.unit_label,
        "empty": table.empty,
        "note": table.note,
        "footnotes": list(table.footnotes),
        "header_rows": [[{"label": h.label, "colspan": h.colspan, "rowspan": h.rowspan} for h in row] for row in table.header_rows],
        "leaves": [{"key": leaf.key, "label": leaf.label, "role": leaf.role} for leaf in table.leaves],
        "rows": _rows_to_snapshot(table.rows),
    }


def _rows_to_snapshot(rows) -> list[dict]:
    """The rows of `table_to_snapshot`. An amount's printed text is formatted once per amount and unit
    (str(amount) is the Decimal exactly, its exponent included): most amount cells repeat a figure, 0.00 first."""
    texts: dict[tuple[str, str], str] = {}
    found = []
    for row in rows:
        bold = row.bold
        cells = []
        for cell in row.cells:
            amount = cell.amount
            if type(amount) is Decimal:
                stored = str(amount)
                text = texts.get((stored, cell.unit))
                if text is None:
                    text = texts[stored, cell.unit] = cell.display
            else:
                stored, text = to_jsonable(amount), cell.display
            cells.append({"key": cell.key, "text": text, "amount": stored, "colspan": cell.colspan, "indent": cell.indent, "bold": cell.bold or bold})
        found.append({"kind": row.kind, "level": row.level, "code": row.code, "cells": cells})
    return found


def _projects(facts: FilingFacts) -> list[dict]:
    projects = []
    prefetch_related_objects(facts.projects, "indicators")
    for project in facts.projects:
        indicators = getattr(project, "indicators", None)
        projects.append(
            {
                "code": project.code,
                "name": project.name,
                "purpose": project.purpose,
                "budget_amount": to_jsonable(project.budget_amount),
                "adjusted_amount": to_jsonable(project.adjusted_amount),
                "actual_amount": to_jsonable(project.actual_amount),
                "fiscal_amount": to_jsonable(project.fiscal_amount),
                "plan": [to_jsonable(getattr(project, f)) for f in Project.PLAN_FIELDS],
                "goals": [g for g in (project.goal_1, project.goal_2) if g],
                "result_summary": project.result_summary,
                "indicators": [
                    {
                        "level1": i.get_level1_display(),
                        "level2": i.get_level2_display(),
                        "name": i.name,
                        "comparator": i.get_comparator_display(),
                        "target": i.target_text or (format_number(i.target_value) if i.target_value is not None else ""),
                        "unit": i.unit.strip(),
                    }
                    for i in (indicators.all() if indicators is not None else [])
                ],
            }
        )
    return projects


#: The key figures shown on the public page and compared when a correction is published, in order.
KEY_FIGURES: tuple[str, ...] = (
    "total",
    "income",
    "expense",
    "fiscal_total",
    "gpb_expense",
    "basic",
    "project",
    "three_public.total",
    "operating_costs",
    "procurement",
)

#: The figures compared with last year in the chart.
YEAR_OVER_YEAR: tuple[str, ...] = ("total", "expense", "gpb_expense", "three_public.total", "operating_costs")


def key_figures(figures: FilingFigures) -> list[dict]:
    """This year's key figures (元) with last year's where known, labelled as PRIOR_KEYS says."""
    current = figures.current_values
    rows = []
    for key in KEY_FIGURES:
        if key not in current:
            continue
        change = figures.change(key)
        rows.append(
            {
                "key": key,
                "label": _short_label(PRIOR_KEYS.get(key, key)),
                "amount": to_jsonable(current[key]),
                "prior": to_jsonable(change.prior) if change else None,
                "change_pct": to_jsonable(change.pct) if change and change.pct is not None else None,
            }
        )
    return rows


def _short_label(label: str) -> str:
    """ "收支总计（本年收入合计＋…）" → "收支总计"."""
    return label.split("（", 1)[0] if not label.startswith("“") else label


def chart_data(figures: FilingFigures) -> dict:
    """The series of the public charts, in 元 (strings): income structure by source, expense by 类 of
    the 功能分类, the 三公 items, and this year against last year."""
    labels = dict(FundingSource.choices)
    income = [[str(labels.get(source, source)), to_jsonable(figure.amount)] for source, figure in figures.income.by_source.items() if figure.amount]
    expense = [[row.name, to_jsonable(row.total.amount)] for row in figures.expense.function_rows if row.level == 1 and row.total.amount]
    three = [[label, to_jsonable(getattr(figures.three_public, key).amount)] for key, label in THREE_PUBLIC_ITEMS]
    by_key = {row["key"]: row for row in key_figures(figures)}
    yoy = [[key, by_key[key]["prior"], by_key[key]["amount"], by_key[key]["label"]] for key in YEAR_OVER_YEAR if key in by_key]
    return {"unit": "元", "income_by_source": income, "expense_by_class": expense, "three_public": three, "year_over_year": yoy}


def key_figure_rows(snapshot: dict) -> list[dict]:
    """Every figure of a snapshot that a correction can change, as key/label/value (元)."""
    rows = [{"key": r["key"], "label": r["label"], "value": r["amount"]} for r in snapshot.get("key_figures", [])]
    charts = snapshot.get("charts") or {}
    for label, value in charts.get("income_by_source", []):
        rows.append({"key": f"income:{label}", "label": f"收入：{label}", "value": value})
    for label, value in charts.get("expense_by_class", []):
        rows.append({"key": f"class:{label}", "label": f"支出：{label}", "value": value})
    for label, value in charts.get("three_public", []):
        rows.append({"key": f"three:{label}", "label": f"“三公”：{label}", "value": value})
    return rows


def correction_summary(*, original: Filing, snapshot: dict, note: str) -> dict:
    """What changed between the published original and this correction: every key figure that differs."""
    before = {row["key"]: row for row in key_figure_rows(published_snapshot(original) or {})}
    after = {row["key"]: row for row in key_figure_rows(snapshot)}
    changes = []
    for key in list(before) + [k for k in after if k not in before]:
        old = Decimal(before[key]["value"]) if key in before and before[key]["value"] is not None else Decimal("0.00")
        new = Decimal(after[key]["value"]) if key in after and after[key]["value"] is not None else Decimal("0.00")
        if old != new:
            label = (after.get(key) or before.get(key))["label"]
            changes.append(
                {"key": key, "label": label, "before_wan": str(to_wan(old)), "after_wan": str(to_wan(new)), "before": str(old), "after": str(new)}
            )
    return {
        "original_pk": original.pk,
        "original_version": original.version,
        "original_published_at": to_jsonable(original.published_at),
        "note": note,
        "changes": changes,
    }
