"""Who may see and change tickets. Used by views, the API and templates alike."""

from __future__ import annotations

from typing import Any

from portal.core.auth import is_staff
from portal.customers.service import customer_for_user
from portal.tickets.models import Message, Ticket


def can_view_ticket(user: Any, ticket: Ticket | None, *, guest_customer_id: int | None = None) -> bool:
    """Staff see every ticket; a customer sees their own; a guest sees the one their signed link names."""
    if ticket is None:
        return False
    if is_staff(user):
        return True
    if guest_customer_id is not None and ticket.customer_id == guest_customer_id:
        return True
    customer = customer_for_user(user)
    return customer is not None and ticket.customer_id == customer.id


def can_work_ticket(user: Any, ticket: Ticket) -> bool:
    """Agents change status, assignment, tags; reply publicly and internally."""
    return is_staff(user)


def can_view_message(user: Any, message: Message) -> bool:
    """Internal notes are for staff only."""
    return message.direction != "internal" or is_staff(user)


def can_customer_reply(ticket: Ticket) -> bool:
    """Customers may add to any ticket that is not closed (a solved one reopens)."""
    return ticket.status != "closed" and ticket.merged_into_id is None
