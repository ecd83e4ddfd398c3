"""Running rules: in order, in passes until nothing changes, with loops stopped and reported.

One run of the triggers for a ticket goes through the active rules in order; each rule whose conditions hold
applies its actions to the ticket as it is at that moment (so later rules see what earlier ones did). When a pass
changed a field, the rules run again, so that a rule placed above the one that made it match still applies; a
rule that fired does not fire again while its conditions keep holding. Rules that keep undoing each other (A sets
what makes B undo it) would never stop: the run ends when a pass leaves the ticket as an earlier pass did, or
after RULES_MAX_PASSES, and the loop is recorded on the ticket and reported to the admins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.accounts.models import User
from portal.core import mail
from portal.core.db import utcnow
from portal.core.links import external_url
from portal.extensions import db
from portal.rules import actions, conditions
from portal.rules.actions import Outcome
from portal.rules.conditions import Facts
from portal.rules.models import Rule, RuleFiring, RuleLoop
from portal.tickets import service as tickets
from portal.tickets.models import Ticket, TicketEvent

_busy: ContextVar[frozenset[int]] = ContextVar("rules_busy", default=frozenset())
# Called at intake before the creation triggers, inside the guard (their changes do not start update triggers).
before_routing: list[Callable[..., None]] = []


@contextmanager
def quietly(ticket: Ticket) -> Iterator[None]:
    """Changes made to the ticket inside this block do not start update triggers (the caller runs them)."""
    token = _busy.set(_busy.get() | {ticket.id})
    try:
        yield
    finally:
        _busy.reset(token)


def is_busy(ticket: Ticket) -> bool:
    """Whether rules are being applied to this ticket right now."""
    return ticket.id in _busy.get()


def active_rules(kind: str, event: str | None = None) -> list[Rule]:
    """Active rules of a kind in order (triggers: those that run on `event`); cached per app context."""
    cache = g.setdefault("_rules_cache", {})
    if kind not in cache:
        cache[kind] = list(
            db.session.scalars(
                sa.select(Rule)
                .where(Rule.kind == kind, Rule.active.is_(True))
                .order_by(Rule.position, Rule.id)
            )
        )
    rules = cache[kind]
    if event is None:
        return rules
    return [r for r in rules if r.runs_on in (event, "both")]


def invalidate() -> None:
    """Forget cached rules (after an admin changed them)."""
    g.pop("_rules_cache", None)


def max_passes() -> int:
    """How many passes a run may take before it is called a loop."""
    return max(1, int(current_app.config.get("RULES_MAX_PASSES", 5)))


def run_triggers(ticket: Ticket, facts: Facts) -> None:
    """Apply the triggers for `facts.event` to the ticket (nothing when rules are already running on it)."""
    if is_busy(ticket) or ticket.merged_into_id is not None:
        return
    rules = active_rules("trigger", facts.event)
    if not rules:
        return
    facts.now = facts.now or utcnow()
    with quietly(ticket):
        cycle(ticket, facts, rules)


def snapshot(ticket: Ticket) -> tuple[Any, ...]:
    """The fields rules change, to tell whether a pass changed anything for good."""
    return ticket.group_id, ticket.priority, ticket.status, ticket.assignee_id, tuple(ticket.tags)


def cycle(ticket: Ticket, facts: Facts, rules: list[Rule]) -> int:
    """Run the rules in passes until stable or looping; returns the number of passes.

    A rule that fired stays spent while its conditions keep holding (a chain A → B does not make A fire again);
    a rule whose conditions stop holding is armed again, so that rules undoing each other show up as a loop.
    """
    limit = max_passes()
    seen: list[tuple[Any, ...]] = []
    shot: set[int] = set()
    spent: set[int] = set()
    for number in range(1, limit + 1):
        changers: list[Rule] = []
        fields: set[str] = set()
        for rule in rules:
            if not applies(rule, ticket, facts):
                spent.discard(rule.id)
                continue
            if rule.id in spent:
                continue
            outcome = apply_rule(rule, ticket, facts, one_shots=rule.id not in shot, number=number)
            shot.add(rule.id)
            if applies(rule, ticket, facts):
                spent.add(rule.id)
            if outcome.changes:
                changers.append(rule)
                fields |= set(outcome.changes)
        if not fields:
            return number
        state = snapshot(ticket)
        if state in seen or number == limit:
            report_loop(ticket, changers, number, sorted(fields))
            return number
        seen.append(state)
    return limit


def applies(rule: Rule, ticket: Ticket, facts: Facts) -> bool:
    """Whether a rule's department and conditions fit the ticket now."""
    if rule.group_id is not None and rule.group_id != ticket.group_id:
        return False
    return conditions.matches(rule.conditions, rule.match, facts)


