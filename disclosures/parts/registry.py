"""Publication parts: what other apps add to a filing's published disclosure, beside the tables and the text.

disclosures does not know what they are: an app registers a provider at `ready()` (evaluations adds the
performance targets of a budget and the self-evaluations of a final account), and the snapshot, the
documents (xlsx, HTML, PDF) and the public page draw whatever the providers return. This keeps the
dependency one way: the providers import disclosures, never the reverse.

A provider takes a filing's facts (selectors.facts: the filing, its projects, … read once and shared with the
tables, the text and the snapshot) and returns its parts, each a `Part`: a heading, paragraphs and printed
forms (Grids). `publication_parts` returns them as JSON, the form they take in the published snapshot.

A provider may also give the parts of many filings at once (`register_part(…, many=…)`): what it reads is
then read for all of them together, in a fixed number of queries. A chunk of a year's publication takes its
parts so (`publication_parts_many`), and one filing's parts are the same provider's of a list of one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from disclosures.models import Filing
from disclosures.selectors.facts import FilingFacts, facts_of, filing_facts

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
#: The parts of many filings by filing pk, what they read read for all together.
ManyPartProvider = Callable[[Sequence[FilingFacts]], dict[int, list[Part]]]


@dataclass(frozen=True)
class Provider:
    one: PartProvider
    many: ManyPartProvider | None = None

    def parts_of(self, facts: Sequence[FilingFacts]) -> dict[int, list[Part]]:
        if self.many is not None:
            return self.many(facts)
        return {found.filing.pk: self.one(found) for found in facts}


#: key → provider, in registration order (the order of the parts in the documents).
PROVIDERS: dict[str, Provider] = {}


def register_part(key: str, provider: PartProvider, *, many: ManyPartProvider | None = None) -> None:
    """Register (or replace) the provider of a part; called from an app's `ready()`. `many`, when given,
    returns the same parts as `provider` for each of many filings (by pk), reading for all of them together:
    the registry then calls it for one filing too, so that a filing's parts have one source."""
    PROVIDERS[key] = Provider(provider, many)


def publication_parts(*, filing: Filing | None = None, facts: FilingFacts | None = None) -> list[dict]:
    """Every registered provider's parts of this filing, from its facts (given, or read as needed), as JSON
    (what the snapshot stores)."""
    found = facts_of(filing=filing, facts=facts)
    return publication_parts_many(facts=[found])[found.filing.pk]


def publication_parts_many(*, filings: Sequence[Filing] = (), facts: Sequence[FilingFacts] = ()) -> dict[int, list[dict]]:
    """`publication_parts` of many filings (their departments and years loaded; or their facts, whose
    projects are then shared with whatever else reads them), by filing pk: each provider reads what it needs
    for all of them together."""
    every = [*facts, *(filing_facts(filing=filing) for filing in filings)]
    found: dict[int, list[dict]] = {one.filing.pk: [] for one in every}
    for provider in PROVIDERS.values():
        for pk, parts in provider.parts_of(every).items():
            found[pk] += [part.to_dict() for part in parts]
    return found


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
