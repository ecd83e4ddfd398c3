"""Read-side selects for the catalog: items a person may see, requests by state, a request's history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import User, group_members
from portal.catalog.models import CatalogItem, CatalogRequest, RequestEvent, RequestTask

DESK_VIEWS = ("approvals", "failed", "open", "all")


def active_items() -> sa.Select:
    """Active items in the admin's order."""
    return (
        sa.select(CatalogItem)
        .where(CatalogItem.active.is_(True))
        .order_by(CatalogItem.position, CatalogItem.id)
    )


def all_items() -> sa.Select:
    """Every item, for admins."""
    return sa.select(CatalogItem).order_by(CatalogItem.active.desc(), CatalogItem.position, CatalogItem.id)


def item_by_slug(slug: str) -> sa.Select:
    """One item by its web address."""
    return sa.select(CatalogItem).where(CatalogItem.slug == slug)


def events(request_id: int) -> sa.Select:
    """A request's history, oldest first."""
    return sa.select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id)


def tasks(request_id: int) -> sa.Select:
    """A request's checklist, in order."""
    return sa.select(RequestTask).where(RequestTask.request_id == request_id).order_by(RequestTask.position)


def for_ticket(ticket_id: int) -> sa.Select:
    """Requests whose conversation is this ticket, newest first."""
    return (
        sa.select(CatalogRequest)
        .where(CatalogRequest.ticket_id == ticket_id)
        .order_by(CatalogRequest.id.desc())
        .limit(5)
    )


def _approver_clause(user: User) -> Any:
    if user.role == "admin":
        return sa.true()
    mine = sa.select(group_members.c.group_id).where(group_members.c.user_id == user.id)
    items = sa.select(CatalogItem.id).where(
        sa.or_(CatalogItem.approver_user_id == user.id, CatalogItem.approver_group_id.in_(mine))
    )
    return CatalogRequest.item_id.in_(items)


def desk_requests(view: str, user: User, *, after: list[Any] | None = None, limit: int = 50) -> sa.Select:
    """Requests for agents, most recently changed first: awaiting my approval, failed, open, or all."""
    stmt = sa.select(CatalogRequest)
    if view == "approvals":
        stmt = stmt.where(CatalogRequest.state == "awaiting_approval", _approver_clause(user))
    elif view == "failed":
        stmt = stmt.where(CatalogRequest.state == "failed")
    elif view == "open":
        stmt = stmt.where(
            CatalogRequest.state.in_(("submitted", "awaiting_approval", "in_progress", "failed"))
        )
    if after:
        at, last_id = datetime.fromisoformat(after[0]), int(after[1])
        stmt = stmt.where(
            sa.or_(
                CatalogRequest.updated_at < at,
                sa.and_(CatalogRequest.updated_at == at, CatalogRequest.id < last_id),
            )
        )
    return stmt.order_by(CatalogRequest.updated_at.desc(), CatalogRequest.id.desc()).limit(limit)


def approvals_count(user: User) -> sa.Select:
    """How many requests wait for this agent's decision."""
    return (
        sa.select(sa.func.count())
        .select_from(CatalogRequest)
        .where(CatalogRequest.state == "awaiting_approval", _approver_clause(user))
    )


def customer_requests(customer_id: int, *, limit: int = 20) -> sa.Select:
    """A customer's requests, newest first."""
    return (
        sa.select(CatalogRequest)
        .where(CatalogRequest.customer_id == customer_id)
        .order_by(CatalogRequest.created_at.desc(), CatalogRequest.id.desc())
        .limit(limit)
    )