def apply_rule(
    rule: Rule, ticket: Ticket, facts: Facts, *, one_shots: bool = True, number: int = 1
) -> Outcome | None:
    """Apply one rule if its conditions hold; record what it did. None when it did not apply."""
    if rule.group_id is not None and rule.group_id != ticket.group_id:
        return None
    if not conditions.matches(rule.conditions, rule.match, facts):
        return None
    outcome = Outcome()
    actions.apply_all(rule, rule.actions, ticket, outcome, one_shots=one_shots)
    facts.changes.update(outcome.changes)
    if outcome.done:
        record(rule, ticket, outcome, facts, number)
    return outcome


def record(
    rule: Rule, ticket: Ticket, outcome: Outcome, facts: Facts, number: int, anchor: Any = None
) -> None:
    """Which rule did what on the ticket: an event in its history and a firing for the rule's figures."""
    data = {
        "rule_id": rule.id,
        "rule": rule.name,
        "did": outcome.done,
        "items": outcome.items,
        "on": facts.event,
    }
    if number > 1:
        data["pass"] = number
    db.session.add(TicketEvent(ticket_id=ticket.id, actor_kind="rule", kind="rule", data=data))
    db.session.add(RuleFiring(rule_id=rule.id, ticket_id=ticket.id, anchor_at=anchor))
    db.session.flush()


def report_loop(ticket: Ticket, rules: list[Rule], passes: int, fields: list[str]) -> RuleLoop:
    """Stop here: note the loop on the ticket, keep it for the rules page, and tell the admins (once an hour)."""
    key = ",".join(str(i) for i in sorted({r.id for r in rules}))[:200]
    names = [r.name for r in rules]
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RuleLoop)
        .where(RuleLoop.key == key, RuleLoop.at >= utcnow() - timedelta(hours=1))
    )
    loop = RuleLoop(
        ticket_id=ticket.id, key=key, rule_ids=[r.id for r in rules], passes=passes, fields=fields
    )
    db.session.add(loop)
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            actor_kind="rule",
            kind="rule_loop",
            data={"rules": names, "passes": passes, "fields": fields},
        )
    )
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = _(
            "Rules %(rules)s kept undoing each other (%(fields)s); they were stopped after %(n)d passes and "
            "the admins were told.",
            rules=", ".join(f"«{n}»" for n in names),
            fields=", ".join(fields),
            n=passes,
        )
        author = _("Rules")
    note = tickets.add_reply(ticket, None, text, internal=True, author_kind="system")  # type: ignore[arg-type]
    note.author_name = author
    if not recent:
        _mail_admins(ticket, names, passes, fields)
    db.session.flush()
    return loop


def _mail_admins(ticket: Ticket, names: list[str], passes: int, fields: list[str]) -> None:
    admins = db.session.scalars(sa.select(User).where(User.role == "admin", User.active.is_(True))).all()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    for admin in admins:
        subject, text, html = mail.compose(
            "rule_loop",
            admin.locale or default,
            ticket=ticket,
            rules=names,
            passes=passes,
            fields=fields,
            ticket_url=external_url("desk.ticket_page", ref=ticket.ref),
            rules_url=external_url("rules.index"),
        )
        mail.queue(db.session, admin.email, subject, text, html, to_name=admin.name)
