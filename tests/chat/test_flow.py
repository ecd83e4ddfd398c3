"""A chat from the bot to an agent and back into the customer's history, through the API and the console."""

from __future__ import annotations

import sqlalchemy as sa

from portal.channels.chat import agents, service
from portal.channels.chat.models import Chat
from portal.core import signals
from portal.core.outbox import OutboxEvent
from portal.customers.models import TimelineEntry
from portal.tickets.models import Message, Ticket
from tests.chat.conftest import csrf_headers


def _ticket(db, ref):
    return db.session.scalar(sa.select(Ticket).where(Ticket.ref == int(ref)))


def _messages(db, ticket):
    return db.session.scalars(
        sa.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)
    ).all()


def _mails(db):
    """Mail to the customer about the conversation (the CSAT survey a finished chat asks for is not counted)."""
    mails = db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.kind == "mail.send")).all()
    return [m for m in mails if "X-Hana-Survey" not in (m.payload.get("headers") or {})]


def test_a_customer_asks_for_a_person_and_talks_with_an_agent_in_real_time(
    client, make_client, db, suggester, online_agent, start_guest_chat
):
    body, key = start_guest_chat()
    chat_id = body["id"]
    handed = client.post(f"/api/v1/chats/{chat_id}/handoff", headers=key)
    assert handed.status_code == 200 and handed.get_json()["status"] == "waiting"
    assert handed.get_json()["position"] == 1 and handed.get_json()["offline"] is False

    desk = make_client()
    desk.login(online_agent.email)
    state = desk.get("/desk/chats/poll?v=-1").get_json()["state"]
    assert [c["id"] for c in state["waiting"]] == [chat_id]
    assert state["waiting"][0]["preview"] == "환불은 언제 되나요?"
    assert desk.post(f"/desk/chats/{chat_id}/accept").get_json()["status"] == "active"

    sent = desk.post(
        f"/api/v1/chats/{chat_id}/messages",
        json={"text": "안녕하세요, 김민준입니다.", "client_id": "agent-0001"},
        headers=csrf_headers(desk),
    )
    assert sent.status_code == 201 and sent.get_json()["author"] == {
        "kind": "agent",
        "name": online_agent.name,
    }
    reply = client.post(f"/api/v1/chats/{chat_id}/messages", headers=key, json={"text": "네 안녕하세요"})
    assert reply.status_code == 201

    seen = client.get(f"/api/v1/chats/{chat_id}/messages?after=2", headers=key).get_json()
    assert seen["chat"]["status"] == "active" and seen["chat"]["agent"] == {"name": online_agent.name}
    kinds = [(i["kind"], i.get("data", {}).get("event")) for i in seen["items"]]
    assert ("system", "waiting") in kinds and ("system", "joined") in kinds

    ticket = _ticket(db, handed.get_json()["ticket"])
    assert ticket.assignee_id == online_agent.id and ticket.channel == "chat"
    transcript = [(m.author_kind, m.direction, m.text) for m in _messages(db, ticket)]
    assert transcript[0] == ("customer", "inbound", "환불은 언제 되나요?")
    assert transcript[1][0] == "bot" and "요금 환불 받는 방법 — /kb/7" in transcript[1][2]
    assert transcript[-2:] == [
        ("agent", "outbound", "안녕하세요, 김민준입니다."),
        ("customer", "inbound", "네 안녕하세요"),
    ]
    assert all(m.channel == "chat" for m in _messages(db, ticket))


def test_an_agents_reply_on_the_ticket_page_reaches_the_live_chat_and_later_goes_by_mail(
    client, make_client, db, suggester, online_agent, start_guest_chat
):
    body, key = start_guest_chat(text="모뎀이 안 돼요")
    chat = db.session.get(Chat, body["id"])
    desk = make_client()
    desk.login(online_agent.email)
    ref = body["ticket"]
    response = desk.post(f"/desk/tickets/{ref}/reply", data={"text": "원격 점검해 드릴게요"})
    assert response.status_code == 302
    items = client.get(f"/api/v1/chats/{chat.id}/messages", headers=key).get_json()["items"]
    assert items[-1]["text"] == "원격 점검해 드릴게요" and items[-1]["author"]["kind"] == "agent"
    db.session.refresh(chat)
    assert chat.status == "active" and chat.assignee_id == online_agent.id
    assert _mails(db) == []

    desk.post(f"/desk/chats/{chat.id}/end", data={"solve": "0"})
    desk.post(f"/desk/tickets/{ref}/reply", data={"text": "점검 결과를 메일로 알려드립니다"})
    (mail,) = _mails(db)
    assert mail.payload["to"] == ["guest@example.com"] and f"[#{ref}]" in mail.payload["subject"]
    ticket = _ticket(db, ref)
    assert ticket.status == "open" and _messages(db, ticket)[-1].text == "점검 결과를 메일로 알려드립니다"


