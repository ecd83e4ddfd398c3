"""From the board to the desk: sour posts raised early, posts turned into tickets, answers promoted to drafts."""

from __future__ import annotations

import sqlalchemy as sa

from portal.community import escalation, service
from portal.customers.models import TimelineEntry
from portal.customers.service import customer_for_user
from portal.tickets import queries as ticket_queries
from portal.tickets.models import Message, Ticket


def _messages(ticket):
    from portal.extensions import db

    return db.session.scalars(
        sa.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)
    ).all()


def test_an_angry_post_opens_a_high_priority_tagged_ticket_through_the_one_door(
    db, make_post, make_user, agent
):
    user = make_user("customer", name="오태식")
    post = make_post(
        user, title="환불을 안 해주네요", body="해지했는데 요금이 또 나갔어요. 이거 사기 아닌가요? 최악"
    )
    ticket = db.session.get(Ticket, post.ticket_id)
    assert ticket.channel == "community" and ticket.priority == "high" and ticket.status == "new"
    assert set(ticket.tags) == {"community", "sour-post", "angry"}
    assert ticket.customer_id == customer_for_user(user).id
    assert {"환불 안 해주", "사기", "최악"} <= set(post.sour_terms)
    inbound, note = _messages(ticket)
    assert (
        inbound.channel == "community"
        and inbound.direction == "inbound"
        and "요금이 또 나갔어요" in inbound.text
    )
    assert f"/community/posts/{post.id}" in inbound.text and inbound.meta["community"]["post_id"] == post.id
    assert note.direction == "internal" and "사기" in note.text and f"/community/posts/{post.id}" in note.text
    # the customer's history holds both, each naming the other
    entries = db.session.scalars(
        sa.select(TimelineEntry)
        .where(TimelineEntry.customer_id == ticket.customer_id)
        .order_by(TimelineEntry.id)
    ).all()
    post_entry = next(e for e in entries if e.kind == "post")
    assert post_entry.ticket_ref == str(ticket.ref) and post_entry.url == f"/community/posts/{post.id}"
    assert any(e.kind == "ticket" and e.ticket_id == ticket.id for e in entries)
    # and agents see it at the top of the open queue sorted by priority
    filters = ticket_queries.QueueFilter(view="open", sort="priority")
    first = db.session.scalars(ticket_queries.queue_page(filters, agent, after=None, limit=1)).first()
    assert first.id == ticket.id


def test_a_failure_report_in_english_is_raised_too(db, make_post):
    post = make_post(title="App keeps crashing", body="The Hana app is not working since the update.")
    ticket = db.session.get(Ticket, post.ticket_id)
    assert "failure" in ticket.tags and post.locale == "en"


def test_a_calm_question_raises_nothing(db, make_post):
    post = make_post(title="요금제 변경 방법", body="데이터 요금제를 바꾸고 싶어요. 앱에서 되나요?")
    assert post.ticket_id is None and post.sour_terms == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_a_sour_reply_of_the_asker_joins_the_ticket_already_raised(db, make_post, make_reply, make_user):
    asker = make_user("customer")
    post = make_post(asker, title="인터넷이 먹통이에요", body="어제부터 인터넷이 계속 끊겨요")
    ticket = db.session.get(Ticket, post.ticket_id)
    reply = make_reply(post, author=asker, body="아직도 안 돼요. 진짜 최악입니다")
    assert reply.ticket_id == ticket.id
    assert [m.direction for m in _messages(ticket)] == ["inbound", "internal", "inbound", "internal"]
    assert "angry" in ticket.tags and ticket.priority == "high"


def test_a_sour_reply_of_someone_else_opens_their_own_ticket(db, make_post, make_reply, make_user):
    post = make_post(title="로밍 질문", body="로밍 요금제 추천해 주세요")
    reply = make_reply(post, body="저도 로밍 때문에 화가 나요. 요금 폭탄 맞았어요")
    ticket = db.session.get(Ticket, reply.ticket_id)
    assert ticket.subject == "Re: 로밍 질문" and ticket.customer_id == reply.customer_id
    assert post.ticket_id is None


def test_staff_posts_and_held_spam_are_never_raised(db, make_post, agent):
    staff_post = make_post(
        agent, title="장애 안내", body="일부 지역 인터넷 장애가 있었습니다. 지금은 복구되었습니다."
    )
    spam = make_post(
        title="최악의 통신사 탈출", body="https://x.example https://y.example https://z.example 사기 아님"
    )
    assert staff_post.ticket_id is None and spam.ticket_id is None and spam.state == "held"


def test_raising_can_be_switched_off(db, make_post, app, monkeypatch):
    monkeypatch.setitem(app.config, "COMMUNITY_ESCALATE_SOUR", False)
    assert make_post(body="진짜 최악이에요").ticket_id is None


def test_an_agent_turns_a_post_into_a_ticket_once(db, make_post, agent, smtp):
    post = make_post(title="eSIM 설정이 궁금해요", body="QR 코드는 어디에 있나요?")
    ticket = escalation.post_to_ticket(agent, post)
    db.session.commit()
    assert post.ticket_id == ticket.id and ticket.channel == "community" and "community" in ticket.tags
    assert escalation.post_to_ticket(agent, post).id == ticket.id
    assert any(agent.name in m.text for m in _messages(ticket) if m.direction == "internal")
    mail = smtp.wait_for(1)[-1]  # the customer hears where to follow it
    assert str(ticket.ref) in mail["Subject"]


def test_a_staff_post_cannot_become_a_ticket(db, make_post, agent):
    import pytest

    from portal.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        escalation.post_to_ticket(agent, make_post(agent))


def test_promoting_an_answer_asks_the_knowledge_base_for_a_draft(
    db, make_post, make_reply, agent, draft_receiver
):
    post = make_post(title="로밍 요금제 비교", tags=["로밍"])
    reply = make_reply(post, author=agent, body="**5일권**이 가장 저렴합니다.")
    url = escalation.promote(agent, reply)
    assert url == "/kb/drafts/1" and reply.article_url == url
    call = draft_receiver[0]
    assert call["sender"] is reply and call["title"] == "로밍 요금제 비교" and call["body"] == reply.body
    assert call["locale"] == "ko" and call["tags"] == ["로밍"] and call["actor"] is agent
    assert call["source_url"].endswith(f"/community/posts/{post.id}#r{reply.id}")
    assert escalation.promote(agent, reply) == url and len(draft_receiver) == 1  # once


def test_promoting_without_a_knowledge_base_changes_nothing(
    db, make_post, make_reply, agent, no_knowledge_base
):
    reply = make_reply(make_post(), author=agent)
    assert escalation.promote(agent, reply) is None and reply.article_url is None


def test_service_create_post_is_one_transaction_with_its_ticket(db, make_user):
    user = make_user("customer")
    service.create_post(user, title="진짜 최악", body="환불 안 해주네요")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
