"""Publication parts: what other apps add to a filing's published disclosure, beside the tables and the text.

disclosures does not know what they are: an app registers a provider at `ready()` (evaluations adds the
performance targets of a budget and the self-evaluations of a final account), and the snapshot, the
documents (xlsx, HTML, PDF) and the public page draw whatever the providers return. This keeps the
dependency one way: the providers import disclosures, never the reverse.

A provider takes a filing's facts (selectors.facts: the filing, its projects, … read once and shared with the
tables, the text and the snapshot) and returns its parts, each a `Part`: a heading, paragraphs and printed
forms (Grids). `publication_parts` returns them as JSON, the form they take in the published snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from disclosures.models import Filing
from disclosures.selectors.facts import FilingFacts, facts_of

from .grid import Grid, grid_from_dict, placed_rows


@dataclass
class Part:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "paragraphs": list(self.paragraphs), "grids": [g.to_dict() for g in self.grids]}


PartProvider = Callable[[FilingFacts], list[Part]]

#: key → provider, in registration order (the order of the parts in the documents).
PROVIDERS: dict[str, PartProvider] = {}


def register_part(key: str, provider: PartProvider) -> None:
    """Register (or replace) the provider of a part; called from an app's `ready()`."""
    PROVIDERS[key] = provider


def publication_parts(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> list[dict]:
    """Every registered provider's parts of this filing, from its facts (given, or read as needed), as JSON
    (what the snapshot stores)."""
    found = facts_of(filing=filing, facts=facts)
    parts: list[dict] = []
    for provider in PROVIDERS.values():
        parts += [part.to_dict() for part in provider(found)]
    return parts


@dataclass
class DrawnPart:
    """A stored part with its grids back as Grids, for the renderers."""

    key: str
    title: str
    paragraphs: list[str]
    grids: list[Grid]

    @property
    def drawn(self) -> list[dict]:
        """Each grid with the cells its HTML rows write, for templates/disclosures/parts/_grid.html."""
        return [{"grid": grid, "rows": placed_rows(grid)} for grid in self.grids]


def parts_from_json(parts: list[dict] | None) -> list[DrawnPart]:
    return [DrawnPart(p["key"], p["title"], list(p.get("paragraphs") or []), [grid_from_dict(g) for g in p.get("grids") or []]) for p in parts or []]
