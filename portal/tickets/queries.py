"""Read-side selects for the queue, ticket pages and customer histories. Keyset pagination throughout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import User, group_members
from portal.tickets.models import OPEN_STATUSES, Message, Ticket, TicketTag

# Full-text ticket search, plugged in by the search domain (which sits above tickets); None: subject LIKE.
TicketSearch = Callable[[str, User], list[int]]
_ticket_search: TicketSearch | None = None


def set_ticket_search(fn: TicketSearch | None) -> None:
    """Let a search backend answer the queue's and the API's `q` (ids of matching tickets, best first)."""
    global _ticket_search
    _ticket_search = fn


def search_ticket_ids(q: str, user: User) -> list[int] | None:
    """Ids of tickets matching `q` from the search backend, or None when there is none."""
    return None if _ticket_search is None else _ticket_search(q, user)


VIEWS = ("mine", "unassigned", "groups", "open", "pending", "solved", "all")
SORTS: dict[str, tuple[Any, str]] = {
    "updated": (Ticket.updated_at, "desc"),
    "oldest": (Ticket.updated_at, "asc"),
    "created": (Ticket.created_at, "desc"),
    "priority": (Ticket.priority, "desc"),
}
SORT_LABELS: dict[str, Any] = {}


def register_sort(name: str, column: Any, direction: str, label: Any) -> None:
    """Let another domain add a queue sort on a Ticket column (e.g. SLA time left); keyset on (column, id)."""
    SORTS[name] = (column, direction)
    SORT_LABELS[name] = label


PRIORITY_RANK = sa.case({"urgent": 4, "high": 3, "normal": 2, "low": 1}, value=Ticket.priority, else_=0)


@dataclass
class QueueFilter:
    """What an agent asked the queue for."""

    view: str = "open"
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    group_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    tag: str | None = None
    customer_id: int | None = None
    q: str | None = None
    ticket_ids: list[int] | None = None  # set by search when `q` is given
    sort: str = "updated"


def _view_clause(view: str, user: User) -> list[Any]:
    if view == "mine":
        return [Ticket.assignee_id == user.id, Ticket.status.in_(OPEN_STATUSES)]
    if view == "unassigned":
        return [Ticket.assignee_id.is_(None), Ticket.status.in_(("new", "open"))]
    if view == "groups":
        mine = sa.select(group_members.c.group_id).where(group_members.c.user_id == user.id)
        return [Ticket.group_id.in_(mine), Ticket.status.in_(OPEN_STATUSES)]
    if view == "open":
        return [Ticket.status.in_(("new", "open"))]
    if view == "pending":
        return [Ticket.status == "pending"]
    if view == "solved":
        return [Ticket.status.in_(("solved", "closed"))]
    return []


def queue_conditions(filters: QueueFilter, user: User) -> list[Any]:
    """The WHERE clauses of a queue view plus its filters."""
    where = _view_clause(filters.view, user)
    where.append(Ticket.merged_into_id.is_(None))
    if filters.status:
        where.append(Ticket.status.in_(filters.status))
    if filters.priority:
        where.append(Ticket.priority.in_(filters.priority))
    if filters.channel:
        where.append(Ticket.channel.in_(filters.channel))
    if filters.group_id:
        where.append(Ticket.group_id == filters.group_id)
    if filters.assignee_id:
        where.append(Ticket.assignee_id == filters.assignee_id)
    if filters.unassigned:
        where.append(Ticket.assignee_id.is_(None))
    if filters.customer_id:
        where.append(Ticket.customer_id == filters.customer_id)
    if filters.tag:
        where.append(Ticket.id.in_(sa.select(TicketTag.ticket_id).where(TicketTag.name == filters.tag)))
    if filters.q and filters.ticket_ids is None:
        filters.ticket_ids = search_ticket_ids(filters.q, user)
    if filters.ticket_ids is not None:
        where.append(Ticket.id.in_(filters.ticket_ids or [-1]))
    elif filters.q:
        like = f"%{filters.q.strip()}%"
        if filters.q.strip().lstrip("#").isdigit():
            where.append(sa.or_(Ticket.ref == int(filters.q.strip().lstrip("#")), Ticket.subject.ilike(like)))
        else:
            where.append(Ticket.subject.ilike(like))
    return where


def _sort_key(sort: str) -> tuple[Any, bool]:
    column, direction = SORTS.get(sort, SORTS["updated"])
    if sort == "priority":
        return PRIORITY_RANK, True
    return column, direction == "desc"


def queue_page(filters: QueueFilter, user: User, *, after: list[Any] | None, limit: int) -> sa.Select:
    """One page of the queue, ordered by the chosen sort then id, starting after the cursor's key."""
    key, descending = _sort_key(filters.sort)
    stmt = sa.select(Ticket).where(*queue_conditions(filters, user))
    if after:
        value, last_id = after
        value = _coerce(key, value)
        if descending:
            stmt = stmt.where(sa.or_(key < value, sa.and_(key == value, Ticket.id < last_id)))
        else:
            stmt = stmt.where(sa.or_(key > value, sa.and_(key == value, Ticket.id > last_id)))
    order = (key.desc(), Ticket.id.desc()) if descending else (key.asc(), Ticket.id.asc())
    return stmt.order_by(*order).limit(limit)


