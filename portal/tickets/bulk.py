"""The same change to many tickets at once (the queue's bulk actions). Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.core.errors import ValidationFailed
from portal.extensions import db
from portal.tickets import service
from portal.tickets.models import Ticket
from portal.tickets.tags import parse_tags

BULK_MAX = 100


def tickets_for_bulk(ids: Iterable[int]) -> list[Ticket]:
    """The tickets picked on a queue page (at most BULK_MAX), loaded in one query."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise ValidationFailed([("ids", str(_l("Select at least one ticket.")))])
    if len(wanted) > BULK_MAX:
        raise ValidationFailed([("ids", str(_l("Select at most %(n)d tickets at once.", n=BULK_MAX)))])
    return list(db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(wanted)).order_by(Ticket.id)))


def bulk_update(
    tickets: list[Ticket],
    actor: User,
    *,
    status: str | None = None,
    priority: str | None = None,
    assignee: User | None | str = "keep",
    group: Group | None | str = "keep",
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
) -> int:
    """Apply one set of changes to every ticket; each records its own history. Returns how many changed."""
    removing = set(parse_tags(list(remove_tags)))
    adding = parse_tags(list(add_tags))
    if not any((status, priority, assignee != "keep", group != "keep", adding, removing)):
        raise ValidationFailed([(None, str(_l("Choose at least one change.")))])
    changed = 0
    for ticket in tickets:
        tags = [t for t in ticket.tags if t not in removing] if removing else None
        changes = service.update_ticket(
            ticket,
            actor,
            status=status,
            priority=priority,
            assignee=assignee,
            group=group,
            tags=tags,
            add_tags=adding,
        )
        changed += bool(changes)
    return changed
