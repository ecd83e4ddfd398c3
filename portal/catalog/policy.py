"""Who may see and request items, and who may see, approve and work requests."""

from __future__ import annotations

from typing import Any

from portal.catalog.models import CatalogItem, CatalogRequest
from portal.core.auth import is_admin, is_staff
from portal.customers.models import TIERS, Customer
from portal.customers.service import customer_for_user


def tier_allows(tier: str | None, required: str | None) -> bool:
    """Whether a customer of `tier` reaches the item's lowest tier."""
    if required not in TIERS:
        return False
    return tier in TIERS and TIERS.index(tier) >= TIERS.index(required)


def can_request(user: Any, item: CatalogItem | None, customer: Customer | None = None) -> bool:
    """Everyone, signed-in customers, or customers of a tier; `customer` is the one an agent files for."""
    if item is None or not item.active:
        return False
    if item.audience == "everyone":
        return True
    if customer is None:
        if is_staff(user):
            return True  # agents see every item; whether the customer may have it is checked on filing
        customer = customer_for_user(user)
    if customer is None:
        return False
    if item.audience == "customers":
        return True
    return tier_allows(customer.tier, item.tier)


def requestable(user: Any, items: list[CatalogItem]) -> list[CatalogItem]:
    """The items `user` may request (one look-up of their customer record for the whole list)."""
    customer = None if is_staff(user) else customer_for_user(user)
    return [i for i in items if can_request(user, i, customer)]


def can_view_request(user: Any, req: CatalogRequest | None, *, guest_customer_id: int | None = None) -> bool:
    """Staff see every request; a customer their own; a guest the one their signed link names."""
    if req is None:
        return False
    if is_staff(user):
        return True
    if guest_customer_id is not None:
        return req.customer_id == guest_customer_id
    customer = customer_for_user(user)
    return customer is not None and req.customer_id == customer.id


def is_approver(user: Any, item: CatalogItem) -> bool:
    """The item's named approver, a member of its approver group, or an admin."""
    if not is_staff(user):
        return False
    if is_admin(user) or (item.approver_user_id and item.approver_user_id == user.id):
        return True
    return bool(item.approver_group_id and any(g.id == item.approver_group_id for g in user.groups))


def can_approve(user: Any, req: CatalogRequest) -> bool:
    """Approvers decide requests that wait for approval."""
    return req.state == "awaiting_approval" and is_approver(user, req.item)


def can_work(user: Any) -> bool:
    """Agents tick tasks, retry failed actions, fulfil by hand and file on a customer's behalf."""
    return is_staff(user)


def can_cancel(user: Any, req: CatalogRequest) -> bool:
    """The customer while nobody acted yet (or a manual request is still open); staff while it is open."""
    if is_staff(user):
        return req.state in ("submitted", "awaiting_approval", "in_progress", "failed")
    if req.state in ("submitted", "awaiting_approval"):
        return True
    return req.state == "in_progress" and req.item.fulfilment == "manual" and not req.item.action
