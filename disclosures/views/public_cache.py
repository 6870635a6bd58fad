"""Whole-page caching and conditional GET for the public pages (公众 pages, open data).

An anonymous visitor's page depends only on the public data, so it is stored once per page under the
public data's stamp in the "public" cache (Redis or files, shared by every web process). The stamp is
kept in that cache too and replaced when a publication, a correction or a department's edit commits
(`disclosures.public_stamp`), so a request for a stored page costs cache reads and no database query:
no snapshot is decoded, no template rendered. A new stamp changes every page's key and ETag, so no page
is invalidated by hand and a page is never older than the data it was read from (the stamp is read
before the page is rendered).

A page is stored twice: as rendered, and gzip-encoded once when it is stored, which is what a client that
sends `Accept-Encoding: gzip` (every browser) gets, with `Content-Encoding: gzip` — about a tenth of the
bytes of a table-heavy page to write on every hit, and no compression per request. The two are distinct
representations (`Vary: Accept-Encoding`), each with its own entity tag: the gzip one's ends in `-gzip`.

Every such page carries `ETag` and `Last-Modified` and answers 304 to a matching `If-None-Match` /
`If-Modified-Since`. Visitors with a session or pending messages (a logged-in reviewer reading the public
site) get the page rendered for them, as before.
"""

from __future__ import annotations

import gzip
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
            gzipped = accepts_gzip(request)
            etag = quote_etag(f"{key}-gzip" if gzipped else key)
            last_modified = int(stamp.last_modified.timestamp()) if stamp.last_modified else None
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None:
                return _validators(not_modified, etag, last_modified)
            stored = _stored(key, gzipped=gzipped)
            if stored is not None:
                content, content_type = stored
                return _validators(_page(content, content_type, gzipped=gzipped), etag, last_modified)
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            content, content_type = response.content, response["Content-Type"]
            compressed = _gzip(content)
            public_cache().set_many({f"page:{key}": (content, content_type), f"page:{key}:gzip": (compressed, content_type)})
            if gzipped:
                response = _page(compressed, content_type, gzipped=True)
            return _validators(response, etag, last_modified)

        return wrapped

    return decorate


def accepts_gzip(request: HttpRequest) -> bool:
    """The client takes a gzip-encoded body: `gzip` (or `*`) in Accept-Encoding without q=0 (RFC 9110 12.5.3)."""
    accepted: dict[str, bool] = {}
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        quality = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
        try:
            accepted[coding.strip().lower()] = float(quality) > 0
        except ValueError:
            accepted[coding.strip().lower()] = False
    return accepted.get("gzip", accepted.get("x-gzip", accepted.get("*", False)))


def _gzip(content: bytes) -> bytes:
    """Compressed once, when the page is stored; mtime 0 so that the same page gives the same bytes."""
    return gzip.compress(content, compresslevel=9, mtime=0)


def _stored(key: str, *, gzipped: bool) -> tuple[bytes, str] | None:
    """The stored page, as its gzip-encoded copy for a client that takes it (made again from the plain
    copy if only that one is left)."""
    if not gzipped:
        return public_cache().get(f"page:{key}")
    stored = public_cache().get(f"page:{key}:gzip")
    if stored is None:
        plain = public_cache().get(f"page:{key}")
        if plain is None:
            return None
        stored = (_gzip(plain[0]), plain[1])
        public_cache().set(f"page:{key}:gzip", stored)
    return stored


def _page(content: bytes, content_type: str, *, gzipped: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    return response


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
    # A page differs by session (anonymous or not) and by encoding; each encoding has its own ETag.
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response
