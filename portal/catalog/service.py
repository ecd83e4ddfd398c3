"""What happens to catalog requests: filing (once, however often it is sent), approval, tasks, cancelling,
fulfilling by hand and retrying; and saving item definitions. Flushes, never commits.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.catalog import answers as answer_text
from portal.catalog import definition, notify, policy
from portal.catalog.fulfilment import (
    event,
    fulfil,
    note,
    queue_action,
    summary,
    tell_customer,
    ticket_of,
    timeline,
)
from portal.catalog.labels import EVENT_LABELS
from portal.catalog.models import CatalogItem, CatalogRequest, RequestTask
from portal.core import searchable
from portal.core.db import utcnow
from portal.core.errors import DomainError, Forbidden, ValidationFailed
from portal.customers.models import Customer
from portal.customers.service import Hints
from portal.extensions import db
from portal.tickets import service as tickets
from portal.tickets.inbound import Inbound, InboundAttachment
from portal.tickets.intake import receive
from portal.tickets.models import Ticket


def hints_for(customer: Customer) -> Hints:
    """Identity hints that lead the one door back to this very customer (strongest identity first)."""
    by_kind = {i.kind: i.value for i in reversed(customer.identities)}
    return Hints(
        user_id=customer.user_id,
        email=by_kind.get("email") or customer.email,
        chat=by_kind.get("chat"),
        phone=None if (customer.user_id or by_kind.get("email")) else by_kind.get("phone"),
        name=customer.name or None,
    )


def submission_key(owner: str, key: str | None) -> str | None:
    """The stored form of a client's submission key, scoped to who sent it (a fixed-length digest)."""
    key = (key or "").strip()
    if not key:
        return None
    return hashlib.sha256(f"{owner}\x00{key[:200]}".encode()).hexdigest()


def find_duplicate(dedupe_key: str | None) -> CatalogRequest | None:
    """The request already filed with this submission key, if any."""
    if not dedupe_key:
        return None
    return db.session.scalar(sa.select(CatalogRequest).where(CatalogRequest.dedupe_key == dedupe_key))


def submit(
    item: CatalogItem,
    answers: dict[str, Any],
    *,
    customer: Customer,
    actor: User | None,
    locale: str,
    dedupe_key: str | None = None,
    uploads: list[InboundAttachment] | None = None,
    ticket: Ticket | None = None,
) -> tuple[CatalogRequest, bool]:
    """File a request (answers already validated); (the request, False) when this submission was filed before.

    An agent filing from a customer's ticket passes `ticket`: the request joins that conversation.
    """
    if not policy.can_request(actor, item, customer if getattr(actor, "is_staff", False) else None):
        raise Forbidden(str(_l("This service is not available to this customer.")))
    existing = find_duplicate(dedupe_key)
    if existing is not None:
        return existing, False
    on_behalf = bool(getattr(actor, "is_staff", False))
    req = CatalogRequest(
        uid=uuid.uuid4().hex,
        dedupe_key=dedupe_key,
        item_id=item.id,
        item=item,
        customer_id=customer.id,
        requested_by_id=actor.id if actor else None,
        state="submitted",
        locale=locale if locale in current_app.config["LOCALES"] else "ko",
        answers=answers,
    )
    db.session.add(req)
    db.session.flush()  # a second copy of the same submission stops here, at the unique key
    event(req, "filed_for_customer" if on_behalf else "submitted", actor)
    _open_conversation(req, item, customer, actor, uploads or [], ticket)
    proceed(req, actor)
    return req, True


