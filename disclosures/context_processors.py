"""Template context of every page: the number of the user's unread messages (消息) for the header."""

from disclosures.services.notifications import unread_count


def unread_messages(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": unread_count(user=user)}
