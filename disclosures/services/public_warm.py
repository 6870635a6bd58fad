"""Warming the public pages' cache when a publication becomes public (its documents frozen), in the
publication job and not in a reader's request.

The public pages are stored whole under the public data's stamp (views.public_cache), which changes the
moment a publication's documents are frozen: every page is then cold, and the first reader of the county
overview (all of the year's snapshots read) used to wait for it. The publication job asks for the pages
this publication changed through the project's own middleware and views, as an anonymous visitor would
(`public_pages_warm`), so they are stored under the new stamp before anyone asks.

The pages of the whole county (home, year, overview) are built once a burst of publications has ended:
while other publication jobs are still queued (a year's batch), only the filing's own pages are; the last
job of the burst builds the shared ones.
"""

from __future__ import annotations

import io
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.urls import reverse

from disclosures.models import Filing
from jobs.models import Job

logger = logging.getLogger(__name__)


class _Handler(BaseHandler):
    """Django's request handler with the project's middleware, as the WSGI handler runs it."""

    def __init__(self) -> None:
        super().__init__()
        self.load_middleware()


def _request(path: str) -> WSGIRequest:
    site = urlsplit(getattr(settings, "SITE_URL", "") or "http://localhost")
    path, _, query = path.partition("?")
    host = site.hostname or "localhost"
    port = str(site.port or (443 if site.scheme == "https" else 80))
    return WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": host,
            "SERVER_PORT": port,
            "HTTP_HOST": site.netloc or host,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": site.scheme or "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
    )


def public_pages_warm(paths: list[str]) -> dict[str, int]:
    """Ask for these public pages as an anonymous visitor, which stores each in the public cache under the
    current stamp (a page already stored costs a cache read); path → status code."""
    handler = _Handler()
    return {path: handler.get_response(_request(path)).status_code for path in paths}


def publication_pages(*, filing: Filing, shared: bool) -> list[str]:
    """The public pages a publication changes: its filing's page (and the page of the version it corrects),
    its department's page, and with `shared` the county's: home, the year, the overview of both kinds."""
    paths = [reverse("disclosures:public_filing", args=[filing.pk]), reverse("opendata:department", args=[filing.department.code])]
    if filing.supersedes_id:
        paths.append(reverse("disclosures:public_filing", args=[filing.supersedes_id]))
    if shared:
        year = filing.fiscal_year.year
        overview = reverse("opendata:overview", args=[year])
        paths += [
            reverse("disclosures:public_home"),
            reverse("opendata:home"),
            reverse("disclosures:public_year", args=[year]),
            overview,
            f"{overview}?kind={Filing.Kind.FINAL}",
        ]
    return paths


def publication_warm(*, filing: Filing) -> dict[str, int]:
    """Warm what the publication of `filing` changed (called once its documents are frozen). Never raises:
    a page that fails here is rendered for its first reader, as before."""
    try:
        others_queued = Job.objects.filter(kind=Job.Kind.GENERATE_FILING, params__publication=True, status=Job.Status.QUEUED).exists()
        return public_pages_warm(publication_pages(filing=filing, shared=not others_queued))
    except Exception:
        logger.exception("filing %s: the public pages could not be warmed", filing.pk)
        return {}