def _open_conversation(
    req: CatalogRequest,
    item: CatalogItem,
    customer: Customer,
    actor: User | None,
    uploads: list[InboundAttachment],
    ticket: Ticket | None,
) -> None:
    text = answer_text.as_text(item.fields or [], req.answers, req.locale)
    if ticket is not None:
        req.ticket_id = ticket.id
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            head = _("Catalog request filed for the customer: %(item)s", item=item.text("name", "ko"))
        tickets.add_reply(ticket, actor, f"{head}\n\n{text}", internal=True, uploads=uploads)  # type: ignore[arg-type]
        timeline(req, summary(req, EVENT_LABELS["filed_for_customer"]))
        return
    result = receive(
        Inbound(
            channel="catalog",
            sender=hints_for(customer),
            subject=item.text("name", req.locale),
            text=text or item.text("name", req.locale),
            external_id=f"catalog:{req.uid}",
            attachments=uploads,
            group_id=item.group_id,
            tags=["catalog", f"catalog-{item.slug}"],
            context={"catalog_item": item.slug},  # what routing rules' "catalog item" condition reads
            notify=item.fulfilment != "auto",  # an automatic answer follows within seconds
            meta={
                "catalog_request": req.id,
                "filed_by": actor.name if getattr(actor, "is_staff", False) else None,
            },
        ),
        actor=actor,
    )
    req.ticket_id = result.ticket.id
    req.customer_id = result.customer.id


def proceed(req: CatalogRequest, actor: Any = None) -> None:
    """Move a new request on by its item's fulfilment: approval first, then the action, tasks, or done."""
    item = req.item
    if item.fulfilment == "approval" and req.decided_at is None:
        req.state = "awaiting_approval"
        event(req, "approval_requested", actor)
        ticket = ticket_of(req)
        if ticket is not None:
            tickets.update_ticket(
                ticket,
                None,
                group=item.approver_group if item.approver_group_id else "keep",
                assignee=item.approver_user if item.approver_user_id else "keep",
            )
        notify.approvers(req)
        return
    req.state = "in_progress"
    if item.action and item.fulfilment != "manual":
        event(req, "queued", actor)
        queue_action(req)
    elif item.checklist or item.fulfilment == "manual":
        start_tasks(req)
    else:
        fulfil(req, automatic=False, actor=actor if getattr(actor, "is_staff", False) else None)


def start_tasks(req: CatalogRequest) -> None:
    """A person's work: the checklist as tasks, the ticket with the item's group."""
    for position, title in enumerate(req.item.checklist or []):
        db.session.add(RequestTask(request_id=req.id, position=position, title=title))
    event(req, "tasks_created", count=len(req.item.checklist or []))
    ticket = ticket_of(req)
    if ticket is not None and req.item.group_id and ticket.group_id != req.item.group_id:
        tickets.update_ticket(ticket, None, group=req.item.group)
    if req.item.checklist:
        note(req, "\n".join(["☐ " + t for t in req.item.checklist]))


def _require(ok: bool, message: Any, status: int = 403) -> None:
    if not ok:
        raise DomainError(str(message), code="forbidden" if status == 403 else "conflict", status=status)


def approve(req: CatalogRequest, actor: User, comment: str = "") -> None:
    """An approver says yes: the action (or the tasks) start."""
    _require(req.state == "awaiting_approval", _l("This request is not waiting for approval."), 409)
    _require(policy.is_approver(actor, req.item), _l("Only the item's approvers decide this request."))
    req.decided_by_id, req.decided_at, req.decision_comment = actor.id, utcnow(), comment.strip() or None
    event(req, "approved", actor, comment=req.decision_comment)
    timeline(req, summary(req, EVENT_LABELS["approved"]))
    proceed(req, actor)


def reject(req: CatalogRequest, actor: User, comment: str = "") -> None:
    """An approver says no; the customer reads why."""
    _require(req.state == "awaiting_approval", _l("This request is not waiting for approval."), 409)
    _require(policy.is_approver(actor, req.item), _l("Only the item's approvers decide this request."))
    req.state = "rejected"
    req.decided_by_id, req.decided_at, req.decision_comment = actor.id, utcnow(), comment.strip() or None
    event(req, "rejected", actor, comment=req.decision_comment)
    with force_locale(req.locale):
        text = _("Your request “%(item)s” was not approved.", item=req.item.text("name", req.locale))
        if req.decision_comment:
            text += "\n" + _("Reason: %(reason)s", reason=req.decision_comment)
    tell_customer(req, text, status="solved", actor=actor)
    timeline(req, summary(req, EVENT_LABELS["rejected"]))


