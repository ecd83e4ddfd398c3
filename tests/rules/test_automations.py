"""Automations: rules on time since an event, run by the worker, once per occurrence of the event."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.core.db import utcnow
from portal.rules.automations import run_automations
from portal.rules.models import RuleFiring
from portal.tickets import service as tickets
from portal.tickets.models import Message, TicketEvent


def test_a_ticket_pending_for_three_days_is_reminded_once_then_closed(
    db, make_rule, make_ticket, agent, smtp
):
    make_rule(
        "Remind after 72h pending",
        [("status", "is", "pending"), ("hours_since_status", "gt", "72")],
        [{"type": "send_email", "value": "customer", "subject": "#{{ticket.ref}} 기다리고 있어요",
          "body": "답변을 기다리고 있습니다: {{ticket.url}}"}, ("add_tags", "reminded")],
        kind="automation",
    )  # fmt: skip
    make_rule(
        "Solve after a week pending",
        [("status", "is", "pending"), ("hours_since_status", "gt", "168")],
        [("set_status", "solved"), ("add_note", "No answer for a week: solved by the automation.")],
        kind="automation",
    )
    ticket = make_ticket(email="waiting@example.com")
    fresh = make_ticket(email="fresh@example.com")
    tickets.update_ticket(ticket, agent, status="pending")
    tickets.update_ticket(fresh, agent, status="pending")
    db.session.commit()
    now = utcnow()
    assert run_automations(now + timedelta(hours=71)) == 0
    assert run_automations(now + timedelta(hours=73)) == 2
    db.session.commit()
    assert "reminded" in ticket.tags
    [mail] = smtp.wait_for(1) if len(smtp.messages) == 1 else smtp.wait_for(2)[:1]
    assert "기다리고 있어요" in mail["Subject"]
    assert run_automations(now + timedelta(hours=74)) == 0  # once per occurrence of "pending since"
    assert run_automations(now + timedelta(hours=169)) == 2
    db.session.commit()
    assert ticket.status == "solved" and fresh.status == "solved"
    note = db.session.scalar(
        sa.select(Message).where(Message.ticket_id == ticket.id, Message.direction == "internal")
    )
    assert note.author_name == "Solve after a week pending"
    rule_events = db.session.scalars(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "rule")
    ).all()
    assert [e.data["on"] for e in rule_events] == ["time", "time"]


def test_a_new_pending_period_starts_the_count_again(db, make_rule, make_ticket, agent):
    make_rule(
        "Tag after a day pending",
        [("status", "is", "pending"), ("hours_since_status", "gt", "24")],
        [("add_tags", "slow")],
        kind="automation",
    )
    ticket = make_ticket()
    tickets.update_ticket(ticket, agent, status="pending")
    db.session.execute(  # that pending period began two days ago
        sa.update(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "status")
        .values(at=utcnow() - timedelta(hours=48))
    )
    db.session.commit()
    assert run_automations() == 1
    assert run_automations() == 0
    tickets.update_ticket(ticket, agent, status="open", tags=[])
    tickets.update_ticket(ticket, agent, status="pending")
    db.session.commit()
    assert run_automations(utcnow() + timedelta(hours=1)) == 0
    assert run_automations(utcnow() + timedelta(hours=25)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RuleFiring)) == 2


def test_hours_since_created_uses_the_index_range_and_skips_closed_tickets(db, make_rule, make_ticket, agent):
    make_rule(
        "Escalate old new tickets",
        [("hours_since_created", "gt", "4"), ("status", "is", "new")],
        [("set_priority", "high")],
        kind="automation",
    )
    old = make_ticket(received_at=utcnow() - timedelta(hours=5))
    closed = make_ticket(received_at=utcnow() - timedelta(hours=5))
    tickets.update_ticket(closed, agent, status="closed")
    young = make_ticket()
    db.session.commit()
    assert run_automations() == 1
    assert old.priority == "high" and young.priority == "normal" and closed.priority == "normal"


def test_update_triggers_react_to_what_an_automation_changed(db, make_rule, make_ticket):
    make_rule(
        "Escalate",
        [("hours_since_created", "gt", "1")],
        [("set_priority", "urgent")],
        kind="automation",
    )
    make_rule(
        "Urgent is tagged",
        [("priority", "changed_to", "urgent")],
        [("add_tags", "escalated")],
        runs_on="updated",
    )
    ticket = make_ticket(received_at=utcnow() - timedelta(hours=2))
    run_automations()
    assert ticket.priority == "urgent" and ticket.tags == ["escalated"]


def test_the_worker_job_runs_the_automations(db, make_rule, make_ticket):
    from portal.rules import tasks

    make_rule("Tag", [("hours_since_created", "gt", "1")], [("add_tags", "aged")], kind="automation")
    ticket = make_ticket(received_at=utcnow() - timedelta(hours=2))
    db.session.commit()
    assert tasks.automations.call_local() == 1
    db.session.expire_all()
    assert ticket.tags == ["aged"]
