"""What a rule can do to a ticket, how the builder's rows become stored actions, and how they run.

Field changes go through tickets.service.update_ticket with no actor (the history shows "System"), so every
other domain hears about them as usual; the engine records which rule did what in a "rule" event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Group, User
from portal.channels.registry import customer_locale, portal_link
from portal.core import mail
from portal.core.links import external_url
from portal.extensions import db
from portal.rules.models import RoundRobin, Rule
from portal.tickets import service as tickets
from portal.tickets.forms import PRIORITY_LABELS, STATUS_LABELS
from portal.tickets.models import PRIORITIES, Ticket
from portal.tickets.tags import parse_tags

ACTIONS: dict[str, Any] = {
    "set_group": _l("Set group"),
    "set_priority": _l("Set priority"),
    "set_status": _l("Set status"),
    "add_tags": _l("Add tags"),
    "remove_tags": _l("Remove tags"),
    "assign": _l("Assign to"),
    "round_robin": _l("Assign round-robin in group"),
    "send_email": _l("Send email"),
    "add_note": _l("Add internal note"),
}
ONE_SHOT = (
    "send_email",
    "add_note",
)  # side effects: at most once per run of the rules, never repeated by passes
RECIPIENTS = {
    "customer": _l("the customer"),
    "assignee": _l("the assignee"),
    "group": _l("the group's agents"),
}
SET_STATUSES = ("open", "pending", "solved", "closed")
PLACEHOLDERS = (
    "ticket.ref", "ticket.subject", "ticket.status", "ticket.priority", "ticket.url",
    "customer.name", "customer.email", "group.name", "assignee.name",
)  # fmt: skip
_PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_.]+)\s*\}\}")


@dataclass
class Outcome:
    """What one rule did: field changes (for loop detection) and a readable list (for the history)."""

    changes: dict[str, Any] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(
        default_factory=list
    )  # the same, structured, for a page in any language


def clean(index: int, raw: dict[str, Any]) -> tuple[dict[str, Any] | None, list[tuple[str, Any]]]:
    """One action row as typed in the builder → (stored action or None if blank, errors)."""
    kind = (raw.get("type") or "").strip()
    value = str(raw.get("value") or "").strip()
    prefix = f"actions-{index}"
    if not kind:
        return None, []
    if kind not in ACTIONS:
        return None, [(f"{prefix}-type", _l("Choose an action."))]
    if kind == "send_email":
        return _clean_email(prefix, raw, value)
    if kind in ("add_tags", "remove_tags"):
        tags = parse_tags(value)
        return (
            ({"type": kind, "value": tags}, [])
            if tags
            else (None, [(f"{prefix}-value", _l("Enter at least one tag."))])
        )
    error = _check_value(kind, value)
    if error:
        return None, [(f"{prefix}-value", error)]
    return {"type": kind, "value": value[:5000]}, []


def _check_value(kind: str, value: str) -> Any:
    if kind == "set_priority" and value not in PRIORITIES:
        return _l("Choose a priority.")
    if kind == "set_status" and value not in SET_STATUSES:
        return _l("Choose a status.")
    if kind == "set_group" and not (value.isdigit() and db.session.get(Group, int(value))):
        return _l("Choose a group from the list.")
    if kind == "round_robin" and value and not (value.isdigit() and db.session.get(Group, int(value))):
        return _l("Choose a group from the list.")
    if kind == "assign":
        user = db.session.get(User, int(value)) if value.isdigit() else None
        if user is None or not user.is_staff:
            return _l("Choose an agent from the list.")
    if kind == "add_note":
        if not value:
            return _l("Write the note.")
        return _unknown_placeholder(value)
    return None


def _unknown_placeholder(text: str) -> Any:
    for name in _PLACEHOLDER.findall(text or ""):
        if name not in PLACEHOLDERS:
            return _l("Unknown placeholder {{%(name)s}}.", name=name)
    return None


def _clean_email(
    prefix: str, raw: dict[str, Any], to: str
) -> tuple[dict[str, Any] | None, list[tuple[str, Any]]]:
    texts = {k: str(raw.get(k) or "").strip() for k in ("subject", "body", "subject_en", "body_en")}
    errors: list[tuple[str, Any]] = []
    if to not in RECIPIENTS:
        errors.append((f"{prefix}-value", _l("Choose who gets the mail.")))
    if not texts["subject"]:
        errors.append((f"{prefix}-subject", _l("Write a subject.")))
    if not texts["body"]:
        errors.append((f"{prefix}-body", _l("Write the message.")))
    for key, text in texts.items():
        problem = _unknown_placeholder(text)
        if problem:
            errors.append((f"{prefix}-{key}", problem))
    if errors:
        return None, errors
    return {"type": "send_email", "value": to, **{k: v[:10000] for k, v in texts.items()}}, []


FIELD_ACTIONS = ("set_group", "set_priority", "set_status", "add_tags", "remove_tags", "assign")


def apply_all(
    rule: Rule, actions: list[dict[str, Any]], ticket: Ticket, outcome: Outcome, *, one_shots: bool = True
) -> None:
    """Run a rule's actions: field changes together (one update, one announcement), then round-robin, mail and
    notes in order, so that these see the fields as the rule left them. Flushes; a no-op records nothing."""
    fields = field_changes([a for a in actions if a.get("type") in FIELD_ACTIONS], ticket)
    if fields:
        _record(tickets.update_ticket(ticket, None, **fields), ticket, outcome)
    for action in actions:
        kind = action.get("type")
        if kind == "round_robin":
            _record(
                _round_robin(ticket, int(action["value"]) if action.get("value") else ticket.group_id),
                ticket,
                outcome,
            )
        elif kind in ONE_SHOT and one_shots:
            apply_one_shot(rule, action, ticket, outcome)


def field_changes(actions: list[dict[str, Any]], ticket: Ticket) -> dict[str, Any]:
    """The update_ticket arguments for a rule's field actions (later actions win, tags accumulate)."""
    fields: dict[str, Any] = {}
    tags: list[str] | None = None
    for action in actions:
        kind, value = action.get("type"), action.get("value")
        if kind == "set_group":
            group = db.session.get(Group, int(value)) if str(value or "").isdigit() else None
            if group is not None:  # a group deleted since the rule was saved: leave the ticket's group alone
                fields["group"] = group
        elif kind in ("set_priority", "set_status"):
            fields[kind.removeprefix("set_")] = value
        elif kind == "add_tags":
            current = tags if tags is not None else ticket.tags
            tags = current + [t for t in value or [] if t not in current]
        elif kind == "remove_tags":
            tags = [t for t in (tags if tags is not None else ticket.tags) if t not in (value or [])]
        elif kind == "assign":
            user = db.session.get(User, int(value)) if str(value or "").isdigit() else None
            if user is not None and user.active and user.is_staff:
                fields["assignee"] = user
    if tags is not None:
        fields["tags"] = tags
    return fields


