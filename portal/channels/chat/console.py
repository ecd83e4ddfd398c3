"""The agents' chat console in the workspace: waiting chats, several chats at once, presence, the customer panel."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import Group, User, group_members
from portal.channels.chat import agents, queries, service, stream
from portal.channels.chat.console_strings import console_strings
from portal.channels.chat.fanout import QUEUE
from portal.channels.chat.longpoll import newest, wait_for
from portal.channels.chat.models import Chat, ChatEvent
from portal.core import ui
from portal.core.api import error_response, iso
from portal.core.auth import staff_required
from portal.core.errors import DomainError
from portal.extensions import db
from portal.tickets.models import Macro, Ticket
from portal.tickets.panel import panel

bp = Blueprint("chat_desk", __name__, url_prefix="/desk/chats")
ui.nav_item("desk", _l("Live chat"), "chat_desk.console", icon="chat-dots", order=15)


def _json_error(error: DomainError) -> Any:
    db.session.rollback()
    fields = error.by_field() if hasattr(error, "by_field") else None
    return error_response(error.status, error.code, error.message, fields)


def canned_responses(user: User) -> list[dict[str, Any]]:
    """Macros the agent may use: their own, their groups', and everyone's."""
    mine = sa.select(group_members.c.group_id).where(group_members.c.user_id == user.id)
    rows = db.session.scalars(
        sa.select(Macro)
        .where(
            sa.or_(
                Macro.owner_id == user.id,
                Macro.group_id.in_(mine),
                sa.and_(Macro.owner_id.is_(None), Macro.group_id.is_(None)),
            )
        )
        .order_by(Macro.name)
        .limit(200)
    ).all()
    return [{"id": m.id, "name": m.name, "body": m.body, "internal": m.internal} for m in rows]


@bp.get("/")
@staff_required
def console() -> Any:
    """The console page; the lists and chats fill in and stay current through /poll."""
    agents_list = db.session.scalars(
        sa.select(User).where(User.role.in_(("agent", "admin")), User.active.is_(True)).order_by(User.name)
    ).all()
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    return render_template(
        "chat/console.html",
        canned=canned_responses(current_user),
        agents=[{"id": a.id, "name": a.name} for a in agents_list if a.id != current_user.id],
        groups=[{"id": g.id, "name": g.name} for g in groups],
        strings=console_strings(),
        presence=current_user.presence,
    )


def _previews(chat_ids: list[int]) -> dict[int, str]:
    """The latest words of the customer in each chat, in one query."""
    if not chat_ids:
        return {}
    latest = (
        sa.select(ChatEvent.chat_id, sa.func.max(ChatEvent.seq).label("seq"))
        .where(ChatEvent.chat_id.in_(chat_ids), ChatEvent.author_kind == "customer")
        .group_by(ChatEvent.chat_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ChatEvent.chat_id, ChatEvent.text).join(
            latest, sa.and_(ChatEvent.chat_id == latest.c.chat_id, ChatEvent.seq == latest.c.seq)
        )
    )
    return {chat_id: text[:160] for chat_id, text in rows}


def _refs(chats: list[Chat]) -> dict[int, int]:
    ids = [c.ticket_id for c in chats if c.ticket_id]
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Ticket.id, Ticket.ref).where(Ticket.id.in_(ids))).all())


def _row(chat: Chat, refs: dict[int, int], previews: dict[int, str]) -> dict[str, Any]:
    ref = refs.get(chat.ticket_id or 0)
    return {
        "id": chat.id,
        "name": chat.customer.display_name,
        "status": chat.status,
        "ticket": str(ref) if ref else None,
        "group": chat.group.name if chat.group else None,
        "waiting_since": iso(chat.waiting_since),
        "offline": chat.offline,
        "preview": previews.get(chat.id, ""),
        "last_seq": chat.last_seq,
        "vip": chat.customer.tier == "vip",
    }


def state(user: User) -> dict[str, Any]:
    """The agent's lists: chats waiting for anyone, and chats they are in."""
    waiting = db.session.scalars(queries.waiting()).all()
    mine = db.session.scalars(queries.assigned_to(user.id)).all()
    my_groups = {g.id for g in user.groups}
    waiting = sorted(waiting, key=lambda c: c.group_id not in my_groups if c.group_id else False)
    chats = [*waiting, *mine]
    refs, previews = _refs(chats), _previews([c.id for c in chats])
    online = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            queries.online_agents(current_app.config["CHAT_PRESENCE_TIMEOUT"]).subquery()
        )
    )
    return {
        "waiting": [_row(c, refs, previews) for c in waiting],
        "mine": [_row(c, refs, previews) for c in mine],
        "presence": user.presence,
        "online": online or 0,
    }


