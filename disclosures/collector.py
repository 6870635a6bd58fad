"""Python's cyclic garbage collector paused while a large document is built.

A workbook (tens of thousands of cells and their style arrays) and a PDF's layout (WeasyPrint's boxes and
computed styles: millions of objects for a 110-page filing) allocate many long-lived objects; every few
hundred new objects start a collection, and the older generations' collections walk every object of the
process again and again: a quarter of a workbook's time and a third of a large PDF's. Nothing they build is
garbage before the document is written, so the collector is off for the block and its reference cycles are
collected by the next collection once the document is released. Output is unchanged.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """The collector off for the block, then back as it was (also when the block raises; a collector that
    was already off stays off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