def test_the_bot_resolves_a_chat_which_stays_in_the_customers_history(
    client, db, suggester, start_guest_chat
):
    ended = []
    signals.chat_ended.connect(receiver := lambda chat, **kw: ended.append((chat.id, kw["ticket"].ref)))
    try:
        body, key = start_guest_chat()
        done = client.post(f"/api/v1/chats/{body['id']}/helped", headers=key, json={"helped": True})
    finally:
        signals.chat_ended.disconnect(receiver)
    chat = done.get_json()
    assert chat["status"] == "ended" and chat["outcome"] == "bot_resolved" and chat["ticket"]
    ticket = _ticket(db, chat["ticket"])
    assert ticket.status == "solved" and "bot_resolved" in ticket.tags
    assert ended == [(body["id"], ticket.ref)]
    entry = db.session.scalar(
        sa.select(TimelineEntry).where(
            TimelineEntry.customer_id == ticket.customer_id, TimelineEntry.kind == "chat"
        )
    )
    assert entry.ticket_ref == str(ticket.ref) and entry.channel == "chat"
    refused = client.post(f"/api/v1/chats/{body['id']}/messages", headers=key, json={"text": "또 질문"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "chat_ended"


def test_with_nobody_online_the_customer_leaves_a_message_answered_by_email(
    client, db, suggester, start_guest_chat
):
    body, key = start_guest_chat(text="해지하고 싶어요")
    assert body["status"] == "waiting" and body["offline"] is True
    offer = body["messages"][-1]
    assert offer["author"]["kind"] == "bot" and offer["data"]["ask"] == "leave_message"
    assert "guest@example.com" in offer["text"]
    left = client.post(f"/api/v1/chats/{body['id']}/leave_message", headers=key, json={"text": "전화 주세요"})
    assert left.status_code == 200 and left.get_json()["outcome"] == "message_left"
    ticket = _ticket(db, body["ticket"])
    assert ticket.status == "open" and _messages(db, ticket)[-1].text == "전화 주세요"
    (mail,) = _mails(db)
    assert mail.payload["to"] == ["guest@example.com"]


def test_outside_business_hours_nobody_answers_even_with_agents_online(
    client, app, db, suggester, online_agent, start_guest_chat, monkeypatch
):
    monkeypatch.setitem(app.config, "CHAT_BUSINESS_HOURS", "mon-sun 00:00-00:01")
    body, _key = start_guest_chat(text="해지하고 싶어요")
    assert body["offline"] is True and "hours" in body["messages"][-1]["text"]


def test_a_returning_guest_joins_their_existing_customer_and_a_signed_in_customer_chats_as_themselves(
    client, make_client, db, make_ticket, customer_user, suggester, start_guest_chat
):
    old = make_ticket("email", email="regular@example.com", name="단골 고객")
    body, _key = start_guest_chat(email="Regular@Example.com", name="단골")
    assert db.session.get(Chat, body["id"]).customer_id == old.customer_id

    own = make_client()
    own.login(customer_user.email)
    started = own.post("/api/v1/chats", json={"text": "요금제 문의"}, headers=csrf_headers(own))
    assert started.status_code == 201
    chat = db.session.get(Chat, started.get_json()["id"])
    assert chat.user_id == customer_user.id and chat.name == customer_user.name
    assert own.get(f"/api/v1/chats/{chat.id}").status_code == 200  # by session, without the key


def test_transfer_to_a_group_puts_the_chat_back_in_line_and_to_an_agent_hands_it_over(
    db, make_user, suggester, online_agent, start_guest_chat
):
    from portal.accounts import service as accounts

    body, _key = start_guest_chat(text="카드 분실")
    chat = db.session.get(Chat, body["id"])
    agents.accept(chat, online_agent)
    other = make_user("agent", name="박지훈")
    agents.transfer(chat, online_agent, to_agent=other)
    assert chat.status == "active" and chat.assignee_id == other.id
    group = accounts.save_group(None, name="카드", description="", member_ids=[online_agent.id])
    agents.transfer(chat, other, to_group=group)
    ticket = db.session.get(Ticket, chat.ticket_id)
    assert chat.status == "waiting" and chat.assignee_id is None and ticket.group_id == group.id


def test_internal_notes_reach_agents_only(client, make_client, db, suggester, online_agent, start_guest_chat):
    body, key = start_guest_chat(text="카드 분실")
    desk = make_client()
    desk.login(online_agent.email)
    note = desk.post(
        f"/api/v1/chats/{body['id']}/messages",
        json={"text": "VIP 고객", "internal": True},
        headers=csrf_headers(desk),
    )
    assert note.status_code == 201 and note.get_json()["kind"] == "note"
    customer_view = client.get(f"/api/v1/chats/{body['id']}/messages", headers=key).get_json()["items"]
    agent_view = desk.get(f"/api/v1/chats/{body['id']}/messages").get_json()["items"]
    assert "VIP 고객" not in [i["text"] for i in customer_view]
    assert "VIP 고객" in [i["text"] for i in agent_view]
    chat = db.session.get(Chat, body["id"])
    assert chat.status == "waiting"  # a note does not take the chat
    assert (
        client.post(
            f"/api/v1/chats/{body['id']}/messages", headers=key, json={"text": "x", "internal": True}
        ).status_code
        == 403
    )


def test_chats_whose_customer_left_end_and_their_ticket_stays_for_a_follow_up(
    app, db, suggester, start_guest_chat, monkeypatch
):
    from datetime import timedelta

    from portal.channels.chat.tasks import end_idle_chats
    from portal.core.db import utcnow

    body, _key = start_guest_chat(text="모뎀이 안 돼요")
    idle, _ = start_guest_chat(text="환불")
    for chat_id, column in ((body["id"], "customer_seen_at"), (idle["id"], "last_activity_at")):
        chat = db.session.get(Chat, chat_id)
        setattr(chat, column, utcnow() - timedelta(hours=1))
    db.session.commit()
    assert end_idle_chats() == 2
    waiting, bot_only = db.session.get(Chat, body["id"]), db.session.get(Chat, idle["id"])
    assert (waiting.status, waiting.outcome) == ("ended", "customer_left")
    assert db.session.get(Ticket, waiting.ticket_id).status == "open"
    assert (bot_only.status, bot_only.outcome) == ("ended", "idle")
    assert db.session.get(Ticket, bot_only.ticket_id).status == "solved"


def test_chats_follow_their_customer_through_a_merge(db, make_ticket, suggester, start_guest_chat):
    from portal.customers import service as customers

    body, _key = start_guest_chat(email="one@example.com")
    chat = db.session.get(Chat, body["id"])
    other = make_ticket("email", email="two@example.com").customer
    customers.merge_customers(other, chat.customer, actor=None)
    db.session.flush()
    db.session.refresh(chat)
    assert chat.customer_id == other.id


def test_the_auto_resolution_measure_counts_chats_the_bot_solved(db, suggester, start_guest_chat, client):
    from datetime import timedelta

    from portal.core import measures
    from portal.core.db import utcnow

    body, key = start_guest_chat()
    client.post(f"/api/v1/chats/{body['id']}/helped", headers=key, json={"helped": True})
    start_guest_chat(text="모뎀", email="x@example.com")
    now = utcnow()
    rate = measures.compute("auto_resolution_rate", now - timedelta(hours=1), now + timedelta(hours=1))
    assert rate == 0.5


def test_service_level_end_is_idempotent(db, suggester, start_guest_chat):
    body, _key = start_guest_chat()
    chat = db.session.get(Chat, body["id"])
    service.end(chat, by="customer")
    service.end(chat, by="customer")
    assert chat.status == "ended"


def test_a_chat_whose_ticket_was_merged_continues_on_the_surviving_ticket(
    db, make_ticket, suggester, online_agent, start_guest_chat, client
):
    from portal.tickets import service as tickets

    body, key = start_guest_chat(text="모뎀이 안 돼요", email="merge@example.com")
    chat = db.session.get(Chat, body["id"])
    agents.accept(chat, online_agent)
    db.session.commit()
    older = make_ticket("email", email="merge@example.com", subject="모뎀 문의")
    tickets.merge_tickets(older, db.session.get(Ticket, chat.ticket_id), online_agent)
    db.session.commit()
    client.post(f"/api/v1/chats/{chat.id}/messages", headers=key, json={"text": "아직 안 돼요"})
    agents.agent_says(chat, online_agent, "다시 확인할게요")
    db.session.commit()
    texts = [m.text for m in _messages(db, older)]
    assert texts[-2:] == ["아직 안 돼요", "다시 확인할게요"] and chat.ticket_id == older.id
