"""The agent workspace: one queue across channels, and the ticket page with the customer's whole history."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import Group, User
from portal.channels.web.intake import read_uploads
from portal.core import ui
from portal.core.api import decode_cursor, encode_cursor
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.core.forms import choices
from portal.extensions import db
from portal.tickets import queries, service
from portal.tickets.forms import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS, ReplyForm, UpdateForm
from portal.tickets.models import CHANNELS, PRIORITIES, STATUSES, Ticket, TicketEvent, TicketViewer
from portal.tickets.panel import panel as customer_panel

bp = Blueprint("desk", __name__, url_prefix="/desk")
ui.nav_item("desk", _l("Queue"), "desk.queue", icon="inbox", order=10)

VIEW_LABELS = {
    "mine": _l("Mine"),
    "unassigned": _l("Unassigned"),
    "groups": _l("My groups"),
    "open": _l("All open"),
    "pending": _l("Pending"),
    "solved": _l("Solved"),
    "all": _l("All"),
}


@bp.context_processor
def labels() -> dict[str, Any]:
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "PRIORITY_LABELS": PRIORITY_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "VIEW_LABELS": VIEW_LABELS,
    }


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def parse_filters(args: Any) -> queries.QueueFilter:
    """Queue filters from the query string; unknown values are ignored rather than failing."""
    view = args.get("view", "open")
    return queries.QueueFilter(
        view=view if view in queries.VIEWS else "open",
        status=[s for s in args.getlist("status") if s in STATUSES],
        priority=[p for p in args.getlist("priority") if p in PRIORITIES],
        channel=[c for c in args.getlist("channel") if c in CHANNELS],
        group_id=_int(args.get("group")),
        assignee_id=_int(args.get("assignee")),
        tag=(args.get("tag") or "").strip().casefold() or None,
        customer_id=_int(args.get("customer")),
        q=(args.get("q") or "").strip()[:200] or None,
        sort=args.get("sort") if args.get("sort") in queries.SORTS else "updated",
    )


@bp.get("/")
@staff_required
def queue() -> Any:
    """One queue across every channel, with views, filters, sorting, counts and keyset pages."""
    filters = parse_filters(request.args)
    limit = 50
    after = decode_cursor(request.args.get("after"))
    rows = db.session.scalars(queries.queue_page(filters, current_user, after=after, limit=limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(queries.cursor_of(rows[-1], filters.sort)) if more else None
    counts = {view: db.session.scalar(stmt) for view, stmt in queries.view_counts(current_user).items()}
    total = db.session.scalar(queries.queue_count(filters, current_user))
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    agents = db.session.scalars(
        sa.select(User).where(User.role.in_(("agent", "admin"))).order_by(User.name)
    ).all()
    return render_template(
        "desk/queue.html",
        tickets=rows,
        filters=filters,
        counts=counts,
        total=total,
        next_cursor=next_cursor,
        groups=groups,
        agents=agents,
    )


def load_ticket(ref: int) -> Ticket:
    """The ticket by reference, or 404."""
    ticket = db.session.scalar(queries.ticket_by_ref(ref))
    if ticket is None:
        abort(404)
    return ticket


def _update_form(ticket: Ticket, formdata: Any = None) -> UpdateForm:
    form = UpdateForm(
        formdata=formdata,
        status=ticket.status,
        priority=ticket.priority,
        assignee_id=str(ticket.assignee_id or ""),
        group_id=str(ticket.group_id or ""),
        tags=" ".join(ticket.tags),
    )
    agents = db.session.scalars(
        sa.select(User).where(User.role.in_(("agent", "admin"))).order_by(User.name)
    ).all()
    groups = db.session.scalars(sa.select(Group).order_by(Group.name)).all()
    form.assignee_id.choices = choices([("", _("(nobody)"))] + [(str(a.id), a.name) for a in agents])
    form.group_id.choices = choices([("", _("(no group)"))] + [(str(g.id), g.name) for g in groups])
    return form


def render_ticket(
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    held: service.ReplyHeld | None = None,
    status: int = 200,
) -> Any:
    """The ticket page: conversation, changes, and the customer panel."""
    messages = db.session.scalars(queries.conversation(ticket.id, include_internal=True)).all()
    events = db.session.scalars(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.at)
    ).all()
    reply_form = reply_form or ReplyForm(seen_version=ticket.version)
    if held is not None:
        reply_form.seen_version.data = ticket.version
        reply_form.confirm.data = "1"
    panel = customer_panel(ticket.customer, exclude_ticket_id=ticket.id)
    return render_template(
        "desk/ticket.html",
        ticket=ticket,
        messages=messages,
        events=events,
        reply_form=reply_form,
        update_form=_update_form(ticket),
        panel=panel,
        held=held,
        viewers=_viewers(ticket),
    ), status


def _viewers(ticket: Ticket) -> list[TicketViewer]:
    from datetime import timedelta

    since = utcnow() - timedelta(seconds=30)
    return db.session.scalars(
        sa.select(TicketViewer).where(
            TicketViewer.ticket_id == ticket.id,
            TicketViewer.user_id != current_user.id,
            TicketViewer.seen_at >= since,
        )
    ).all()


@bp.get("/tickets/<int:ref>")
@staff_required
def ticket_page(ref: int) -> Any:
    """Everything about one ticket, and everything the customer said elsewhere."""
    return render_ticket(load_ticket(ref))


@bp.post("/tickets/<int:ref>/reply")
@staff_required
def reply(ref: int) -> Any:
    """A public reply or an internal note; held for review if the conversation changed meanwhile."""
    ticket = load_ticket(ref)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_ticket(ticket, reply_form=form, status=422)
    try:
        service.add_reply(
            ticket,
            current_user,
            form.text.data,
            internal=form.internal.data,
            uploads=read_uploads(form.files.data),
            seen_version=_int(form.seen_version.data),
        )
        if form.status.data:
            service.update_ticket(ticket, current_user, status=form.status.data)
    except service.ReplyHeld as held:
        db.session.rollback()
        return render_ticket(load_ticket(ref), reply_form=form, held=held, status=409)
    except ValidationFailed as failed:
        db.session.rollback()
        form.apply(failed)
        return render_ticket(load_ticket(ref), reply_form=form, status=422)
    db.session.commit()
    flash(_("Note added.") if form.internal.data else _("Reply sent."), "success")
    return redirect(url_for("desk.ticket_page", ref=ref))


@bp.post("/tickets/<int:ref>/update")
@staff_required
def update(ref: int) -> Any:
    """Status, priority, assignee, group and tags."""
    ticket = load_ticket(ref)
    form = _update_form(ticket, formdata=request.form)
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
    """The page says every few seconds that this agent is here (and whether typing); answers who else is."""
    ticket = load_ticket(ref)
    row = db.session.get(TicketViewer, (ticket.id, current_user.id))
    if row is None:
        row = TicketViewer(ticket_id=ticket.id, user_id=current_user.id)
        db.session.add(row)
    row.replying = request.form.get("replying") == "1"
    row.seen_at = utcnow()
    db.session.commit()
    others = [{"name": v.user.name, "replying": v.replying} for v in _viewers(ticket)]
    return {"viewers": others, "version": ticket.version}
