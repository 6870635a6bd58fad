"""No admin changelist runs a regular expression from its querystring.

The admin accepts lookups on a model's own fields straight from the URL (`?note__regex=^(a+)+$`):
ModelAdmin.lookup_allowed only restricts lookups that span relations. A regex lookup is a denial of
service on SQLite (Python's backtracking `re` runs per row: seconds for `^(a+)+$` on one long note)
and a needless cost on PostgreSQL, and nothing in the admin's own filters or search uses one. Every
ModelAdmin (this project's, auth's, axes') answers such a querystring with 400 (DisallowedModelAdminLookup).
"""

from __future__ import annotations

from django.contrib.admin.options import BaseModelAdmin
from django.db.models.constants import LOOKUP_SEP

REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


def refuses(lookup: str) -> bool:
    return lookup.rsplit(LOOKUP_SEP, 1)[-1].lower() in REFUSED_LOOKUPS


def install() -> None:
    """Wrap BaseModelAdmin.lookup_allowed once (called from DisclosuresConfig.ready)."""
    original = BaseModelAdmin.lookup_allowed
    if getattr(original, "refuses_regex", False):
        return

    def lookup_allowed(self, lookup, value, request=None):
        if refuses(lookup):
            return False
        return original(self, lookup, value, request)

    lookup_allowed.refuses_regex = True
    BaseModelAdmin.lookup_allowed = lookup_allowed
