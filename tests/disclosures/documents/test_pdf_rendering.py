"""The PDF is laid out with Python's cycle collector paused (issue #13): full collections over the layout's
millions of live objects made a third of a large filing's rendering time. The collector's state is restored
afterwards, also when the rendering fails, and the PDF is the same as with the collector running."""

from __future__ import annotations

import gc
import subprocess

import pytest
from weasyprint import HTML

from disclosures.collector import collection_paused
from disclosures.tables import pdf

TABLE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>表</title></head><body>"
    "<table><tr><td>科目名称</td><td>1,234.56</td></tr><tr><td>合计</td><td>7,890.12</td></tr></table></body></html>"
)


def _text(document: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=document, capture_output=True, check=True).stdout.decode()


def test_the_collector_is_paused_while_weasyprint_lays_out_and_restored_after(monkeypatch):
    seen: list[bool] = []
    write_pdf = HTML.write_pdf

    def recording(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", recording)
    assert gc.isenabled()
    document = pdf.render_pdf(TABLE)
    assert seen == [False]
    assert gc.isenabled()
    assert "1,234.56" in _text(document) and "7,890.12" in _text(document)


def test_a_failing_rendering_restores_the_collector_and_a_disabled_one_stays_disabled(monkeypatch):
    def failing(self, *args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(HTML, "write_pdf", failing)
    with pytest.raises(RuntimeError):
        pdf.render_pdf(TABLE)
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_pdf_is_the_one_weasyprint_makes_with_the_collector_running(settings):
    running = HTML(string=TABLE, base_url=str(settings.BASE_DIR)).write_pdf()
    assert _text(pdf.render_pdf(TABLE)) == _text(running)
    assert len(pdf.render_pdf(TABLE)) == len(running)
