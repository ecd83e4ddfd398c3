"""Read-side selects for the queue, ticket pages and customer histories. Keyset pagination throughout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defaultload, selectinload

from portal.accounts.models import User
from portal.customers.models import Customer
from portal.tickets.models import OPEN_STATUSES, STATUSES, Message, Ticket, TicketTag

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
COUNT_CAP = 1000  # counts beside views stop here ("1000+"): bounded work whatever the queue's size


def register_sort(name: str, column: Any, direction: str, label: Any) -> None:
    """Let another domain add a queue sort on a Ticket column (e.g. SLA time left); keyset on (column, id).

    Tickets whose column is NULL come last in either direction; give the column an index that suits the views.
    """
    SORTS[name] = (column, direction)
    SORT_LABELS[name] = label


PRIORITY_ORDER = ("urgent", "high", "normal", "low")
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


VIEW_STATUSES: dict[str, tuple[str, ...]] = {
    "mine": OPEN_STATUSES,
    "unassigned": ("new", "open"),
    "groups": OPEN_STATUSES,
    "open": ("new", "open"),
    "pending": ("pending",),
    "solved": ("solved", "closed"),
    "all": STATUSES,
}
TAG_DRIVES_BELOW = 5000  # a tag on fewer tickets than this is read from the tag's index first


def _view_clause(view: str, user: User) -> list[Any]:
    if view == "mine":
        return [Ticket.assignee_id == user.id]
    if view == "unassigned":
        return [Ticket.assignee_id.is_(None)]
    if view == "groups":
        return [Ticket.group_id.in_(_group_ids(user) or [-1])]
    return []


def _group_ids(user: User) -> list[int]:
    """The agent's groups, as literal ids (a literal list lets the database use its group index)."""
    return sorted(g.id for g in getattr(user, "groups", []) or [])


def statuses_of(filters: QueueFilter) -> list[str]:
    """The statuses a view with its status filter can hold, in a fixed order."""
    allowed = VIEW_STATUSES.get(filters.view, STATUSES)
    return [s for s in allowed if not filters.status or s in filters.status]


def queue_conditions(
    filters: QueueFilter, user: User, *, with_status: bool = True, counting: bool = False
) -> list[Any]:
    """The WHERE clauses of a queue view plus its filters (statuses included unless `with_status` is off)."""
    where = _view_clause(filters.view, user)
    if with_status:
        where.append(Ticket.status.in_(statuses_of(filters) or ["-"]))
    where.append(Ticket.merged_into_id.is_(None))
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
        where.append(_tag_clause(filters.tag, counting=counting))
    if filters.q and filters.ticket_ids is None:
        filters.ticket_ids = search_ticket_ids(filters.q, user)
    if filters.ticket_ids is not None:
        where.append(Ticket.id.in_(filters.ticket_ids or [-1]))
    elif filters.q:
        where.append(_text_match(filters.q.strip()))
    return where


def _tag_clause(tag: str, *, counting: bool = False) -> Any:
    """A rare tag is read from its index first; a common one is checked row by row along the queue's order
    (a count, which stops at its cap anyway, always starts from the tag)."""
    from portal.extensions import db

    if counting:
        return Ticket.id.in_(sa.select(TicketTag.ticket_id).where(TicketTag.name == tag))
    capped = sa.select(sa.literal(1)).where(TicketTag.name == tag).limit(TAG_DRIVES_BELOW).subquery()
    seen = db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0
    if seen < TAG_DRIVES_BELOW:
        return Ticket.id.in_(sa.select(TicketTag.ticket_id).where(TicketTag.name == tag))
    return sa.exists().where(TicketTag.ticket_id == Ticket.id, TicketTag.name == tag)


def _text_match(q: str) -> Any:
    number = q.lstrip("#")
    if number.isdigit() and len(number) < 12:
        return Ticket.ref == int(number)  # "#1042" or "1042" is a reference: one indexed look-up
    return Ticket.subject.ilike(f"%{q}%")


def _after(key: Any, descending: bool, value: Any, last_id: int, nullable: bool) -> Any:
    """Rows after (value, last_id) in the order (key, id), NULL keys last whichever the direction."""
    if value is None:
        return sa.and_(key.is_(None), Ticket.id < last_id if descending else Ticket.id > last_id)
    if descending:
        later = sa.or_(key < value, sa.and_(key == value, Ticket.id < last_id))
    else:
        later = sa.or_(key > value, sa.and_(key == value, Ticket.id > last_id))
    return sa.or_(later, key.is_(None)) if nullable else later


def _splits(filters: QueueFilter, user: User) -> list[list[Any]]:
    """One equality condition set per branch: each status (and each group for "my groups"), so that every
    branch reads one index range in the queue's order and stops after a page, on SQLite as on PostgreSQL."""
    statuses = statuses_of(filters)
    if filters.view == "groups" and not filters.group_id:
        return [[Ticket.group_id == g, Ticket.status == s] for g in _group_ids(user) for s in statuses]
    return [[Ticket.status == s] for s in statuses]


