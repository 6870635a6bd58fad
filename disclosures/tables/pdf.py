"""PDF of the disclosure document via WeasyPrint (fonts: Noto Sans/Serif CJK SC from fonts-noto-cjk)."""

from __future__ import annotations

from django.conf import settings

from disclosures.collector import collection_paused


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: loading Pango/fonts is slow and only generation needs it

    with collection_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