def _coerce(key: Any, value: Any) -> Any:
    if isinstance(value, str) and isinstance(
        getattr(key, "type", None), sa.types.TypeDecorator | sa.DateTime
    ):
        return datetime.fromisoformat(value)
    return value


def cursor_of(ticket: Ticket, sort: str) -> list[Any]:
    """The sort key of a ticket, for the next page's cursor."""
    if sort == "priority":
        return [{"urgent": 4, "high": 3, "normal": 2, "low": 1}.get(ticket.priority, 0), ticket.id]
    column = SORTS.get(sort, SORTS["updated"])[0]
    return [getattr(ticket, column.key), ticket.id]


def queue_count(filters: QueueFilter, user: User) -> sa.Select:
    """How many tickets the view with these filters holds."""
    return sa.select(sa.func.count()).select_from(Ticket).where(*queue_conditions(filters, user))


def view_counts(user: User) -> dict[str, sa.Select]:
    """A count query per queue view (shown beside the view names)."""
    return {
        view: queue_count(QueueFilter(view=view), user) for view in VIEWS if view not in ("all", "solved")
    }


def ticket_by_ref(ref: int | str) -> sa.Select:
    """A ticket by its human reference."""
    try:
        number = int(str(ref).lstrip("#"))
    except ValueError:
        number = -1
    return sa.select(Ticket).where(Ticket.ref == number)


def conversation(ticket_id: int, *, include_internal: bool) -> sa.Select:
    """The messages of a ticket, oldest first, with their files and authors loaded in the same round trips."""
    stmt = sa.select(Message).where(Message.ticket_id == ticket_id)
    if not include_internal:
        stmt = stmt.where(Message.direction != "internal")
    return stmt.options(selectinload(Message.attachments)).order_by(Message.id)


def messages_since(ticket_id: int, since_version_id: int) -> sa.Select:
    """Messages newer than the one an agent last saw."""
    return (
        sa.select(Message)
        .where(Message.ticket_id == ticket_id, Message.id > since_version_id)
        .order_by(Message.id)
    )


def customer_tickets(
    customer_id: int, *, open_only: bool = False, after: list[Any] | None = None, limit: int = 50
) -> sa.Select:
    """A customer's tickets, newest first (keyset on created_at, id)."""
    stmt = sa.select(Ticket).where(Ticket.customer_id == customer_id, Ticket.merged_into_id.is_(None))
    if open_only:
        stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES))
    if after:
        at, last_id = datetime.fromisoformat(after[0]), after[1]
        stmt = stmt.where(
            sa.or_(Ticket.created_at < at, sa.and_(Ticket.created_at == at, Ticket.id < last_id))
        )
    return stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