def _wanted(raw: str) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for pair in (raw or "").split(",")[:50]:
        chat_id, _, seq = pair.partition(":")
        if chat_id.isdigit() and seq.isdigit():
            wanted[int(chat_id)] = int(seq)
    return wanted


@bp.get("/poll")
@staff_required
def poll() -> Any:
    """Long-poll: the lists when they changed (`v`), and new events of the chats open (`c=id:seq,…`)."""
    known_version = request.args.get("v", type=int, default=-1)
    wanted = _wanted(request.args.get("c", ""))
    wait = max(0, min(request.args.get("wait", type=int, default=0), current_app.config["CHAT_WAIT_MAX"]))
    agents.heartbeat(current_user)
    keys = [QUEUE, *wanted]

    def read() -> dict[int, int]:
        numbers = newest(list(wanted))
        numbers[QUEUE] = stream.queue_version()
        return numbers

    numbers: dict[int, int] = {}

    def check(found: dict[int, int]) -> bool:
        numbers.update(found)
        return found[QUEUE] != known_version or any(found.get(c, 0) > s for c, s in wanted.items())

    wait_for(keys, read, check, wait)
    events: dict[str, list[dict[str, Any]]] = {}
    for chat_id, after in wanted.items():
        if numbers.get(chat_id, 0) > after:
            rows = db.session.scalars(queries.events_after(chat_id, after, include_notes=True)).all()
            events[str(chat_id)] = [stream.item(e) for e in rows]
    body: dict[str, Any] = {"v": numbers.get(QUEUE, 0), "events": events}
    if numbers.get(QUEUE) != known_version:
        body["state"] = state(current_user)
    db.session.commit()
    return body


def _chat(chat_id: int) -> Chat:
    chat = db.session.get(Chat, chat_id)
    if chat is None:
        abort(404)
    return chat


@bp.get("/<int:chat_id>/panel")
@staff_required
def customer_panel(chat_id: int) -> Any:
    """The customer panel beside a chat: identities and the whole history on every channel."""
    chat = _chat(chat_id)
    return render_template(
        "chat/_panel.html", panel=panel(chat.customer, exclude_ticket_id=chat.ticket_id), chat=chat
    )


def _act(fn: Any) -> Any:
    try:
        chat = fn()
    except DomainError as error:
        return _json_error(error)
    db.session.commit()
    return {"id": chat.id, "status": chat.status}


@bp.post("/<int:chat_id>/accept")
@staff_required
def accept(chat_id: int) -> Any:
    """Take a waiting chat."""
    return _act(lambda: agents.accept(_chat(chat_id), current_user))


@bp.post("/<int:chat_id>/transfer")
@staff_required
def transfer(chat_id: int) -> Any:
    """Hand the chat to another agent or to a group."""
    chat = _chat(chat_id)
    to_agent = db.session.get(User, request.form.get("agent", type=int) or 0)
    to_group = db.session.get(Group, request.form.get("group", type=int) or 0)
    return _act(lambda: agents.transfer(chat, current_user, to_agent=to_agent, to_group=to_group))


@bp.post("/<int:chat_id>/end")
@staff_required
def end(chat_id: int) -> Any:
    """End the chat; `solve=1` also marks its ticket solved (else it stays open for a follow-up by email)."""
    solve = request.form.get("solve") == "1"
    return _act(lambda: service.end(_chat(chat_id), by="agent", actor=current_user, solve=solve))


@bp.post("/presence")
@staff_required
def presence() -> Any:
    """Online, away or offline."""
    try:
        agents.set_presence(current_user, request.form.get("presence", ""))
    except DomainError as error:
        return _json_error(error)
    stream.bump_queue()
    db.session.commit()
    return {"presence": current_user.presence}
