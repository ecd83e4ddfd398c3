"""Customers: resolving identities to one customer, editing, merging and un-merging, and the timeline.

Services flush, never commit. Other domains move their own rows during a merge through the
customers_merging / customers_unmerging signals and note what they moved with `note_moved`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified

from portal.core import signals
from portal.core.db import utcnow
from portal.core.errors import DomainError, ValidationFailed
from portal.customers import identities
from portal.customers.models import TIERS, Customer, CustomerMerge, Identity, TimelineEntry
from portal.extensions import db

MERGE_FIELDS = (
    "name",
    "name_key",
    "email",
    "phone",
    "tier",
    "locale",
    "timezone",
    "address",
    "notes",
    "user_id",
    "merged_into_id",
)


@dataclass
class Hints:
    """What a channel knows about who wrote: any of these may be missing."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None
    chat: str | None = None
    user_id: int | None = None
    locale: str | None = None

    def pairs(self) -> list[tuple[str, str]]:
        """(kind, normalized value) in the order they identify someone: account, email, chat, phone."""
        raw = [("portal", self.user_id), ("email", self.email), ("chat", self.chat), ("phone", self.phone)]
        result = []
        for kind, value in raw:
            normalized = identities.normalize(kind, str(value) if value is not None else None)
            if normalized:
                result.append((kind, normalized))
        return result


def find_by_identity(kind: str, value: str) -> Customer | None:
    """The customer holding this identity (a shared phone counts only when one customer has it)."""
    owner = _sole_owner(kind, value)
    return None if owner is None else live(db.session.get(Customer, owner))


def _sole_owner(kind: str, value: str) -> int | None:
    normalized = identities.normalize(kind, value)
    if not normalized:
        return None
    owners = db.session.scalars(
        sa.select(Identity.customer_id).where(Identity.kind == kind, Identity.value == normalized).limit(2)
    ).all()
    return owners[0] if len(owners) == 1 else None


def live(customer: Customer | None) -> Customer | None:
    """Follow merges to the customer that now holds the history."""
    seen = 0
    while customer is not None and customer.merged_into_id and seen < 20:
        customer = db.session.get(Customer, customer.merged_into_id)
        seen += 1
    return customer


def resolve_customer(hints: Hints, *, create: bool = True) -> tuple[Customer | None, bool]:
    """The customer these hints identify (strongest identity first), else a new one holding all the hints."""
    pairs = hints.pairs()
    customer, found_by = None, None
    for kind, value in pairs:
        owner = _sole_owner(kind, value)
        customer = None if owner is None else live(db.session.get(Customer, owner))
        if customer is not None:
            found_by = (kind, value) if owner == customer.id else None  # already theirs: no need to add it
            break
    created = False
    if customer is None:
        if not create or not pairs:
            return None, False
        customer = create_customer(name=hints.name or "", locale=hints.locale)
        created = True
    for kind, value in pairs:
        if (kind, value) != found_by:
            add_identity(customer, kind, value, quiet=True)
    if hints.name and not customer.name:
        customer.name, customer.name_key = hints.name.strip()[:200], identities.name_key(hints.name)
    return customer, created


def create_customer(
    *,
    name: str = "",
    email: str | None = None,
    phone: str | None = None,
    tier: str = "standard",
    locale: str | None = None,
    user_id: int | None = None,
) -> Customer:
    """A new customer with the identities given."""
    customer = Customer(
        name=(name or "").strip()[:200],
        name_key=identities.name_key(name),
        tier=tier,
        locale=locale,
        user_id=user_id,
    )
    db.session.add(customer)
    db.session.flush()
    if email:
        add_identity(customer, "email", email)
    if phone:
        add_identity(customer, "phone", phone)
    if user_id:
        add_identity(customer, "portal", str(user_id), verified=True)
    signals.customer_created.send(customer)
    return customer


def add_identity(
    customer: Customer, kind: str, raw: str, *, verified: bool = False, quiet: bool = False
) -> Identity | None:
    """Attach an identity; one that belongs to someone else is refused (or skipped when `quiet`)."""
    value = identities.normalize(kind, raw)
    if not value:
        if quiet:
            return None
        raise ValidationFailed([(kind, str(_l("This %(kind)s is not valid.", kind=kind)))])
    existing = db.session.scalars(
        sa.select(Identity).where(Identity.kind == kind, Identity.value == value)
    ).all()
    for identity in existing:
        if identity.customer_id == customer.id:
            identity.verified = identity.verified or verified
            return identity
    if existing and kind != "phone":
        if quiet:
            return None
        raise ValidationFailed([(kind, str(_l("This %(kind)s belongs to another customer.", kind=kind)))])
    identity = Identity(customer_id=customer.id, kind=kind, value=value, verified=verified)
    db.session.add(identity)
    db.session.flush()
    if kind == "email" and not customer.email:
        customer.email = value
    if kind == "phone" and not customer.phone:
        customer.phone = value
    return identity


