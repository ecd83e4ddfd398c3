"""Macros: saved replies with placeholders ({{ customer.name }}, {{ ticket.ref }} …) that may also set status,
priority and tags. Personal, shared with a group, or shared with everyone. Flushes, never commits.

Bodies are Jinja templates rendered in a sandbox against plain values (never models): only placeholders and
`if`, no loops, no arithmetic on strings, so that a macro cannot read or compute more than it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from jinja2 import ChainableUndefined, StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from portal.accounts.models import Group, User, group_members
from portal.core.errors import ValidationFailed
from portal.extensions import db
from portal.tickets.models import PRIORITIES, STATUSES, Macro, Ticket, TicketEvent
from portal.tickets.tags import parse_tags

BODY_MAX = 20_000
FORBIDDEN_NODES = (
    nodes.For,
    nodes.Macro,
    nodes.CallBlock,
    nodes.FilterBlock,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Extends,
    nodes.Block,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.With,
)
PLACEHOLDERS = (
    "customer.name",
    "customer.email",
    "customer.phone",
    "customer.tier",
    "ticket.ref",
    "ticket.subject",
    "ticket.status",
    "ticket.priority",
    "ticket.channel",
    "agent.name",
    "agent.email",
    "company",
)


class _Sandbox(SandboxedEnvironment):
    """Refuses the operators that could blow a short template up into a huge string."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        raise SecurityError(f"the {operator} operator is not available in macros")


_env = _Sandbox(autoescape=False, undefined=ChainableUndefined)
_strict_env = _Sandbox(autoescape=False, undefined=StrictUndefined)


@dataclass
class Applied:
    """What applying a macro to a ticket gives: the text for the reply box and the changes it asks for."""

    macro_id: int
    name: str
    text: str
    internal: bool
    status: str | None
    priority: str | None
    add_tags: list[str] = field(default_factory=list)


def visible_macros(user: User) -> sa.Select:
    """Macros the agent may use: their own, their groups', and everyone's; by name."""
    groups = sa.select(group_members.c.group_id).where(group_members.c.user_id == user.id)
    return (
        sa.select(Macro)
        .where(
            sa.or_(
                Macro.owner_id == user.id,
                sa.and_(
                    Macro.owner_id.is_(None), sa.or_(Macro.group_id.is_(None), Macro.group_id.in_(groups))
                ),
            )
        )
        .order_by(Macro.name, Macro.id)
    )


def can_manage(user: User, macro: Macro) -> bool:
    """Owners edit personal macros; group members and admins a group's; admins everyone's."""
    if macro.owner_id is not None:
        return macro.owner_id == user.id
    if macro.group_id is not None:
        return user.is_admin or any(g.id == macro.group_id for g in user.groups)
    return user.is_admin


def can_use(user: User, macro: Macro) -> bool:
    """Whether the macro is one of the agent's visible macros."""
    if macro.owner_id is not None:
        return macro.owner_id == user.id
    return macro.group_id is None or any(g.id == macro.group_id for g in user.groups)


def sample_values() -> dict[str, Any]:
    """Placeholder values used to check a macro when it is saved."""
    return {
        "customer": {"name": "최유나", "email": "yuna@example.com", "phone": "+821012345678", "tier": "gold"},
        "ticket": {
            "ref": "1042",
            "subject": "요금 문의",
            "status": "open",
            "priority": "normal",
            "channel": "email",
        },
        "agent": {"name": "김민준", "email": "agent@example.com"},
        "company": "Hana",
    }


def values_for(ticket: Ticket, agent: User) -> dict[str, Any]:
    """The placeholder values of a ticket, as plain data."""
    customer = ticket.customer
    return {
        "customer": {
            "name": customer.display_name,
            "email": customer.email or "",
            "phone": customer.phone or "",
            "tier": customer.tier,
        },
        "ticket": {
            "ref": str(ticket.ref),
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
        },
        "agent": {"name": agent.name, "email": agent.email},
        "company": current_app.config.get("COMPANY_NAME", ""),
    }


