"""PDF of the disclosure document via WeasyPrint (fonts: Noto Sans/Serif CJK SC from fonts-noto-cjk)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while WeasyPrint lays out a document.

    The layout of a large filing (10,000 table cells, 110 pages) allocates millions of long-lived objects
    (boxes, computed styles); every full collection walks all of them, and they made a third of the
    rendering time. The layout itself creates no garbage that must be collected before it ends, so the
    collector is switched off for the rendering and restored (with its previous state) right after; the
    document's cycles are collected by the next collection once it is released. Output is unchanged.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: loading Pango/fonts is slow and only generation needs it

    with cycle_collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