def cancel(req: CatalogRequest, actor: Any) -> None:
    """Withdraw an open request (the customer before anyone acted; staff any time it is open)."""
    _require(policy.can_cancel(actor, req), _l("This request can no longer be cancelled."), 409)
    req.state = "cancelled"
    event(req, "cancelled", actor if getattr(actor, "is_authenticated", False) else None)
    ticket = ticket_of(req)
    if ticket is not None:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            note(req, _("The request was cancelled."), actor)
        tickets.update_ticket(ticket, actor if getattr(actor, "is_staff", False) else None, status="solved")
    timeline(req, summary(req, EVENT_LABELS["cancelled"]))


def set_task(req: CatalogRequest, task: RequestTask, actor: User, done: bool) -> None:
    """Tick or untick a task; the last one ticked fulfils the request."""
    _require(policy.can_work(actor), _l("Only agents work requests."))
    _require(req.state == "in_progress", _l("This request is not in progress."), 409)
    if done == (task.done_at is not None):
        return
    task.done_at, task.done_by_id = (utcnow(), actor.id) if done else (None, None)
    event(req, "task_done" if done else "task_reopened", actor, title=task.title)
    db.session.flush()
    open_tasks = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RequestTask)
        .where(RequestTask.request_id == req.id, RequestTask.done_at.is_(None))
    )
    if done and not open_tasks:
        fulfil(req, automatic=False, actor=actor)


def fulfil_by_hand(req: CatalogRequest, actor: User, comment: str = "") -> None:
    """An agent did the work (after a failed action, or a manual item without tasks)."""
    _require(policy.can_work(actor), _l("Only agents work requests."))
    _require(req.state in ("in_progress", "failed"), _l("Only open requests can be fulfilled."), 409)
    if comment.strip():
        req.result = {**(req.result or {}), "note": comment.strip()[:2000]}
    fulfil(req, automatic=False, actor=actor)


def retry(req: CatalogRequest, actor: User) -> None:
    """Run a failed action again (the same idempotency key: the receiving system sees the same request)."""
    _require(policy.can_work(actor), _l("Only agents work requests."))
    _require(req.state == "failed" and bool(req.item.action), _l("Only a failed action can be retried."), 409)
    req.state = "in_progress"
    event(req, "retried", actor)
    queue_action(req)


def save_item(item: CatalogItem | None, data: dict[str, Any]) -> CatalogItem:
    """Create or change an item from its definition (validated here, whoever sends it)."""
    values = definition.clean_item(data, existing=item)
    if item is None:
        item = CatalogItem()
        db.session.add(item)
    for key, value in values.items():
        setattr(item, key, value)
    item.updated_at = utcnow()
    db.session.flush()
    searchable.changed(db.session, "catalog", item.id)
    return item


def import_items(items: list[Any]) -> tuple[int, int]:
    """Create or update items from an exported file (matched by slug); (created, updated)."""
    if not isinstance(items, list):
        raise ValidationFailed([(None, str(_l("The file must hold a list of items.")))])
    created = updated = 0
    for n, data in enumerate(items):
        slug = str(data.get("slug") or "") if isinstance(data, dict) else ""
        existing = db.session.scalar(sa.select(CatalogItem).where(CatalogItem.slug == slug)) if slug else None
        try:
            save_item(existing, data)
        except ValidationFailed as failed:
            raise ValidationFailed(
                [(f"items.{n}.{f or ''}".rstrip("."), r) for f, r in failed.errors]
            ) from None
        created, updated = (created, updated + 1) if existing else (created + 1, updated)
    return created, updated