def remove_identity(customer: Customer, identity: Identity) -> None:
    """Detach an identity (the primary email moves to another address if one is left)."""
    if identity.customer_id != customer.id:
        raise DomainError("identity of another customer", status=404, code="not_found")
    db.session.delete(identity)
    db.session.flush()
    if identity.kind == "email" and customer.email == identity.value:
        customer.email = db.session.scalar(
            sa.select(Identity.value)
            .where(Identity.customer_id == customer.id, Identity.kind == "email")
            .limit(1)
        )


def update_customer(
    customer: Customer,
    *,
    name: str | None = None,
    tier: str | None = None,
    locale: str | None = None,
    address: str | None = None,
    notes: str | None = None,
    timezone: str | None = None,
) -> None:
    """Edit the fields agents maintain."""
    if tier is not None and tier not in TIERS:
        raise ValidationFailed([("tier", str(_l("Unknown tier.")))])
    if name is not None:
        customer.name, customer.name_key = name.strip()[:200], identities.name_key(name)
    for attr, value in (
        ("tier", tier),
        ("locale", locale),
        ("address", address),
        ("notes", notes),
        ("timezone", timezone),
    ):
        if value is not None:
            setattr(customer, attr, value)


def record(
    customer_id: int,
    kind: str,
    summary: str,
    *,
    channel: str | None = None,
    ticket_id: int | None = None,
    ticket_ref: str | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    url: str | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    """Add one event to a customer's timeline."""
    entry = TimelineEntry(
        customer_id=customer_id,
        kind=kind,
        summary=(summary or "")[:300],
        channel=channel,
        ticket_id=ticket_id,
        ticket_ref=ticket_ref,
        subject_type=subject_type,
        subject_id=subject_id,
        url=url,
        at=at or utcnow(),
    )
    db.session.add(entry)
    return entry


def note_moved(merge: CustomerMerge, key: str, ids: list[int]) -> None:
    """A domain records the ids of its rows that a merge moved, for an exact un-merge."""
    snapshot = dict(merge.snapshot)
    moved = dict(snapshot.get("moved", {}))
    moved[key] = sorted(set(moved.get(key, [])) | set(ids))
    snapshot["moved"] = moved
    merge.snapshot = snapshot
    flag_modified(merge, "snapshot")


def moved_ids(merge: CustomerMerge, key: str) -> list[int]:
    """The ids of rows of this kind that the merge moved."""
    return list(merge.snapshot.get("moved", {}).get(key, []))


def follows_merges(model: Any, key: str, column: str = "customer_id") -> None:
    """Rows of `model` whose `column` names a customer move with them through a merge and come back on un-merge
    (each domain declares its tables once, at import; `key` names the rows in the merge's record)."""

    def move(merge: CustomerMerge, survivor: Customer, other: Customer, **_: Any) -> None:
        _move(model, merge, key, other.id, survivor.id, column)

    def restore(merge: CustomerMerge, survivor: Customer, other: Customer, **_: Any) -> None:
        ids = moved_ids(merge, key)
        if ids:
            col = getattr(model, column)
            db.session.execute(
                sa.update(model).where(model.id.in_(ids), col == survivor.id).values({column: other.id})
            )

    signals.customers_merging.connect(move, weak=False)
    signals.customers_unmerging.connect(restore, weak=False)


def _fields(customer: Customer) -> dict[str, Any]:
    return {name: getattr(customer, name) for name in MERGE_FIELDS}


def _move(
    model: Any, merge: CustomerMerge, key: str, source: int, target: int, column: str = "customer_id"
) -> None:
    col = getattr(model, column)
    ids = db.session.scalars(sa.select(model.id).where(col == source)).all()
    if ids:
        db.session.execute(sa.update(model).where(model.id.in_(ids)).values({column: target}))
        note_moved(merge, key, list(ids))


def merge_customers(survivor: Customer, other: Customer, *, actor: Any) -> CustomerMerge:
    """Move all of `other`'s history to `survivor` and record exactly what moved; nothing is deleted."""
    if survivor.id == other.id:
        raise ValidationFailed([("other_id", str(_l("A customer cannot be merged with itself.")))])
    if survivor.merged_into_id or other.merged_into_id:
        raise DomainError(str(_l("One of these customers was already merged.")), code="conflict")
    merge = CustomerMerge(
        survivor_id=survivor.id,
        other_id=other.id,
        actor_id=getattr(actor, "id", None),
        snapshot={"other": _fields(other), "survivor": _fields(survivor), "moved": {}},
    )
    db.session.add(merge)
    db.session.flush()
    _move(Identity, merge, "identities", other.id, survivor.id)
    _move(TimelineEntry, merge, "timeline", other.id, survivor.id)
    signals.customers_merging.send(merge, survivor=survivor, other=other)
    survivor.email = survivor.email or other.email
    survivor.phone = survivor.phone or other.phone
    survivor.name = survivor.name or other.name
    survivor.name_key = identities.name_key(survivor.name)
    if not survivor.user_id and other.user_id:
        # The other's portal account now signs in to the survivor (restored by un-merge).
        user_id, other.user_id = other.user_id, None
        db.session.flush()  # free the unique account link before the survivor takes it
        survivor.user_id = user_id
    other.merged_into_id = survivor.id
    if (tiers := TIERS).index(other.tier) > tiers.index(survivor.tier):
        survivor.tier = other.tier
    db.session.flush()
    record(
        survivor.id,
        "merge",
        str(_l("Merged with %(name)s", name=other.display_name)),
        subject_type="merge",
        subject_id=merge.id,
    )
    db.session.expire(survivor, ["identities"])
    return merge


def unmerge(merge: CustomerMerge, *, actor: Any) -> tuple[Customer, Customer]:
    """Undo a merge: both customers as they were, with their identities, tickets and history."""
    if merge.undone_at is not None:
        raise DomainError(str(_l("This merge was already undone.")), code="conflict")
    survivor, other = merge.survivor, merge.other
    if survivor.merged_into_id:
        raise DomainError(str(_l("Undo the later merge of this customer first.")), code="conflict")
    later = db.session.scalar(
        sa.select(CustomerMerge.id).where(
            CustomerMerge.survivor_id == survivor.id,
            CustomerMerge.undone_at.is_(None),
            CustomerMerge.id > merge.id,
        )
    )
    if later:
        raise DomainError(str(_l("Undo the later merge of this customer first.")), code="conflict")
    signals.customers_unmerging.send(merge, survivor=survivor, other=other)
    for model, key in ((Identity, "identities"), (TimelineEntry, "timeline")):
        ids = moved_ids(merge, key)
        if ids:
            db.session.execute(
                sa.update(model)
                .where(model.id.in_(ids), model.customer_id == survivor.id)
                .values(customer_id=other.id)
            )
    before = merge.snapshot
    if before["survivor"].get("user_id") is None and survivor.user_id == before["other"].get("user_id"):
        survivor.user_id = None
        db.session.flush()
    for name in MERGE_FIELDS:
        setattr(other, name, before["other"][name])
        if name not in ("merged_into_id",) and name in before["survivor"]:
            setattr(survivor, name, before["survivor"][name])
    merge.undone_at = utcnow()
    merge.undone_by_id = getattr(actor, "id", None)
    db.session.execute(
        sa.delete(TimelineEntry).where(
            TimelineEntry.subject_type == "merge", TimelineEntry.subject_id == merge.id
        )
    )
    db.session.flush()
    db.session.expire(survivor, ["identities"])
    db.session.expire(other, ["identities"])
    return survivor, other


def _email_similar(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    local_a, _, domain_a = a.partition("@")
    local_b, _, domain_b = b.partition("@")
    if local_a == local_b:
        return True
    matcher = SequenceMatcher(None, a, b)  # the quick upper bounds first: common names have many namesakes
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def suggest_duplicates(customer: Customer, limit: int = 5) -> list[tuple[Customer, str]]:
    """Customers who look like the same person (same phone, or same name and a similar address).

    Only suggestions: nothing merges by itself.
    """
    found: dict[int, tuple[Customer, str]] = {}
    phones = [i.value for i in customer.identities if i.kind == "phone"]
    if phones:
        rows = db.session.scalars(
            sa.select(Customer)
            .join(Identity, Identity.customer_id == Customer.id)
            .where(
                Identity.kind == "phone",
                Identity.value.in_(phones),
                Customer.id != customer.id,
                Customer.merged_into_id.is_(None),
            )
            .limit(limit)
        ).all()
        for row in rows:
            found[row.id] = (row, str(_l("same phone number")))
    if customer.name_key:
        emails = [i.value for i in customer.identities if i.kind == "email"]
        rows = db.session.scalars(
            sa.select(Customer)
            .where(
                Customer.name_key == customer.name_key,
                Customer.id != customer.id,
                Customer.merged_into_id.is_(None),
            )
            .limit(50)
        ).all()
        for row in rows:
            theirs = [i.value for i in row.identities if i.kind == "email"]
            if row.id not in found and any(_email_similar(a, b) for a in emails for b in theirs):
                found[row.id] = (row, str(_l("same name and a similar email address")))
    return list(found.values())[:limit]


def customer_for_user(user: Any) -> Customer | None:
    """The customer record a portal account signs in as (following merges)."""
    if not getattr(user, "is_authenticated", False):
        return None
    customer = db.session.scalar(sa.select(Customer).where(Customer.user_id == user.id))
    return live(customer)


def attach_account(user: Any) -> Customer:
    """Give a new customer account its customer: the one already known by its email (a guest's history), or new."""
    customer = find_by_identity("email", user.email)
    if customer is not None and customer.user_id is None:
        customer.user_id = user.id
        add_identity(customer, "portal", str(user.id), verified=True)
        if not customer.name:
            customer.name, customer.name_key = user.name, identities.name_key(user.name)
        db.session.flush()
        return customer
    return create_customer(
        name=user.name, email=user.email if customer is None else None, user_id=user.id, locale=user.locale
    )


@signals.user_created.connect
def _on_user_created(user: Any, **_: Any) -> None:
    if user.role == "customer":
        attach_account(user)
