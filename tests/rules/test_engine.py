"""Triggers at intake and on changes: conditions, actions in order, the record of who did what, round-robin,
and loops stopped and reported."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.rules.models import RuleLoop
from portal.tickets import service as tickets
from portal.tickets.models import Message, TicketEvent


def events(db, ticket, kind="rule"):
    return db.session.scalars(
        sa.select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == kind)
        .order_by(TicketEvent.id)
    ).all()


def test_a_korean_word_routes_a_new_ticket_and_the_history_says_which_rule(
    db, make_rule, make_group, make_ticket
):
    billing = make_group("결제·요금 Billing")
    make_rule(
        "환불은 결제팀으로",
        [("text", "contains_any", "환불, refund")],
        [("set_group", str(billing.id)), ("set_priority", "high"), ("add_tags", "refund")],
    )
    ticket = make_ticket(subject="문의", text="지난달 요금을 환불받고 싶어요")
    assert ticket.group_id == billing.id and ticket.priority == "high" and ticket.tags == ["refund"]
    [record] = events(db, ticket)
    assert record.actor_kind == "rule" and record.data["rule"] == "환불은 결제팀으로"
    assert record.data["on"] == "created" and len(record.data["did"]) == 3
    group_event = events(db, ticket, "group")[0]
    assert group_event.actor_kind == "system" and group_event.actor_id is None
    other = make_ticket(subject="인터넷", text="인터넷이 느려요")
    assert other.group_id is None and not events(db, other)


def test_rules_apply_in_order_and_later_rules_see_earlier_changes(db, make_rule, make_group, make_ticket):
    first, second = make_group("First"), make_group("Second")
    a = make_rule("A: email to First", [("channel", "is", "email")], [("set_group", str(first.id))])
    make_rule("B: First goes on to Second", [("group", "is", str(first.id))], [("set_group", str(second.id))])
    ticket = make_ticket("email")
    assert ticket.group_id == second.id
    assert [e.data["rule"] for e in events(db, ticket)] == ["A: email to First", "B: First goes on to Second"]
    assert all("pass" not in e.data for e in events(db, ticket))  # one pass: B saw what A did
    from portal.rules import service

    service.move_rule(
        a, +1
    )  # now B runs first: it does not match yet, A routes, and B follows in a second pass
    db.session.commit()
    again = make_ticket("email")
    assert again.group_id == second.id
    assert [(e.data["rule"], e.data.get("pass", 1)) for e in events(db, again)] == [
        ("A: email to First", 1),
        ("B: First goes on to Second", 2),
    ]


def test_the_last_of_two_competing_rules_wins(db, make_rule, make_group, make_ticket):
    first, second = make_group("Alpha"), make_group("Beta")
    make_rule("to Alpha", [("channel", "is", "web")], [("set_group", str(first.id))])
    make_rule("to Beta", [("tier", "is", "standard")], [("set_group", str(second.id))])
    assert make_ticket("web").group_id == second.id


def test_conditions_on_tier_channel_catalog_item_and_tags(db, make_rule, make_ticket, make_inbound):
    from portal.tickets.intake import receive

    make_rule("VIP urgent", [("tier", "is", "vip")], [("set_priority", "urgent")])
    make_rule("Laptop requests", [("catalog_item", "is", "laptop")], [("add_tags", "hardware")])
    make_rule(
        "Not chat",
        [("channel", "is_not", "chat"), ("tags", "contains_any", "hardware")],
        [("add_tags", "it")],
    )
    ticket = receive(
        make_inbound("catalog", context={"catalog_item": "laptop"}, tags=["catalog-laptop"])
    ).ticket
    assert set(ticket.tags) == {"catalog-laptop", "hardware", "it"} and ticket.priority == "normal"
    chat = receive(make_inbound("chat", context={"catalog_item": "laptop"})).ticket
    assert chat.tags == []
    by_tag = receive(make_inbound("catalog", tags=["catalog-laptop"])).ticket
    assert "hardware" in by_tag.tags
    vip = make_ticket(email="vip@example.com")
    vip.customer.tier = "vip"
    db.session.commit()
    again = make_ticket(email="vip@example.com", subject="another")
    assert again.priority == "urgent"


def test_a_department_rule_only_sees_its_group(db, make_rule, make_group, make_ticket, agent):
    card = make_group("카드 Card")
    make_rule("Card: tag it", [], [("add_tags", "card")], group_id=card.id, runs_on="both")
    outside = make_ticket()
    assert outside.tags == []
    tickets.update_ticket(outside, agent, group=card)
    assert "card" in outside.tags


def test_update_triggers_see_what_changed_and_who_changed_it(db, make_rule, make_ticket, agent, smtp):
    make_rule(
        "Tell the customer when solved",
        [("status", "changed_to", "solved"), ("updated_by", "is", "agent")],
        [{"type": "send_email", "value": "customer", "subject": "[#{{ticket.ref}}] 해결되었습니다",
          "body": "{{customer.name}}님, 요청 #{{ticket.ref}}이 해결되었습니다.",
          "subject_en": "[#{{ticket.ref}}] Solved", "body_en": "Dear {{customer.name}}, #{{ticket.ref}} is solved."}],
        runs_on="updated",
    )  # fmt: skip
    korean = make_ticket(email="yuna@example.com", name="최유나")
    english = make_ticket(email="james@example.com", name="James")
    english.customer.locale = "en"
    db.session.commit()
    tickets.update_ticket(korean, agent, priority="high")
    db.session.commit()
    assert not smtp.messages
    for ticket in (korean, english):
        tickets.update_ticket(ticket, agent, status="solved")
        db.session.commit()
    mails = smtp.wait_for(4)  # the rule's mail and, for solving, a satisfaction survey per customer
    by_to = {m["To"].addresses[0].addr_spec: m for m in mails if not m["X-Hana-Survey"]}
    assert by_to["yuna@example.com"]["Subject"] == f"[#{korean.ref}] 해결되었습니다"
    assert "최유나님" in by_to["yuna@example.com"].get_body(("plain",)).get_content()
    assert by_to["james@example.com"]["Subject"] == f"[#{english.ref}] Solved"
    assert by_to["james@example.com"]["Auto-Submitted"] == "auto-generated"


def test_an_internal_note_fills_placeholders(db, make_rule, make_ticket):
    make_rule(
        "Note VIPs",
        [("text", "contains_any", "urgent")],
        [
            (
                "add_note",
                "{{customer.name}} wrote #{{ticket.ref}} ({{ticket.priority}}): call back within the hour",
            )
        ],
    )
    ticket = make_ticket(name="Jo", subject="URGENT please")
    note = db.session.scalar(
        sa.select(Message).where(Message.ticket_id == ticket.id, Message.direction == "internal")
    )
    assert (
        note.text == f"Jo wrote #{ticket.ref} (보통): call back within the hour"
    )  # notes: the desk's language
    assert note.author_name == "Note VIPs" and note.author_kind == "system"


def test_round_robin_skips_agents_who_are_away(db, make_rule, make_group, make_ticket, make_user):
    a, b, c = (make_user("agent", name=n) for n in ("Ana", "Ben", "Cho"))
    b.presence = "away"
    team = make_group("Team", [a, b, c])
    make_rule("Share out", [], [("round_robin", str(team.id))])
    assigned = [make_ticket().assignee_id for _ in range(4)]
    assert assigned == [a.id, c.id, a.id, c.id]
    b.presence = "online"
    db.session.commit()
    assert [make_ticket().assignee_id for _ in range(3)] == [
        a.id,
        b.id,
        c.id,
    ]  # back from away: in turn again
    for user in (a, b, c):
        user.presence = "away"
    db.session.commit()
    nobody = make_ticket()
    assert nobody.group_id == team.id and nobody.assignee_id is None


def test_round_robin_in_the_tickets_own_group_keeps_an_available_assignee(
    db, make_rule, make_group, make_ticket, make_user
):
    a, b = make_user("agent", name="Ana"), make_user("agent", name="Ben")
    team = make_group("Own", [a, b])
    make_rule(
        "Assign within the group", [("assignee", "is_not_set", "")], [("round_robin", "")], runs_on="both"
    )
    ticket = make_ticket(group_id=team.id)
    assert ticket.assignee_id == a.id
    tickets.update_ticket(ticket, None, priority="high")
    assert ticket.assignee_id == a.id


def test_rules_that_undo_each_other_are_stopped_and_reported_to_admins(
    db, make_rule, make_ticket, admin, client, smtp
):
    up = make_rule("A: raise", [("priority", "is", "normal")], [("set_priority", "high")])
    down = make_rule("B: lower", [("priority", "is", "high")], [("set_priority", "normal")])
    ticket = make_ticket()
    db.session.commit()
    [loop] = db.session.scalars(sa.select(RuleLoop)).all()
    assert (
        loop.ticket_id == ticket.id and set(loop.rule_ids) == {up.id, down.id} and loop.fields == ["priority"]
    )
    assert 2 <= loop.passes <= 5
    assert events(db, ticket, "rule_loop")[0].data["rules"] == ["A: raise", "B: lower"]
    note = db.session.scalar(
        sa.select(Message).where(Message.ticket_id == ticket.id, Message.direction == "internal")
    )
    assert "A: raise" in note.text and "B: lower" in note.text
    [mail] = smtp.wait_for(1)
    assert mail["To"].addresses[0].addr_spec == admin.email and f"#{ticket.ref}" in mail["Subject"]
    make_ticket()  # the same loop again within the hour: recorded, not mailed again
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RuleLoop)) == 2
    assert len(smtp.messages) == 1
    client.login(admin.email)
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "Rules that undid each other" in page and f"#{ticket.ref}" in page


def test_a_tag_loop_that_never_repeats_is_cut_at_the_bound(db, make_rule, make_ticket, app, monkeypatch):
    monkeypatch.setitem(app.config, "RULES_MAX_PASSES", 3)
    make_rule("Ping", [("tags", "contains_none", "ping")], [("add_tags", "ping"), ("remove_tags", "pong")])
    make_rule("Pong", [("tags", "contains_any", "ping")], [("add_tags", "pong"), ("remove_tags", "ping")])
    ticket = make_ticket()
    [loop] = db.session.scalars(sa.select(RuleLoop)).all()
    assert loop.passes <= 3 and loop.ticket_id == ticket.id


def test_a_rule_set_that_converges_is_not_a_loop(db, make_rule, make_ticket):
    make_rule("urgent words", [("text", "contains_any", "장애")], [("set_priority", "urgent")])
    make_rule("urgent is tagged", [("priority", "is", "urgent")], [("add_tags", "p1")])
    ticket = make_ticket(text="전체 장애입니다")
    assert ticket.priority == "urgent" and ticket.tags == ["p1"]
    assert not db.session.scalars(sa.select(RuleLoop)).all()


def test_switched_off_rules_do_nothing(db, make_rule, make_ticket):
    from portal.rules import service

    rule = make_rule("off", [], [("add_tags", "x")])
    service.set_active(rule, False)
    db.session.commit()
    assert make_ticket().tags == []


def test_rules_cost_a_bounded_number_of_queries(db, make_rule, make_group, make_ticket, count_queries):
    team = make_group("Count")
    for n in range(10):
        make_rule(f"r{n}", [("text", "contains_any", f"word{n}")], [("set_group", str(team.id))])
    make_ticket()
    with count_queries() as few:
        make_ticket(text="nothing matches")
    with count_queries() as more:
        make_ticket(text="nothing matches at all")
    assert more.count == few.count


def test_old_timestamps_are_ignored_by_triggers(db, make_rule, make_ticket):
    make_rule("time is for automations", [], [("add_tags", "seen")])
    from portal.core.db import utcnow

    ticket = make_ticket(received_at=utcnow() - timedelta(days=30))
    assert ticket.tags == ["seen"]