def check_body(body: str) -> list[tuple[str, str]]:
    """Problems with a macro body, as (field, reason) pairs: syntax, forbidden tags, unknown placeholders."""
    if len(body) > BODY_MAX:
        return [("body", str(_l("The text is too long.")))]
    try:
        tree = _strict_env.parse(body)
    except TemplateSyntaxError as error:
        return [("body", str(_l("The placeholders are not written correctly (line %(n)d).", n=error.lineno)))]
    if any(True for _ in tree.find_all(FORBIDDEN_NODES)):
        return [("body", str(_l("Only placeholders and “if” are allowed in a macro.")))]
    try:
        _strict_env.from_string(tree).render(sample_values())
    except UndefinedError:
        return [
            ("body", str(_l("Unknown placeholder. Use one of: %(names)s", names=", ".join(PLACEHOLDERS))))
        ]
    except SecurityError:
        return [("body", str(_l("Only placeholders and “if” are allowed in a macro.")))]
    except Exception:  # noqa: BLE001 - any other failure of a sample render is the author's to fix
        return [("body", str(_l("The placeholders are not written correctly (line %(n)d).", n=1)))]
    return []


def render(body: str, values: dict[str, Any]) -> str:
    """The macro's text with the placeholders filled in (unknown ones become empty)."""
    try:
        return _env.from_string(body).render(values).strip()
    except (TemplateSyntaxError, SecurityError, UndefinedError, TypeError, ValueError):
        return body.strip()


def apply(macro: Macro, ticket: Ticket, agent: User) -> Applied:
    """The reply text and the changes a macro brings to this ticket (nothing is saved yet)."""
    return Applied(
        macro_id=macro.id,
        name=macro.name,
        text=render(macro.body, values_for(ticket, agent)),
        internal=macro.internal,
        status=macro.set_status,
        priority=macro.set_priority,
        add_tags=list(macro.add_tags or []),
    )


def record_use(ticket: Ticket, macro: Macro, agent: User) -> None:
    """Note in the ticket's history that a macro was applied."""
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor_id=agent.id,
            actor_kind="agent",
            kind="macro",
            data={"id": macro.id, "name": macro.name},
        )
    )


def save_macro(
    macro: Macro | None,
    actor: User,
    *,
    name: str,
    body: str,
    internal: bool = False,
    set_status: str | None = None,
    set_priority: str | None = None,
    add_tags: str | list[str] = "",
    scope: str = "personal",
    group: Group | None = None,
) -> Macro:
    """Create or change a macro; `scope` is personal, group (with `group`) or everyone."""
    errors: list[tuple[str, str]] = []
    name = (name or "").strip()
    if not name:
        errors.append(("name", str(_l("Give the macro a name."))))
    if not (body or "").strip() and not (set_status or set_priority or add_tags):
        errors.append(("body", str(_l("Write the reply text, or choose a change to make."))))
    errors += check_body(body or "")
    if set_status and set_status not in STATUSES:
        errors.append(("set_status", str(_l("Unknown status."))))
    if set_priority and set_priority not in PRIORITIES:
        errors.append(("set_priority", str(_l("Unknown priority."))))
    errors += _scope_errors(actor, scope, group)
    if errors:
        raise ValidationFailed(errors)
    if macro is None:
        macro = Macro()
        db.session.add(macro)
    macro.name = name[:120]
    macro.body = (body or "").strip()
    macro.internal = bool(internal)
    macro.set_status = set_status or None
    macro.set_priority = set_priority or None
    macro.add_tags = parse_tags(add_tags)
    macro.owner_id = actor.id if scope == "personal" else None
    macro.group_id = group.id if scope == "group" and group is not None else None
    db.session.flush()
    return macro


def _scope_errors(actor: User, scope: str, group: Group | None) -> list[tuple[str, str]]:
    if scope == "personal":
        return []
    if scope == "group":
        if group is None:
            return [("group_id", str(_l("Choose the group to share with.")))]
        if not actor.is_admin and all(g.id != group.id for g in actor.groups):
            return [("group_id", str(_l("You can share only with your own groups.")))]
        return []
    if scope == "everyone":
        return [] if actor.is_admin else [("scope", str(_l("Only admins can share a macro with everyone.")))]
    return [("scope", str(_l("Choose who can use the macro.")))]


def delete_macro(macro: Macro) -> None:
    """Remove a macro (tickets keep the history of its past use)."""
    db.session.delete(macro)
    db.session.flush()
