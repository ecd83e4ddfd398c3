"""The agent workspace's queue: views with counts, filters, sorts, keyset pages and bulk changes.

The ticket page, macros and agent-created tickets live in desk_ticket.py, desk_macros.py and desk_new.py; their
routes join the same `desk` blueprint (imported here so that registering this module registers them all).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.accounts.models import Group, User
from portal.core.api import decode_cursor, encode_cursor
from portal.core.auth import staff_required
from portal.core.errors import DomainError, ValidationFailed
from portal.customers.models import Customer
from portal.extensions import db
from portal.tickets import bulk, queries
from portal.tickets import desk_demo as _desk_demo  # noqa: F401 - seeds the demo's macros
from portal.tickets.models import CHANNELS, PRIORITIES, STATUSES
from portal.tickets.tags import normalize_tag
from portal.tickets.views import desk_actions, desk_macros, desk_new, desk_ticket  # noqa: F401 - join `bp`
from portal.tickets.views.desk_shared import agents, bp, groups, int_arg, queue_url

__all__ = ["bp"]
PAGE = 50


def parse_filters(args: Any, user: User) -> queries.QueueFilter:
    """Queue filters from the query string; unknown values are ignored rather than failing."""
    view = args.get("view", "open")
    assignee = (args.get("assignee") or "").strip()
    return queries.QueueFilter(
        view=view if view in queries.VIEWS else "open",
        status=[s for s in args.getlist("status") if s in STATUSES],
        priority=[p for p in args.getlist("priority") if p in PRIORITIES],
        channel=[c for c in args.getlist("channel") if c in CHANNELS],
        group_id=int_arg(args.get("group")),
        assignee_id=user.id if assignee == "me" else int_arg(assignee),
        unassigned=assignee == "none",
        tag=normalize_tag(args.get("tag") or "") or None,
        customer_id=int_arg(args.get("customer")),
        q=(args.get("q") or "").strip()[:200] or None,
        sort=args.get("sort") if args.get("sort") in queries.SORTS else "updated",
    )


def _counts(user: User) -> dict[str, int]:
    """Every view's count in one round trip (each stops at the cap)."""
    stmts = queries.view_counts(user)
    row = db.session.execute(sa.select(*[s.scalar_subquery().label(v) for v, s in stmts.items()])).one()
    return dict(row._mapping)


def _page(filters: queries.QueueFilter, after: list[Any] | None) -> tuple[list[Any], str | None]:
    try:
        rows = db.session.scalars(
            queries.queue_page(filters, current_user, after=after, limit=PAGE + 1)
        ).all()
    except (ValueError, TypeError):  # a cursor of another sort, or tampered with: start from the top
        rows = db.session.scalars(queries.queue_page(filters, current_user, after=None, limit=PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return rows, (encode_cursor(queries.cursor_of(rows[-1], filters.sort)) if more else None)


@bp.get("/")
@staff_required
def queue() -> Any:
    """One queue across every channel, with views, filters, sorting, counts and keyset pages."""
    filters = parse_filters(request.args, current_user)
    try:
        after = decode_cursor(request.args.get("after"))
    except DomainError:
        after = None
    rows, next_cursor = _page(filters, after)
    customer = db.session.get(Customer, filters.customer_id) if filters.customer_id else None
    return render_template(
        "desk/queue.html",
        tickets=rows,
        filters=filters,
        counts=_counts(current_user),
        total=db.session.scalar(queries.queue_count(filters, current_user, cap=queries.COUNT_CAP)),
        cap=queries.COUNT_CAP,
        next_cursor=next_cursor,
        first_page=after is None,
        groups=groups(),
        agents=agents(),
        filter_customer=customer,
        bulk_max=bulk.BULK_MAX,
    )


def _bulk_target(kind: str, raw: str) -> Any:
    """'keep', None (clear) or the chosen agent or group, from a bulk form value."""
    if not raw:
        return "keep"
    if raw == "none":
        return None
    if kind == "assignee":
        found = current_user if raw == "me" else db.session.get(User, int_arg(raw) or -1)
    else:
        found = db.session.get(Group, int_arg(raw) or -1)
    if found is None:
        raise ValidationFailed([(kind, _("Choose from the list."))])
    return found


@bp.post("/bulk")
@staff_required
def bulk_change() -> Any:
    """Assign, set status, priority, group or tags on the tickets selected in the queue."""
    form = request.form
    try:
        tickets = bulk.tickets_for_bulk(int_arg(v) or -1 for v in form.getlist("ids"))
        changed = bulk.bulk_update(
            tickets,
            current_user,
            status=form.get("status") if form.get("status") in STATUSES else None,
            priority=form.get("priority") if form.get("priority") in PRIORITIES else None,
            assignee=_bulk_target("assignee", form.get("assignee", "")),
            group=_bulk_target("group", form.get("group", "")),
            add_tags=(form.get("add_tags") or "")[:500].split(),
            remove_tags=(form.get("remove_tags") or "")[:500].split(),
        )
    except DomainError as error:
        db.session.rollback()
        reasons = error.errors if isinstance(error, ValidationFailed) else [(None, error.message)]
        flash(" ".join(reason for _field, reason in reasons), "danger")
        return redirect(queue_url())
    db.session.commit()
    flash(ngettext("%(num)d ticket updated.", "%(num)d tickets updated.", changed), "success")
    return redirect(queue_url())