def apply_one_shot(rule: Rule, action: dict[str, Any], ticket: Ticket, outcome: Outcome) -> None:
    """Send the rule's mail or leave its internal note."""
    if action.get("type") == "send_email":
        _send_email(rule, action, ticket, outcome)
        return
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # notes are for the desk: its language
        text = render_text(action["value"], ticket)
    note = tickets.add_reply(ticket, None, text, internal=True, author_kind="system")  # type: ignore[arg-type]
    note.author_name = rule.name[:200]
    outcome.done.append("note")
    outcome.items.append({"field": "note"})


def _record(changes: dict[str, Any], ticket: Ticket, outcome: Outcome) -> None:
    for name, (old, new) in changes.items():
        outcome.changes[name] = (old, new)
        outcome.done.append(describe_change(name, old, new, ticket))
        outcome.items.append(change_item(name, old, new, ticket))


def change_item(name: str, old: Any, new: Any, ticket: Ticket) -> dict[str, Any]:
    """A change as data: the field and its new value (names for groups and agents)."""
    if name == "tags":
        return {"field": "tags", "added": list(new), "removed": list(old)}
    if name == "group":
        return {"field": "group", "to": ticket.group.name if ticket.group else None}
    if name == "assignee":
        return {"field": "assignee", "to": ticket.assignee.name if ticket.assignee else None}
    return {"field": name, "to": new}


