"""`{% load fix_links %}`: where to fix a check's finding or a reviewer's comment, for the pages that list
them (submit, refused submit, the bureau's filing page). `{% location_link filing f.location as link %}`,
`{% comment_link filing c.target as link %}`; `link` is a selectors.links.Link (url, label) or None."""

from __future__ import annotations

from django import template

from disclosures.selectors.links import Link, Linker

register = template.Library()


def _linker(context, filing) -> Linker:
    """One Linker per filing per render (it reads a sheet's row order once)."""
    cache = context.render_context.setdefault("fix_links", {})
    if filing.pk not in cache:
        cache[filing.pk] = Linker(filing)
    return cache[filing.pk]


@register.simple_tag(takes_context=True)
def location_link(context, filing, location) -> Link | None:
    return _linker(context, filing).for_location(location)


@register.simple_tag(takes_context=True)
def comment_link(context, filing, target) -> Link | None:
    return _linker(context, filing).for_comment(target)
