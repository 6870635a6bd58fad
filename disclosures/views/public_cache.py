"""Whole-page caching and conditional GET for the public pages (公众 pages, open data).

An anonymous visitor's page depends only on the public data, so it is stored once per page under the
public data's stamp in the "public" cache (Redis or files, shared by every web process). The stamp is
kept in that cache too and replaced when a publication, a correction or a department's edit commits
(`disclosures.public_stamp`), so a request for a stored page costs cache reads and no database query:
no snapshot is decoded, no template rendered. A new stamp changes every page's key and ETag, so no page
is invalidated by hand and a page is never older than the data it was read from (the stamp is read
before the page is rendered).

Every such page carries `ETag` and `Last-Modified` and answers 304 to a matching `If-None-Match` /
`If-Modified-Since`. Visitors with a session or pending messages (a logged-in reviewer reading the public
site) get the page rendered for them, as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from disclosures.public_stamp import public_cache, public_stamp_current

__all__ = ["public_cache", "public_page"]

MESSAGES_COOKIE = "messages"


def anonymous(request: HttpRequest) -> bool:
    """No session and no pending messages: the page is the same for every such visitor."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def public_page(variant: Callable[..., str | None]):
    """Serve the view's page from the public cache. `variant(request, *args, **kwargs)` names the page
    (e.g. "filing:12", with the query parameters the page depends on, normalised), or returns None for a
    request that is not cached (a search)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            name = variant(request, *args, **kwargs) if request.method == "GET" and anonymous(request) else None
            if name is None:
                return view(request, *args, **kwargs)
            stamp = public_stamp_current()
            key = hashlib.sha256(f"{stamp.token}|{name}".encode()).hexdigest()[:32]
            etag = quote_etag(key)
            last_modified = int(stamp.last_modified.timestamp()) if stamp.last_modified else None
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None:
                return _validators(not_modified, etag, last_modified)
            stored = public_cache().get(f"page:{key}")
            if stored is not None:
                content, content_type = stored
                return _validators(HttpResponse(content, content_type=content_type), etag, last_modified)
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                public_cache().set(f"page:{key}", (response.content, response["Content-Type"]))
                return _validators(response, etag, last_modified)
            return response

        return wrapped

    return decorate


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """A complete 200 page that sets no cookie and embeds neither a CSRF token nor this request's CSP nonce."""
    if response.status_code != 200 or response.streaming or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    nonce = getattr(request, "csp_nonce", "")
    return not (nonce and nonce.encode() in response.content)


def _validators(response: HttpResponse, etag: str, last_modified: int | None) -> HttpResponse:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "no-cache"  # browsers keep it and ask again with If-None-Match
    patch_vary_headers(response, ["Cookie"])
    return response
