"""Posting, replying, voting and accepting answers, through the services (no request)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.community import service
from portal.community.models import Vote
from portal.core.errors import DomainError, Forbidden, ValidationFailed
from portal.customers.models import TimelineEntry


def test_a_customers_post_is_published_tagged_followed_and_on_their_timeline(db, make_user, make_topic):
    from portal.customers.service import customer_for_user

    user = make_user("customer")
    topic = make_topic()
    post = service.create_post(
        user, title="로밍 요금제 질문", body="**도쿄**에 가요", topic=topic, tags="로밍, Japan 로밍"
    )
    db.session.commit()
    assert post.state == "published" and post.locale == "ko"
    assert sorted(post.tags) == ["japan", "로밍"]
    assert "<strong>도쿄</strong>" in post.body_html
    customer = customer_for_user(user)
    entry = db.session.scalar(sa.select(TimelineEntry).where(TimelineEntry.customer_id == customer.id))
    assert (
        entry.kind == "post" and entry.channel == "community" and entry.url == f"/community/posts/{post.id}"
    )
    assert "로밍 요금제 질문" in entry.summary
    from portal.community.models import Follow

    assert db.session.scalar(sa.select(Follow).where(Follow.user_id == user.id)).key == str(post.id)


def test_first_posts_are_published_then_reviewed(make_post, make_user, make_reply):
    user = make_user("customer")
    first = make_post(user)
    assert first.state == "published" and first.needs_review and first.review_reason == "first_post"
    second = make_post(user)
    assert not second.needs_review
    reply = make_reply(first, author=make_user("customer"))
    assert reply.needs_review and reply.review_reason == "first_post"


def test_bad_titles_and_bodies_are_refused_per_field(db, make_user):
    user = make_user("customer")
    with pytest.raises(ValidationFailed) as failed:
        service.create_post(user, title="", body="  ")
    assert set(failed.value.by_field()) == {"title", "body"}
    with pytest.raises(ValidationFailed) as failed:
        service.create_post(user, title="abc", body="<p></p>")
    assert set(failed.value.by_field()) == {"title"}  # raw HTML is text: "<p></p>" is words
    with pytest.raises(ValidationFailed) as failed:
        service.create_post(user, title="충분한 제목", body="내용", tags="a b c d e f")
    assert "tags" in failed.value.by_field()
    with pytest.raises(ValidationFailed) as failed:
        service.create_post(user, title="충분한 제목", body="x" * 20001)
    assert "body" in failed.value.by_field()


def test_links_hold_a_new_posters_post_for_review(make_post, make_user):
    post = make_post(body="https://a.example https://b.example https://c.example 여기 보세요")
    assert post.state == "held" and post.review_reason == "links"


def test_staff_are_not_held_for_links(make_post, agent):
    post = make_post(agent, body="https://a.example https://b.example https://c.example 참고하세요")
    assert post.state == "published" and post.staff and not post.needs_review


def test_the_same_text_twice_is_refused_and_from_another_account_is_held(db, make_post, make_user):
    user = make_user("customer")
    make_post(user, title="같은 글", body="같은 내용을 또 올립니다")
    with pytest.raises(ValidationFailed) as again:
        service.create_post(user, title="같은  글", body="같은 내용을 또 올립니다!")
    assert "body" in again.value.by_field()
    db.session.rollback()
    copy = make_post(make_user("customer"), title="같은 글", body="같은 내용을 또 올립니다")
    assert copy.state == "held" and copy.review_reason == "repetition"


def test_repetitive_text_is_held(make_post):
    post = make_post(body="대박 할인 " * 20)
    assert post.state == "held" and post.review_reason == "repetition"


def test_new_posters_have_a_daily_allowance(db, make_post, make_user, app, monkeypatch):
    from portal.community.spam import TooFast

    monkeypatch.setitem(app.config, "COMMUNITY_NEW_POSTER_DAILY", 2)
    user = make_user("customer")
    make_post(user)
    make_post(user)
    with pytest.raises(TooFast) as refused:
        service.create_post(user, title="세 번째 글입니다", body="또 다른 질문이에요")
    assert refused.value.status == 429


def test_replies_count_move_the_post_up_and_refuse_a_locked_post(db, make_post, make_reply, make_user, agent):
    from portal.community import moderation

    post = make_post()
    before = post.last_activity_at
    reply = make_reply(post)
    assert post.reply_count == 1 and post.last_activity_at >= before
    moderation.lock(agent, post, True)
    db.session.commit()
    with pytest.raises(service.Locked) as locked:
        service.add_reply(make_user("customer"), post, "아직 답이 필요해요")
    assert locked.value.status == 409 and locked.value.code == "locked"
    db.session.rollback()
    closing = service.add_reply(agent, post, "해결되어 잠급니다. 감사합니다.")
    assert closing.staff and reply.state == "published"


def test_votes_are_one_per_person_changeable_and_never_on_ones_own(db, make_post, make_user):
    author, voter = make_user("customer"), make_user("customer")
    post = make_post(author)
    assert service.vote(voter, post, 1) == 1
    db.session.commit()
    with pytest.raises(DomainError) as twice:
        service.vote(voter, post, 1)
    assert twice.value.status == 409 and twice.value.code == "already_voted"
    db.session.rollback()
    assert service.vote(voter, post, -1) == -1  # changing is allowed
    assert service.vote(voter, post, 0) == 0  # and taking it back
    assert service.vote(make_user("customer"), post, 1) == 1
    db.session.commit()
    with pytest.raises(Forbidden):
        service.vote(author, post, 1)
    with pytest.raises(ValidationFailed):
        service.vote(voter, post, 5)
    db.session.rollback()
    votes = db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.target_id == post.id))
    assert votes == 1


def test_vote_stuffing_is_refused_past_the_hourly_allowance(db, make_post, make_user, app, monkeypatch):
    from portal.community.spam import TooFast

    monkeypatch.setitem(app.config, "COMMUNITY_VOTES_PER_HOUR", 3)
    voter = make_user("customer")
    posts = [make_post() for _ in range(4)]
    for post in posts[:3]:
        service.vote(voter, post, 1)
    with pytest.raises(TooFast):
        service.vote(voter, posts[3], 1)


def test_a_second_vote_racing_the_first_hits_the_primary_key(db, make_post, make_user, monkeypatch):
    voter = make_user("customer")
    post = make_post()
    db.session.add(Vote(target_kind="post", target_id=post.id, user_id=voter.id, value=1))
    db.session.flush()
    real_get = db.session().get

    def blind_get(model, key, **kwargs):  # the check-then-insert race: the first vote is not seen yet
        return None if model is Vote else real_get(model, key, **kwargs)

    monkeypatch.setattr(db.session, "get", blind_get)
    with pytest.raises(DomainError) as raced:
        service.vote(voter, post, -1)
    assert raced.value.code == "already_voted"
    assert post.score == 0


def test_the_asker_or_staff_accepts_an_answer_others_cannot(db, make_post, make_reply, make_user, agent):
    asker = make_user("customer")
    post = make_post(asker)
    reply = make_reply(post)
    with pytest.raises(Forbidden):
        service.accept_answer(make_user("customer"), post, reply)
    service.accept_answer(asker, post, reply)
    assert post.accepted_reply_id == reply.id and post.solved
    service.accept_answer(agent, post, None)
    assert post.accepted_reply_id is None
    other = make_post()
    with pytest.raises(ValidationFailed):
        service.accept_answer(asker, post, make_reply(other))


def test_edits_are_sanitized_and_only_for_the_author_or_staff(db, make_post, make_user, agent):
    author = make_user("customer")
    post = make_post(author)
    service.edit_post(
        author, post, title="고친 제목입니다", body="<script>x</script> **고침**", tags=["수정"]
    )
    assert "<script>" not in post.body_html and "<strong>고침</strong>" in post.body_html
    assert post.edited_at is not None and post.tags == ["수정"]
    with pytest.raises(Forbidden):
        service.edit_post(make_user("customer"), post, title="남의 글 제목", body="바꿈")
    service.edit_post(agent, post, title="직원이 고친 제목", body="정리했습니다")


def test_posts_follow_their_customer_through_a_merge_and_back(db, make_post, make_user):
    from portal.customers import service as customers

    user = make_user("customer")
    post = make_post(user)
    survivor = customers.create_customer(name="다른 기록", email="other-record@example.com")
    merge = customers.merge_customers(survivor, db.session.get(type(survivor), post.customer_id), actor=None)
    db.session.flush()
    db.session.refresh(post)
    assert post.customer_id == survivor.id
    survivor_id = survivor.id
    customers.unmerge(merge, actor=None)
    db.session.flush()
    db.session.refresh(post)
    assert post.customer_id != survivor_id
