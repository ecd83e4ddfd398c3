"""Posts are declared to the search domain as documents, and the demo seeds a board worth looking at."""

from __future__ import annotations

import sqlalchemy as sa

from portal.core import outbox, searchable
from portal.core.outbox import OutboxEvent


def test_a_thread_is_one_public_document_with_its_accepted_answer_first(
    db, make_post, make_reply, make_topic, agent
):
    from portal.community import service

    topic = make_topic(name="모바일")
    post = make_post(title="로밍 요금제 추천", body="일본 5일 여행이에요", topic=topic, tags=["로밍"])
    make_reply(post, body="하루 요금제를 써 봤어요")
    answer = make_reply(post, author=agent, body="**5일권**이 가장 저렴합니다")
    service.accept_answer(post.author, post, answer)
    held = make_post(body="https://a.example https://b.example https://c.example 광고")
    source = searchable.sources()["post"]
    docs = source.load([post.id, held.id, 999999])
    assert [d.id for d in docs] == [post.id]
    doc = docs[0]
    assert doc.kind == "post" and doc.visibility == ["public"] and doc.url == f"/community/posts/{post.id}"
    assert (
        doc.title == "로밍 요금제 추천"
        and doc.locale == "ko"
        and doc.tags == ["로밍"]
        and doc.category == "모바일"
    )
    assert doc.body.index("일본 5일") < doc.body.index("5일권이 가장") < doc.body.index("하루 요금제")
    assert doc.extra["solved"] and doc.extra["staff_answered"] and "5일권" in doc.extra["accepted_answer"]
    assert source.count() == 1 and list(source.batches(10)) == [[post.id]]


def test_changes_are_queued_for_the_index_when_a_search_domain_listens(
    db, make_post, make_reply, monkeypatch
):
    monkeypatch.setitem(outbox._handlers, searchable.INDEX_KIND, lambda payload: None)
    post = make_post()
    make_reply(post)
    payloads = [
        e.payload
        for e in db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.kind == searchable.INDEX_KIND))
    ]
    assert {"kind": "post", "ids": [post.id]} in payloads and len(payloads) >= 2


def test_the_demo_seeds_threads_an_accepted_answer_and_an_angry_post_in_the_queue(db, app):
    from portal import demo as core_demo
    from portal.community import demo
    from portal.community.models import Post
    from portal.tickets.models import Ticket

    seeded = core_demo.Demo()
    core_demo.seed(seeded)
    demo.seed(seeded)
    db.session.flush()
    posts = db.session.scalars(sa.select(Post)).all()
    assert any(p.locale == "ko" for p in posts) and any(p.locale == "en" for p in posts)
    assert sum(1 for p in posts if p.accepted_reply_id) == 1
    assert any(p.state == "held" for p in posts) and any(p.pinned for p in posts)
    angry = next(p for p in posts if p.ticket_id)
    ticket = db.session.get(Ticket, angry.ticket_id)
    assert ticket.priority == "high" and "sour-post" in ticket.tags and ticket.channel == "community"
    assert sum(1 for p in posts if p.ticket_id) == 1  # the calm threads raised nothing
