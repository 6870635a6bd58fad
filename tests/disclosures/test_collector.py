"""The collector pause of the workbooks (disclosures.collector): the collector is off inside the block and back
as it was after it, also when the block raises; a collector that was already off stays off."""

from __future__ import annotations

import gc

import pytest

from disclosures.collector import collection_paused


def test_the_collector_is_off_in_the_block_and_restored_after_a_failure():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collection_paused():
        assert not gc.isenabled()
        raise RuntimeError("layout failed")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
