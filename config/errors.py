"""Error pages in Chinese, in the site's layout, with the reason where the code gave one.

Django's own handlers show a view's message only as `exception`, and the English ones of Django itself
(“No Filing matches the given query.”, a resolver's path dict) would leak through; these show a message
only when it is written in Chinese (the messages of this project's views), else a general sentence.
"""

from __future__ import annotations

import re

from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def reason_of(exception) -> str:
    """The exception's message if it is a Chinese sentence meant for the user, else ""."""
    args = getattr(exception, "args", ())
    message = args[0] if args else ""
    return message if isinstance(message, str) and CHINESE.search(message) else ""


def bad_request(request, exception, template_name="400.html"):
    return HttpResponseBadRequest(loader.render_to_string(template_name, {"reason": reason_of(exception)}, request))


def permission_denied(request, exception, template_name="403.html"):
    return HttpResponseForbidden(loader.render_to_string(template_name, {"reason": reason_of(exception)}, request))


def page_not_found(request, exception, template_name="404.html"):
    return HttpResponseNotFound(loader.render_to_string(template_name, {"reason": reason_of(exception), "request_path": request.path}, request))


def server_error(request, template_name="500.html"):
    """Rendered without the request's context processors: the fault may be the database itself."""
    return HttpResponseServerError(loader.render_to_string(template_name, {}))
