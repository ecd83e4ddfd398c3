"""Who may see and do what on the board. Used by views, the API, services and templates alike."""

from __future__ import annotations

from typing import Any

from portal.community.models import Post, Reply
from portal.core.auth import is_staff


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "active", True))


def _own(user: Any, item: Post | Reply) -> bool:
    return _signed_in(user) and item.author_id == user.id


def can_view(user: Any, item: Post | Reply | None) -> bool:
    """Published (and merged, which redirect) for everyone; held and hidden for their author and staff."""
    if item is None:
        return False
    if item.state in ("published", "merged"):
        return True
    return is_staff(user) or _own(user, item)


def can_post(user: Any) -> bool:
    """Anyone signed in may start a thread."""
    return _signed_in(user)


def can_reply(user: Any, post: Post) -> bool:
    """On a published post that is not locked (staff may still add a closing word to a locked one)."""
    if not _signed_in(user) or post.state != "published":
        return False
    return not post.locked or is_staff(user)


def can_vote(user: Any, item: Post | Reply) -> bool:
    """Signed in, on someone else's published post or reply."""
    return _signed_in(user) and item.state == "published" and not _own(user, item)


def can_accept(user: Any, post: Post) -> bool:
    """The person who asked, or staff."""
    return is_staff(user) or _own(user, post)


def can_edit(user: Any, item: Post | Reply) -> bool:
    """The author (unless a moderator hid it), or staff."""
    return is_staff(user) or (_own(user, item) and item.state != "hidden")


def can_flag(user: Any, item: Post | Reply) -> bool:
    """Anyone signed in, on what others wrote."""
    return _signed_in(user) and not _own(user, item) and item.state == "published"


def can_moderate(user: Any) -> bool:
    """Agents and admins pin, lock, move, merge, hide and approve."""
    return is_staff(user)
