"""From the board to the desk: sour posts raised early, posts turned into tickets, answers promoted to articles.

Tickets are opened through the one door (intake, channel "community") for the post's author, so the customer's
history holds the post and the ticket, each linked to the other (the post's timeline entry names the ticket, the
ticket's message and an internal note link the post, and the post page shows the ticket to its author and staff).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.community import content, sour
from portal.community.links import post_url
from portal.community.models import Post, Reply
from portal.community.settings import setting
from portal.core import signals
from portal.core.errors import ValidationFailed
from portal.customers.models import TimelineEntry
from portal.customers.service import Hints
from portal.extensions import db
from portal.tickets import service as tickets
from portal.tickets.inbound import Inbound
from portal.tickets.intake import receive
from portal.tickets.models import Ticket

SOUR_TAG = "sour-post"
COMMUNITY_TAG = "community"
KIND_LABELS = {"angry": _l("angry"), "failure": _l("like a failure report")}


def _post_of(item: Post | Reply) -> Post:
    return item if isinstance(item, Post) else db.session.get(Post, item.post_id)  # type: ignore[return-value]


def _text(item: Post | Reply) -> str:
    return content.plain_text(item.body_html)


def _link_timeline(item: Post | Reply, ticket: Ticket) -> None:
    db.session.execute(
        sa.update(TimelineEntry)
        .where(TimelineEntry.subject_type == item.kind, TimelineEntry.subject_id == item.id)
        .values(ticket_id=ticket.id, ticket_ref=str(ticket.ref))
    )


def _note(ticket: Ticket, text: str) -> None:
    tickets.add_reply(ticket, None, text, internal=True, author_kind="system")  # type: ignore[arg-type]


def _inbound(item: Post | Reply, post: Post, **extra: Any) -> Inbound:
    author = db.session.get(User, item.author_id)
    assert author is not None
    reply_id = item.id if isinstance(item, Reply) else None
    url = post_url(post.id, reply_id)
    subject = post.title if isinstance(item, Post) else f"Re: {post.title}"
    return Inbound(
        channel="community",
        sender=Hints(user_id=author.id, email=author.email, name=author.name, locale=author.locale),
        subject=subject[:300],
        text=f"{_text(item)}\n\n{url}",
        external_id=f"community:{item.kind}:{item.id}",
        meta={"community": {"post_id": post.id, "reply_id": reply_id, "url": url}},
        **extra,
    )


def raise_if_sour(item: Post | Reply) -> Ticket | None:
    """A customer's post or reply that sounds angry or reports a failure opens (or joins) a high-priority ticket."""
    if not setting("COMMUNITY_ESCALATE_SOUR") or item.staff or item.customer_id is None:
        return None
    if item.state not in ("published", "held") or item.review_reason in ("links", "repetition"):
        return None
    post = _post_of(item)
    hits = sour.find(f"{post.title if isinstance(item, Post) else ''}\n{_text(item)}")
    if not hits:
        return None
    item.sour_terms = sorted({*item.sour_terms, *(h.term for h in hits)})
    if item.ticket_id is not None:
        return None
    tags = [COMMUNITY_TAG, SOUR_TAG, *sour.kinds(hits)]
    joins = _joinable(item, post)
    result = receive(
        _inbound(
            item, post, priority="high", tags=tags, notify=False, ticket_ref=joins.ref if joins else None
        )
    )
    ticket = result.ticket
    if joins is not None:
        tickets.update_ticket(ticket, None, priority="high", add_tags=tags)
    item.ticket_id = ticket.id
    if isinstance(item, Post) or (post.ticket_id is None and post.author_id == item.author_id):
        post.ticket_id = post.ticket_id or ticket.id  # later sour replies of the asker join this ticket
    _link_timeline(item, ticket)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _note(
            ticket,
            _(
                "Raised from the community board: this %(what)s sounds %(how)s (%(terms)s). "
                "Step in on the board, or answer here: %(url)s",
                what=_("post") if isinstance(item, Post) else _("reply"),
                how=" / ".join(str(KIND_LABELS[k]) for k in sour.kinds(hits)),
                terms=", ".join(h.term for h in hits[:8]),
                url=post_url(post.id, item.id if isinstance(item, Reply) else None),
            ),
        )
    return ticket


def _joinable(item: Post | Reply, post: Post) -> Ticket | None:
    """A reply joins the ticket already raised for its thread when it belongs to the same customer."""
    if isinstance(item, Post) or post.ticket_id is None:
        return None
    ticket = db.session.get(Ticket, post.ticket_id)
    if ticket is None or ticket.customer_id != item.customer_id:
        return None
    return ticket


def post_to_ticket(actor: User, post: Post) -> Ticket:
    """An agent turns a customer's post into a ticket for that customer (the same ticket if one exists)."""
    if post.ticket_id is not None:
        existing = db.session.get(Ticket, post.ticket_id)
        if existing is not None:
            return existing
    if post.staff or post.customer_id is None:
        raise ValidationFailed([(None, _l("Only a customer's post can become a ticket."))])
    result = receive(_inbound(post, post, tags=[COMMUNITY_TAG]), actor=actor)
    post.ticket_id = result.ticket.id
    _link_timeline(post, result.ticket)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _note(
            result.ticket,
            _(
                "%(agent)s turned a community post into this ticket: %(url)s",
                agent=actor.name,
                url=post_url(post.id),
            ),
        )
    return result.ticket


def promote(actor: User, reply: Reply) -> str | None:
    """Ask the knowledge base for a draft article from a good answer; its URL, or None if nobody made one."""
    if reply.article_url:
        return reply.article_url
    if not reply.is_published:
        raise ValidationFailed([(None, _l("Only a published reply can become an article."))])
    post = _post_of(reply)
    answers = signals.article_draft_requested.send(
        reply,
        title=post.title,
        body=reply.body,
        question=post.body,
        locale=post.locale,
        tags=post.tags,
        source_url=post_url(post.id, reply.id),
        actor=actor,
    )
    url = next((value for _receiver, value in answers if isinstance(value, str) and value), None)
    if url:
        reply.article_url = url[:500]
    return url