def queue_page(filters: QueueFilter, user: User, *, after: list[Any] | None, limit: int) -> sa.Select:
    """One page of the queue, ordered by the chosen sort then id, starting after the cursor's key.

    Built as a UNION ALL of small ordered branches (see `_splits`) whose best rows are merged and cut to a page.
    """
    where = queue_conditions(filters, user, with_status=False)
    splits = _splits(filters, user)
    if filters.sort == "priority":
        branches = _priority_branches(where, splits, after, limit)
        order = ("rank", True)
    else:
        branches = _sort_branches(filters.sort, where, splits, after, limit)
        order = ("key", SORTS.get(filters.sort, SORTS["updated"])[1] == "desc")
    if not branches:
        return sa.select(Ticket).where(sa.false())
    merged = sa.union_all(*branches).subquery("page")
    keys = [merged.c[order[0]]] + ([merged.c.updated_at] if filters.sort == "priority" else [])
    nullable = filters.sort != "priority" and bool(
        getattr(SORTS.get(filters.sort, SORTS["updated"])[0], "nullable", False)
    )
    ordering = [(k.desc() if order[1] else k.asc()) for k in keys]
    if nullable:
        ordering = [o.nulls_last() for o in ordering]
    ordering.append(merged.c.id.desc() if order[1] else merged.c.id.asc())
    return (
        sa.select(Ticket)
        .join(merged, merged.c.id == Ticket.id)
        # A page never shows assignees' groups nor customers' identities: not loaded.
        .options(defaultload(Ticket.assignee).lazyload(User.groups))
        .options(defaultload(Ticket.customer).lazyload(Customer.identities))
        .order_by(*ordering)
        .limit(limit)
    )


def _sort_branches(
    sort: str, where: list[Any], splits: list[list[Any]], after: list[Any] | None, limit: int
) -> list[sa.Select]:
    column, direction = SORTS.get(sort, SORTS["updated"])
    descending = direction == "desc"
    nullable = bool(getattr(column, "nullable", False))
    keyset = None
    if after:
        if len(after) != 2:
            raise ValueError("cursor of another sort")
        keyset = _after(column, descending, _coerce(column, after[0]), int(after[1]), nullable)
    key = column.desc() if descending else column.asc()
    if nullable:
        key = key.nulls_last()
    branches = []
    for split in splits:
        branch = sa.select(Ticket.id, column.label("key")).where(*where, *split)
        if keyset is not None:
            branch = branch.where(keyset)
        branch = branch.order_by(key, Ticket.id.desc() if descending else Ticket.id.asc()).limit(limit)
        branches.append(sa.select(branch.subquery()))
    return branches


def _priority_branches(
    where: list[Any], splits: list[list[Any]], after: list[Any] | None, limit: int
) -> list[sa.Select]:
    """Most urgent first, then most recently updated: branches per priority as well."""
    rank_after = None
    if after:
        if len(after) != 3:
            raise ValueError("cursor of another sort")
        rank_after, at, last_id = int(after[0]), datetime.fromisoformat(after[1]), int(after[2])
    branches = []
    for rank, priority in zip((4, 3, 2, 1), PRIORITY_ORDER, strict=True):
        if rank_after is not None and rank > rank_after:
            continue
        for split in splits:
            branch = sa.select(Ticket.id, sa.literal(rank).label("rank"), Ticket.updated_at).where(
                *where, *split, Ticket.priority == priority
            )
            if rank_after == rank:
                branch = branch.where(_after(Ticket.updated_at, True, at, last_id, False))
            branch = branch.order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(limit)
            branches.append(sa.select(branch.subquery()))
    return branches


def _coerce(key: Any, value: Any) -> Any:
    if isinstance(value, str) and isinstance(
        getattr(key, "type", None), sa.types.TypeDecorator | sa.DateTime
    ):
        return datetime.fromisoformat(value)
    return value


def cursor_of(ticket: Ticket, sort: str) -> list[Any]:
    """The sort key of a ticket, for the next page's cursor."""
    if sort == "priority":
        rank = {"urgent": 4, "high": 3, "normal": 2, "low": 1}.get(ticket.priority, 0)
        return [rank, ticket.updated_at.isoformat(), ticket.id]
    column = SORTS.get(sort, SORTS["updated"])[0]
    return [getattr(ticket, column.key), ticket.id]


def queue_count(filters: QueueFilter, user: User, *, cap: int | None = None) -> sa.Select:
    """How many tickets the view with these filters holds (counting stops at `cap` when given)."""
    if cap is None:
        return sa.select(sa.func.count()).select_from(Ticket).where(*queue_conditions(filters, user))
    where = queue_conditions(filters, user, counting=True)
    capped = sa.select(sa.literal(1)).select_from(Ticket).where(*where).limit(cap)
    return sa.select(sa.func.count()).select_from(capped.subquery())


def view_counts(user: User, *, cap: int = COUNT_CAP) -> dict[str, sa.Select]:
    """A count query per queue view (shown beside the view names), each stopping at `cap`."""
    return {view: queue_count(QueueFilter(view=view), user, cap=cap) for view in VIEWS}


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
    quiet = defaultload(Ticket.assignee).lazyload(User.groups)
    return stmt.options(quiet).order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
