"""The ticket page: the conversation with the changes that shaped it, reply and note (with macros), the ticket's
fields, presence of other agents and held replies, and the customer panel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import defaultload, lazyload

from portal.accounts.models import Group, User
from portal.channels.web.intake import read_uploads
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.core.forms import choices
from portal.extensions import db
from portal.tickets import macros, queries, service
from portal.tickets.forms import PRIORITY_LABELS, STATUS_LABELS, ReplyForm, UpdateForm
from portal.tickets.models import Macro, Message, Ticket, TicketEvent, TicketViewer
from portal.tickets.panel import panel as customer_panel
from portal.tickets.views.desk_shared import EVENT_LABELS, agents, bp, groups, int_arg, load_ticket

PRESENCE_SECONDS = 30


def _update_form(ticket: Ticket, people: list[User], teams: list[Group], formdata: Any = None) -> UpdateForm:
    form = UpdateForm(
        formdata=formdata,
        status=ticket.status,
        priority=ticket.priority,
        assignee_id=str(ticket.assignee_id or ""),
        group_id=str(ticket.group_id or ""),
        tags=" ".join(ticket.tags),
    )
    form.assignee_id.choices = choices([("", _("(nobody)"))] + [(str(a.id), a.name) for a in people])
    form.group_id.choices = choices([("", _("(no group)"))] + [(str(g.id), g.name) for g in teams])
    return form


def _conversation(ticket: Ticket) -> tuple[list[Message], list[TicketEvent], list[tuple[str, Any]]]:
    """Messages, every change, and the two woven together (merges, splits and moves shown in place)."""
    quiet = lazyload(User.groups)  # authors' and actors' groups are never shown: not loaded
    conversation = queries.conversation(ticket.id, include_internal=True)
    messages = list(db.session.scalars(conversation.options(defaultload(Message.author_user).options(quiet))))
    events = list(
        db.session.scalars(
            sa.select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id)
            .options(defaultload(TicketEvent.actor).options(quiet))
            .order_by(TicketEvent.at, TicketEvent.id)
        )
    )
    woven: list[tuple[Any, int, str, Any]] = [(m.created_at, 0, "message", m) for m in messages]
    woven += [(e.at, 1, "event", e) for e in events if e.kind in EVENT_LABELS]
    woven.sort(key=lambda item: (item[0], item[1]))
    return messages, events, [(kind, item) for _at, _order, kind, item in woven]


def _macro_from_query(ticket: Ticket, form: ReplyForm) -> None:
    """?macro=ID fills the reply box without JavaScript (the picker's links)."""
    macro = db.session.get(Macro, int_arg(request.args.get("macro")) or -1)
    if macro is None or not macros.can_use(current_user, macro):
        return
    applied = macros.apply(macro, ticket, current_user)
    form.text.data = applied.text
    form.internal.data = applied.internal
    form.macro_id.data = str(macro.id)
    if applied.status and applied.status != "new":
        form.status.data = applied.status


def render_ticket(
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    held: service.ReplyHeld | None = None,
    since: tuple[int, int] | None = None,
    status: int = 200,
) -> Any:
    """The ticket page: conversation, changes, reply box, fields and the customer panel."""
    messages, events, woven = _conversation(ticket)
    fresh = reply_form is None
    reply_form = reply_form or ReplyForm(seen_version=ticket.version)
    if fresh and request.method == "GET" and request.args.get("macro"):
        _macro_from_query(ticket, reply_form)
    last_message = max((m.id for m in messages), default=0)
    last_event = max((e.id for e in events), default=0)
    if fresh or held is not None:  # the agent has now seen everything up to here
        reply_form.seen_version.data = ticket.version
        reply_form.seen_message_id.data = str(last_message)
        reply_form.seen_event_id.data = str(last_event)
    if held is not None:
        reply_form.confirm.data = "1"
    new_messages = {m.id for m in messages if since and m.id > since[0]}
    new_events = [e for e in events if since and e.id > since[1] and e.actor_id != current_user.id]
    people, teams = agents(), groups()
    usable = list(db.session.scalars(macros.visible_macros(current_user)))
    return render_template(
        "desk/ticket.html",
        ticket=ticket,
        messages=messages,
        woven=woven,
        events=events,
        reply_form=reply_form,
        update_form=_update_form(ticket, people, teams),
        panel=customer_panel(ticket.customer, exclude_ticket_id=ticket.id),
        held=held,
        new_messages=new_messages,
        new_events=new_events,
        viewers=_viewers(ticket),
        macros=usable,
        applied_macro=next((m for m in usable if str(m.id) == (reply_form.macro_id.data or "")), None),
    ), status


def _viewers(ticket: Ticket) -> list[TicketViewer]:
    since = utcnow() - timedelta(seconds=PRESENCE_SECONDS)
    return list(
        db.session.scalars(
            sa.select(TicketViewer)
            .where(
                TicketViewer.ticket_id == ticket.id,
                TicketViewer.user_id != current_user.id,
                TicketViewer.seen_at >= since,
            )
            .options(defaultload(TicketViewer.user).lazyload(User.groups))
        )
    )


@bp.get("/tickets/<int:ref>")
@staff_required
def ticket_page(ref: int) -> Any:
    """Everything about one ticket, and everything the customer said elsewhere."""
    return render_ticket(load_ticket(ref))


def _send(ticket: Ticket, form: ReplyForm, macro: Macro | None) -> None:
    """The reply or note, then the status chosen and the macro's changes, recorded as one step."""
    uploads = read_uploads(form.files.data)
    if (form.text.data or "").strip() or uploads or macro is None:
        service.add_reply(
            ticket,
            current_user,
            form.text.data,
            internal=form.internal.data,
            uploads=uploads,
            seen_version=int_arg(form.seen_version.data),
        )
    status = form.status.data or (macro.set_status if macro else None)
    service.update_ticket(
        ticket,
        current_user,
        status=status or None,
        priority=macro.set_priority if macro else None,
        add_tags=list(macro.add_tags or []) if macro else (),
    )
    if macro is not None:
        macros.record_use(ticket, macro, current_user)


@bp.post("/tickets/<int:ref>/reply")
@staff_required
def reply(ref: int) -> Any:
    """A public reply or an internal note; held for review if the conversation changed meanwhile."""
    ticket = load_ticket(ref)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_ticket(ticket, reply_form=form, status=422)
    macro = db.session.get(Macro, int_arg(form.macro_id.data) or -1)
    if macro is not None and not macros.can_use(current_user, macro):
        macro = None
    seen = int_arg(form.seen_message_id.data)
    since = (seen, int_arg(form.seen_event_id.data) or 0) if seen is not None else None
    try:
        _send(ticket, form, macro)
    except service.ReplyHeld as held:
        db.session.rollback()
        return render_ticket(load_ticket(ref), reply_form=form, held=held, since=since, status=409)
    except ValidationFailed as failed:
        db.session.rollback()
        form.apply(failed)
        return render_ticket(load_ticket(ref), reply_form=form, status=422)
    db.session.commit()
    if not (form.text.data or "").strip() and macro is not None:
        flash(_("Macro “%(name)s” applied.", name=macro.name), "success")
    else:
        flash(_("Note added.") if form.internal.data else _("Reply sent."), "success")
    return redirect(url_for("desk.ticket_page", ref=ref))


@bp.post("/tickets/<int:ref>/update")
@staff_required
def update(ref: int) -> Any:
    """Status, priority, assignee, group and tags."""
    ticket = load_ticket(ref)
    form = _update_form(ticket, agents(), groups(), formdata=request.form)
    if not form.validate_on_submit():
        flash(_("Could not save the changes."), "danger")
        return redirect(url_for("desk.ticket_page", ref=ref))
    assignee = db.session.get(User, int(form.assignee_id.data)) if form.assignee_id.data else None
    group = db.session.get(Group, int(form.group_id.data)) if form.group_id.data else None
    try:
        service.update_ticket(
            ticket,
            current_user,
            status=form.status.data,
            priority=form.priority.data,
            assignee=assignee,
            group=group,
            tags=form.tags.data.split(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("desk.ticket_page", ref=ref))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("desk.ticket_page", ref=ref))


@bp.post("/tickets/<int:ref>/presence")
@staff_required
def presence(ref: int) -> Any:
    """Every few seconds the page says this agent is here (and whether typing); answers who else is and what
    arrived since the agent opened the ticket."""
    ticket = load_ticket(ref)
    row = db.session.get(TicketViewer, (ticket.id, current_user.id))
    if row is None:
        row = TicketViewer(ticket_id=ticket.id, user_id=current_user.id)
        db.session.add(row)
    row.replying = request.form.get("replying") == "1"
    row.seen_at = utcnow()
    if request.form.get("leaving") == "1":
        db.session.delete(row)
    db.session.commit()
    since = int_arg(request.form.get("since")) or 0
    fresh = db.session.scalars(queries.messages_since(ticket.id, since).limit(10)).all() if since else []
    return {
        "viewers": [{"name": v.user.name, "replying": v.replying} for v in _viewers(ticket)],
        "version": ticket.version,
        "new_messages": [
            {"id": m.id, "author": m.author_name, "direction": m.direction}
            for m in fresh
            if m.author_user_id != current_user.id
        ],
    }


@bp.get("/tickets/<int:ref>/macros/<int:macro_id>")
@staff_required
def macro_preview(ref: int, macro_id: int) -> Any:
    """A macro applied to this ticket: the text for the reply box and the changes it will make on send."""
    ticket = load_ticket(ref)
    macro = db.session.get(Macro, macro_id)
    if macro is None or not macros.can_use(current_user, macro):
        abort(404)
    applied = macros.apply(macro, ticket, current_user)
    return {
        "id": applied.macro_id,
        "name": applied.name,
        "text": applied.text,
        "internal": applied.internal,
        "status": applied.status,
        "priority": applied.priority,
        "add_tags": applied.add_tags,
        "status_label": str(STATUS_LABELS.get(applied.status, "")) if applied.status else None,
        "priority_label": str(PRIORITY_LABELS.get(applied.priority, "")) if applied.priority else None,
    }
