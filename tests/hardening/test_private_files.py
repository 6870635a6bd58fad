"""Files are only reachable through views that check access, and staged uploads are private.

Before: with DEBUG=1 (as `make run` sets it) config/urls.py served MEDIA_ROOT as static files, so a
draft document's URL answered anonymous users; staged previews were written 0644 into the system temp
folder, readable by every local user.
"""

from __future__ import annotations

import importlib
import stat
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from disclosures.imports.preview import SheetPreview, stage_errors, stage_preview, staging_dir


@pytest.fixture
def debug_urls():
    import config.urls

    with override_settings(DEBUG=True):
        importlib.reload(config.urls)
        clear_url_caches()
        yield
    importlib.reload(config.urls)
    clear_url_caches()


def test_media_is_not_served_even_with_debug(debug_urls, settings, client):
    media = Path(settings.MEDIA_ROOT) / "documents"
    media.mkdir(parents=True, exist_ok=True)
    draft = media / "hardening-draft-probe.pdf"
    draft.write_bytes(b"%PDF-1.4 draft")
    try:
        with pytest.raises(Resolver404):
            resolve(f"/{settings.MEDIA_URL.strip('/')}/documents/hardening-draft-probe.pdf")
        response = client.get(f"/{settings.MEDIA_URL.strip('/')}/documents/hardening-draft-probe.pdf")
        assert response.status_code == 404
        assert b"%PDF" not in response.content
    finally:
        draft.unlink()


def test_staging_is_a_private_folder_outside_the_shared_temp(settings, tmp_path, monkeypatch):
    monkeypatch.delattr(settings, "IMPORT_STAGING_DIR", raising=False)
    monkeypatch.setattr(settings, "BASE_DIR", tmp_path)
    directory = staging_dir()
    assert not str(directory).startswith(tempfile.gettempdir() + "/gongkai"), directory
    assert directory == tmp_path / "var" / "staging"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_staged_files_are_0600_whatever_the_umask(settings, tmp_path):
    import os

    settings.IMPORT_STAGING_DIR = str(tmp_path / "staging")
    previous = os.umask(0o022)
    try:
        token = stage_preview(preview=SheetPreview(kind="expense", title="支出", headers=[]), filing_id=1, user_id=1, filename="a.xlsx")
        errors = stage_errors(errors=["第3行：错误"], filing_id=1, user_id=1, filename="a.xlsx")
    finally:
        os.umask(previous)
    directory = Path(settings.IMPORT_STAGING_DIR)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / f"{token}.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((directory / f"{errors}.errors").stat().st_mode) == 0o600
