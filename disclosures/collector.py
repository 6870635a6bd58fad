"""Python's cyclic garbage collector paused while a large workbook is built.

A workbook (tens of thousands of cells and their style arrays) allocates many long-lived objects; every few
hundred new objects start a collection, and the older generations' collections walk every object of the
process again and again: a quarter of a workbook's time. Nothing it builds is garbage before the document
is written, so the collector is off for the block and its reference cycles are collected by the next
collection once the document is released. Output is unchanged. (bench/pdf.py also pauses it around
WeasyPrint, the engine the PDFs are compared with.)
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
