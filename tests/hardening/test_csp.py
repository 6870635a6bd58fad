"""Every HTML page carries a Content-Security-Policy: scripts only from our static files (no inline
script, no inline handler), style elements only from static files or with the request's nonce.

Before: no page had a Content-Security-Policy header.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse


pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else "" for part in (p.strip() for p in header.split(";"))}


@pytest.mark.parametrize("url_name", ["disclosures:public_home", "login"])
def test_public_pages_have_a_strict_script_policy(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy["style-src-elem"]


def test_the_nonce_changes_per_request_and_is_the_pages(client, accountant, filing):
    client.force_login(accountant)
    first, second = client.get(reverse("disclosures:home")), client.get(reverse("disclosures:home"))
    nonce = re.search(r"'nonce-([^']+)'", first["Content-Security-Policy"]).group(1)
    assert nonce not in second["Content-Security-Policy"]
    for match in re.finditer(rb"<style[^>]*>", first.content):
        assert f'nonce="{nonce}"'.encode() in match.group(0)


def test_pages_behind_login_and_the_admin_have_the_policy(client, accountant, filing):
    client.force_login(accountant)
    for url in (
        reverse("disclosures:filing_detail", args=[filing.pk]),
        reverse("disclosures:filing_import", args=[filing.pk]),
        reverse("admin:index"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response)["script-src"] == "'self'", url


def test_a_view_keeps_its_own_policy(client):
    """Non-HTML responses get none; a response that already has a policy keeps it (the document downloads)."""
    from config.csp import ContentSecurityPolicyMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    own = HttpResponse("x", content_type="text/html")
    own["Content-Security-Policy"] = "default-src 'none'"
    assert ContentSecurityPolicyMiddleware(lambda request: own)(RequestFactory().get("/"))["Content-Security-Policy"] == "default-src 'none'"
    data = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("{}", content_type="application/json"))(RequestFactory().get("/"))
    assert "Content-Security-Policy" not in data


def template_files():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    for root in roots:
        for path in root.rglob("*.html"):
            # Document templates are rendered to files (PDF, HTML downloads served with their own policy).
            if "documents" not in path.parts:
                yield path


def test_no_template_has_inline_script_or_handlers():
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path}: {tag}")
        offenders += [f"{path}: {m}" for m in re.findall(r"<[^>]*\son[a-z]+\s*=", text)]
        offenders += [f"{path}: {m}" for m in re.findall(r"<style(?![^>]*nonce=)[^>]*>", text)]
        offenders += [f"{path}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert not offenders, "\n".join(offenders)