def describe_change(name: str, old: Any, new: Any, ticket: Ticket) -> str:
    """A change as the history shows it: names rather than ids, tags as +added −removed."""
    if name == "tags":
        return "tags: " + " ".join([f"+{t}" for t in new] + [f"−{t}" for t in old])
    if name == "group":
        return f"group → {ticket.group.name if ticket.group else '—'}"
    if name == "assignee":
        return f"assignee → {ticket.assignee.name if ticket.assignee else '—'}"
    return f"{name}: {old or '—'} → {new or '—'}"


def available_members(group: Group) -> list[User]:
    """Agents of a group who can take a ticket now: active staff not marked away, by id."""
    return sorted(
        (u for u in group.members if u.is_staff and u.active and u.presence != "away"), key=lambda u: u.id
    )


def next_in_turn(group: Group) -> User | None:
    """The next available member after the one assigned last (wrapping round); remembers the choice."""
    members = available_members(group)
    if not members:
        return None
    state = db.session.scalar(sa.select(RoundRobin).where(RoundRobin.group_id == group.id).with_for_update())
    if state is None:
        state = RoundRobin(group_id=group.id)
        db.session.add(state)
    last = state.last_user_id or 0
    chosen = next((u for u in members if u.id > last), members[0])
    state.last_user_id = chosen.id
    return chosen


def _round_robin(ticket: Ticket, group_id: int | None) -> dict[str, Any]:
    group = db.session.get(Group, group_id) if group_id else None
    if group is None:
        return {}
    current = ticket.assignee
    if current is not None and current in available_members(group) and ticket.group_id == group.id:
        return {}  # already with an available member of the group: nothing to do (passes stay stable)
    chosen = next_in_turn(group)
    if chosen is None:
        return tickets.update_ticket(ticket, None, group=group)
    return tickets.update_ticket(ticket, None, group=group, assignee=chosen)


def render_text(template: str, ticket: Ticket, *, for_staff: bool = True) -> str:
    """Fill {{placeholders}} from the ticket (unknown ones are left as typed)."""
    customer = ticket.customer
    values = {
        "ticket.ref": str(ticket.ref),
        "ticket.subject": ticket.subject,
        "ticket.status": str(STATUS_LABELS.get(ticket.status, ticket.status)),
        "ticket.priority": str(PRIORITY_LABELS.get(ticket.priority, ticket.priority)),
        "ticket.url": external_url("desk.ticket_page", ref=ticket.ref)
        if for_staff
        else portal_link(ticket, customer),
        "customer.name": customer.display_name,
        "customer.email": customer.email or "",
        "group.name": ticket.group.name if ticket.group else "",
        "assignee.name": ticket.assignee.name if ticket.assignee else "",
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template or "")


def _recipients(to: str, ticket: Ticket) -> list[tuple[str, str, str]]:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if to == "customer":
        customer = ticket.customer
        return [(customer.email, customer.display_name, customer_locale(customer))] if customer.email else []
    if to == "assignee":
        user = ticket.assignee
        return [(user.email, user.name, user.locale or default)] if user and user.active else []
    members = ticket.group.members if ticket.group else []
    return [(u.email, u.name, u.locale or default) for u in members if u.active and u.is_staff]


def _send_email(rule: Rule, action: dict[str, Any], ticket: Ticket, outcome: Outcome) -> None:
    to = action.get("value") or "customer"
    sent = 0
    for address, name, locale in _recipients(to, ticket):
        english = locale == "en" and action.get("subject_en") and action.get("body_en")
        subject = action["subject_en"] if english else action["subject"]
        body = action["body_en"] if english else action["body"]
        with force_locale(locale):
            text = render_text(body, ticket, for_staff=to != "customer")
            title = render_text(subject, ticket, for_staff=to != "customer")[:300]
            html = render_template("emails/rule_email.html", text=text)
        mail.queue(
            db.session,
            address,
            title,
            text,
            html,
            to_name=name,
            headers={"Auto-Submitted": "auto-generated"},
            meta={"ticket_id": ticket.id, "rule_id": rule.id},
        )
        sent += 1
    outcome.done.append(f"email → {to} ({sent})")
    outcome.items.append({"field": "email", "to": to, "count": sent})
