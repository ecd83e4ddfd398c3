"""Flags from everyone; approve, hide, pin, lock, move and merge for staff."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.community import moderation, queries, service
from portal.community.models import Flag, Follow, Post, Reply, Vote
from portal.core.errors import DomainError, Forbidden, ValidationFailed


def test_a_flag_is_once_per_person_and_puts_the_item_in_the_queue(
    db, make_post, make_reply, make_user, agent
):
    post = make_post(make_user("customer"))
    moderation.approve(agent, post)  # a reviewed first post leaves the queue
    reply = make_reply(post)
    moderation.approve(agent, reply)
    db.session.commit()
    flagger = make_user("customer")
    moderation.flag(flagger, reply, "abusive", "  rude  ")
    db.session.commit()
    assert reply.needs_review and reply.review_reason == "flagged" and reply.flag_count == 1
    assert reply.state == "published"
    with pytest.raises(DomainError) as twice:
        moderation.flag(flagger, reply, "spam")
    assert twice.value.status == 409
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        moderation.flag(make_user("customer"), reply, "boring")
    with pytest.raises(Forbidden):
        moderation.flag(db.session.get(type(flagger), reply.author_id), reply, "spam")
    assert [r.id for r in db.session.scalars(queries.review_queue(Reply))] == [reply.id]
    assert db.session.scalar(sa.select(Flag.note)) == "rude"


def test_enough_flags_hide_an_item_until_a_moderator_decides(db, make_post, make_reply, make_user, agent):
    post = make_post()
    reply = make_reply(post)
    service.accept_answer(agent, post, reply)
    for _ in range(3):
        moderation.flag(make_user("customer"), reply, "spam")
    db.session.commit()
    assert reply.state == "hidden" and reply.hidden_reason == "flags"
    assert post.reply_count == 0 and post.accepted_reply_id is None
    moderation.approve(agent, reply)
    db.session.commit()
    assert reply.state == "published" and not reply.needs_review and post.reply_count == 1
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Flag).where(Flag.resolved_at.is_(None))) == 0
    )
    assert set(db.session.scalars(sa.select(Flag.resolution))) == {"approved"}


def test_a_held_post_is_announced_and_checked_when_approved(db, make_post, agent, make_user):
    held = make_post(body="https://a.example https://b.example https://c.example 최악이에요 사기 같아요")
    assert held.state == "held" and held.ticket_id is None  # spam suspects raise nothing
    follower = make_user("customer")
    from portal.community import notify

    notify.follow(follower, "tag", "held-test")
    moderation.approve(agent, held)
    db.session.commit()
    assert held.state == "published" and held.ticket_id is not None  # now it is real: the sour words count


def test_only_staff_moderate(db, make_post, make_user):
    post = make_post()
    customer = make_user("customer")
    for action in (
        lambda: moderation.approve(customer, post),
        lambda: moderation.hide(customer, post),
        lambda: moderation.pin(customer, post, True),
        lambda: moderation.lock(customer, post, True),
        lambda: moderation.move(customer, post, None),
        lambda: moderation.merge(customer, post, post),
    ):
        with pytest.raises(Forbidden):
            action()


def test_hiding_as_spam_takes_the_post_off_the_board(db, make_post, agent):
    post = make_post()
    moderation.hide(agent, post, spam=True)
    db.session.commit()
    assert post.state == "hidden" and post.hidden_reason == "spam" and not post.needs_review
    listed = db.session.scalars(queries.board_page(queries.BoardFilter(), after=None, limit=50)).all()
    assert post not in listed
    assert post in db.session.scalars(queries.hidden(Post)).all()


def test_pin_lock_and_move(db, make_post, make_topic, agent):
    first, second = make_topic(), make_topic()
    post = make_post(topic=first)
    other = make_post(topic=first)
    moderation.pin(agent, post, True)
    moderation.lock(agent, post, True)
    db.session.commit()
    filters = queries.BoardFilter(topic_id=first.id)
    assert db.session.scalars(queries.pinned(filters)).all() == [post]
    assert post not in db.session.scalars(queries.board_page(filters, after=None, limit=10)).all()
    assert other in db.session.scalars(queries.board_page(filters, after=None, limit=10)).all()
    db.session.refresh(first)
    assert first.post_count == 2
    moderation.move(agent, post, second)
    db.session.commit()
    assert post.topic_id == second.id and post.topic.slug == second.slug
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.post_count, second.post_count) == (1, 1)
    moderation.hide(agent, other)
    db.session.commit()
    db.session.refresh(first)
    assert first.post_count == 0


def test_merging_folds_a_post_its_replies_votes_and_followers_into_another(
    db, make_post, make_reply, make_user, agent
):
    target = make_post(title="eSIM 설정 방법", tags=["esim"])
    source = make_post(title="eSIM 어떻게 켜나요", tags=["아이폰"])
    answer = make_reply(source)
    voter = make_user("customer")
    service.vote(voter, source, 1)
    service.accept_answer(agent, source, answer)
    db.session.commit()
    moderation.merge(agent, source, target)
    db.session.commit()
    assert source.state == "merged" and source.merged_into_id == target.id
    moved = db.session.scalars(sa.select(Reply).where(Reply.post_id == target.id).order_by(Reply.id)).all()
    assert answer in moved and any("eSIM 어떻게 켜나요" in r.body for r in moved)
    assert target.reply_count == 2 and target.accepted_reply_id == answer.id
    assert sorted(target.tags) == ["esim", "아이폰"]
    vote = db.session.scalar(sa.select(Vote).where(Vote.user_id == voter.id))
    assert vote.target_kind == "reply" and next(r for r in moved if r.id == vote.target_id).score == 1
    followers = db.session.scalars(
        sa.select(Follow.user_id).where(Follow.kind == "post", Follow.key == str(target.id))
    )
    assert source.author_id in set(followers)
    with pytest.raises(ValidationFailed):
        moderation.merge(agent, source, target)
    with pytest.raises(ValidationFailed):
        moderation.merge(agent, target, target)
