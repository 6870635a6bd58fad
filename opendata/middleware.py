"""CORS for the read-only open data: any origin may GET the API and the bulk downloads.

The data is public and the API has no cookies-based state to protect, so `Access-Control-Allow-Origin: *`
is safe for reads; credentials are never allowed, and no other method is offered. A few lines here
instead of django-cors-headers, because nothing else in the project needs cross-origin requests.
"""

from __future__ import annotations

from django.http import HttpResponse

CORS_PREFIXES = ("/api/", "/data/")
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
EXPOSED_HEADERS = "ETag, Last-Modified, Link, Content-Disposition"


class ReadOnlyCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(CORS_PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
