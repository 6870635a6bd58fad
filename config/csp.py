"""Content-Security-Policy on every HTML page the app serves (Django 5.2 has none built in).

Scripts run only from our own static files: no inline script, no inline event handler, no eval. Style
elements run from static files or with the request's nonce (`<style nonce="{{ csp_nonce }}">`); style
*attributes* are allowed (`style-src-attr 'unsafe-inline'`) because the form grids set computed column
widths on <col> elements and the admin uses a few; they cannot run code, and images, fonts and requests
are limited to this origin. A view that sets its own policy keeps it (the document downloads do).
`CSP_REPORT_ONLY=1` sends the header as Content-Security-Policy-Report-Only instead (for trying a change).
"""

from __future__ import annotations

import secrets

from django.conf import settings


def policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            f"style-src-elem 'self' 'nonce-{nonce}'",
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        header = "Content-Security-Policy-Report-Only" if getattr(settings, "CSP_REPORT_ONLY", False) else "Content-Security-Policy"
        if (
            response.get("Content-Type", "").startswith("text/html")
            and "Content-Security-Policy" not in response
            and "Content-Security-Policy-Report-Only" not in response
        ):
            response[header] = policy(request.csp_nonce)
        return response


def csp_nonce(request) -> dict:
    """Template context: the nonce for the page's <style> elements (empty outside a request)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
