"""Where posts live, as paths (timeline, search) and as absolute links (mail, API)."""

from __future__ import annotations

from portal.core.links import external_url


def post_path(post_id: int, reply_id: int | None = None) -> str:
    """The portal path of a thread (and of one reply in it)."""
    return f"/community/posts/{post_id}" + (f"#r{reply_id}" if reply_id else "")


def post_url(post_id: int, reply_id: int | None = None) -> str:
    """The absolute link of a thread, under PORTAL_BASE_URL."""
    return external_url("community.thread", post_id=post_id) + (f"#r{reply_id}" if reply_id else "")
