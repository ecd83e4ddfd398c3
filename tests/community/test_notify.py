"""Followers hear about new posts, answers and accepted answers: in the portal, and by mail through SMTP."""

from __future__ import annotations

import sqlalchemy as sa

from portal.community import notify, queries, service
from portal.community.models import Notification


def _notes(db, user):
    return db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def test_a_new_post_in_a_followed_topic_or_tag_notifies_in_the_portal_and_by_mail(
    db, make_user, make_topic, make_post, smtp
):
    topic = make_topic(name="모바일", name_en="Mobile")
    by_topic, by_tag, both = make_user("customer"), make_user("customer", locale="en"), make_user("customer")
    notify.follow(by_topic, "topic", topic.id)
    notify.follow(by_tag, "tag", "esim")
    notify.follow(both, "topic", topic.id, email=False)
    notify.follow(both, "tag", "esim", email=False)
    db.session.commit()
    author = make_user("customer", name="질문자")
    post = make_post(
        author, title="eSIM 설정", body="아이폰 eSIM 설정 방법이 궁금해요", topic=topic, tags=["esim"]
    )
    assert [n.event for n in _notes(db, by_topic)] == ["new_post"]
    assert [n.event for n in _notes(db, by_tag)] == ["new_post"]
    assert len(_notes(db, both)) == 1  # one notification even when two follows match
    assert _notes(db, author) == []  # never about one's own post
    mails = smtp.wait_for(2)
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == sorted([by_topic.email, by_tag.email])
    english = next(m for m in mails if m["To"].addresses[0].addr_spec == by_tag.email)
    assert english["Subject"] == "New post: eSIM 설정" and english["Auto-Submitted"] == "auto-generated"
    assert f"/community/posts/{post.id}" in english.get_body(("plain",)).get_content()
    korean = next(m for m in mails if m["To"].addresses[0].addr_spec == by_topic.email)
    assert "새 글" in korean["Subject"]


def test_answers_notify_the_threads_followers_but_not_the_one_who_answered(
    db, make_user, make_post, make_reply
):
    asker, helper = make_user("customer"), make_user("customer")
    post = make_post(asker)
    make_reply(post, author=helper)
    assert [n.event for n in _notes(db, asker)] == ["reply"]
    assert _notes(db, helper) == []  # the helper now follows, but did not hear about their own reply
    make_reply(post, author=asker, body="감사합니다! 해결됐어요")
    assert [n.event for n in _notes(db, helper)] == ["reply"]


def test_a_staff_answer_and_an_accepted_answer_are_announced(db, make_user, make_post, make_reply, agent):
    asker, helper = make_user("customer"), make_user("customer")
    post = make_post(asker)
    answer = make_reply(post, author=agent, body="안녕하세요, 고객센터입니다. 앱에서 바꾸실 수 있어요.")
    assert [n.event for n in _notes(db, asker)] == ["staff_reply"]
    make_reply(post, author=helper)
    service.accept_answer(asker, post, answer)
    db.session.commit()
    assert [n.event for n in _notes(db, helper)] == ["accepted"]
    assert [n.event for n in _notes(db, agent)][-1] == "accepted"
    assert "accepted" not in [n.event for n in _notes(db, asker)]


def test_unread_counts_reading_and_unfollowing(db, make_user, make_post, make_reply):
    asker = make_user("customer")
    post = make_post(asker)
    make_reply(post)
    make_reply(post)
    assert db.session.scalar(queries.unread_count(asker.id)) == 2
    first = _notes(db, asker)[0]
    notify.mark_read(asker, notification_id=first.id)
    assert db.session.scalar(queries.unread_count(asker.id)) == 1
    notify.mark_read(asker, post_id=post.id)
    assert db.session.scalar(queries.unread_count(asker.id)) == 0
    notify.unfollow(asker, "post", post.id)
    db.session.commit()
    make_reply(post)
    assert db.session.scalar(queries.unread_count(asker.id)) == 0


def test_delivering_an_event_twice_notifies_once(db, make_user, make_post, make_reply):
    asker = make_user("customer")
    post = make_post(asker)
    reply = make_reply(post)
    notify.deliver({"event": "reply", "post_id": post.id, "reply_id": reply.id, "actor_id": reply.author_id})
    assert len(_notes(db, asker)) == 1


def test_mail_can_be_turned_off_per_follow(db, make_user, make_post, make_reply, smtp):
    asker = make_user("customer")
    post = make_post(asker)
    follow = notify.follow(asker, "post", post.id)
    notify.set_email(asker, follow.id, False)
    db.session.commit()
    smtp.clear()
    make_reply(post)
    assert len(_notes(db, asker)) == 1
    assert smtp.parsed() == []
