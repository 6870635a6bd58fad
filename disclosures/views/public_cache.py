"""Whole-page caching and conditional GET for the public pages (公众 pages, open data).

An anonymous visitor's page depends only on the public data, so it is stored once per page in the
"public" cache (Redis or files, shared by every web process) with the public data's stamp it was
rendered under, and served only to a request that reads the same stamp. The stamp is kept in that cache
too and replaced when a publication, a correction or a department's edit commits
(`disclosures.public_stamp`), and the page is read with it: a request for a stored page costs one cache
round trip (one MGET on Redis) and no database query; no snapshot is decoded, no template rendered. A
new stamp changes every page's ETag and makes every stored page a miss, so no page is invalidated by
hand, and a page is never older than the data it was read from (the stamp is read before the page is
rendered).

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

from disclosures.public_stamp import public_cache, public_stamp_read

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
            gzipped = accepts_gzip(request)
            name_key = hashlib.sha256(name.encode()).hexdigest()[:32]
            conditional = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
            # Without validators the page is read with the stamp, in one cache round trip.
            stamp, stored = public_stamp_read(also=None if conditional else _page_key(name_key, gzipped=gzipped))
            key = hashlib.sha256(f"{stamp.token}|{name}".encode()).hexdigest()[:32]
            etag = quote_etag(f"{key}-gzip" if gzipped else key)
            last_modified = int(stamp.last_modified.timestamp()) if stamp.last_modified else None
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None:
                return _validators(not_modified, etag, last_modified)
            page = _stored(name_key, stamp.token, gzipped=gzipped, found=stored, looked=not conditional)
            if page is not None:
                content, content_type = page
                return _validators(_page(content, content_type, gzipped=gzipped), etag, last_modified)
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            content, content_type = response.content, response["Content-Type"]
            compressed = _gzip(content)
            public_cache().set_many(
                {
                    _page_key(name_key, gzipped=False): (stamp.token, content, content_type),
                    _page_key(name_key, gzipped=True): (stamp.token, compressed, content_type),
                }
            )
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


def _page_key(name_key: str, *, gzipped: bool) -> str:
    return f"page:{name_key}:{'gzip' if gzipped else 'plain'}"


def _stored(name_key: str, token: str, *, gzipped: bool, found, looked: bool) -> tuple[bytes, str] | None:
    """The page stored under the stamp `token` (an entry is `(token, content, content type)`; one stored
    under another stamp is a miss), as its gzip-encoded copy for a client that takes it (made again from
    the plain copy if only that one is left). `found` is the entry already read when `looked`."""
    cache = public_cache()
    entry = found if looked else cache.get(_page_key(name_key, gzipped=gzipped))
    if entry is not None and entry[0] == token:
        return entry[1], entry[2]
    if not gzipped:
        return None
    plain = cache.get(_page_key(name_key, gzipped=False))
    if plain is None or plain[0] != token:
        return None
    compressed = _gzip(plain[1])
    cache.set(_page_key(name_key, gzipped=True), (token, compressed, plain[2]))
    return compressed, plain[2]


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
