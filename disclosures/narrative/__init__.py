"""The explanatory text (说明) of a filing, drafted from its figures; only the reasons are written by people."""

from .phrases import ReasonSlot, percent_matches
from .sections import Section, draft_sections, missing_reasons, render_text

__all__ = ["ReasonSlot", "Section", "draft_sections", "missing_reasons", "percent_matches", "render_text"]
