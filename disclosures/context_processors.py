"""Template context of every page: the number of the user's unread messages (消息) for the header.

Lazy, like Django's `user`: a page that does not show it (the 503 page when the database is lost, the
JSON answers) runs no query for it.
"""

from django.utils.functional import SimpleLazyObject

from disclosures.services.notifications import unread_count


def unread_messages(request) -> dict:
    return {"unread_messages": SimpleLazyObject(lambda: unread_count(user=getattr(request, "user", None)))}
