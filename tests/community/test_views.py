"""The board's pages through the test client: reading, posting, answering, voting, flagging, following."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.community import moderation
from portal.community.models import Flag, Reply
from tests.community.test_content_and_sour import unsafe_parts


def test_anyone_reads_the_board_and_a_thread(client, make_post, make_reply, make_topic):
    topic = make_topic(slug="mobile", name="모바일", name_en="Mobile")
    post = make_post(title="eSIM 설정 방법", topic=topic, tags=["esim"])
    make_reply(post, body="앱에서 **QR 코드**를 찾으세요")
    board = client.get("/community/").get_data(as_text=True)
    assert "eSIM 설정 방법" in board and "Mobile" in board
    for path in (
        "/community/topics/mobile",
        "/community/tags/esim",
        "/community/?sort=top",
        "/community/?sort=unanswered",
    ):
        assert client.get(path).status_code == 200
    thread = client.get(f"/community/posts/{post.id}").get_data(as_text=True)
    assert "<strong>QR 코드</strong>" in thread and "Sign in" in thread
    assert client.get("/community/topics/nope").status_code == 404
    assert client.get("/community/posts/999999").status_code == 404
    assert client.get("/community/?after=not-a-cursor").status_code == 400


def test_an_empty_board_says_what_to_do_next(client):
    page = client.get("/community/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "아직 글이 없습니다" in page and "커뮤니티에 질문하기" in page


def test_posting_needs_sign_in_and_lands_on_the_thread(client, make_user, make_topic):
    assert client.get("/community/new").status_code == 302
    user = make_user("customer")
    topic = make_topic()
    client.login(user.email)
    response = client.post(
        "/community/new",
        data={
            "title": "인터넷 속도 질문",
            "topic_id": str(topic.id),
            "tags": "인터넷",
            "body": "저녁에 느려져요 <script>x</script>",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "인터넷 속도 질문" in page and "<script>x" not in page and "&lt;script&gt;" in page


def test_form_errors_name_the_field_in_korean_and_english(client, make_user):
    client.login(make_user("customer").email)
    english = client.post("/community/new", data={"title": "", "body": ""})
    assert english.status_code == 422
    text = english.get_data(as_text=True)
    assert "Write a title." in text and "Write something first." in text
    korean = client.post(
        "/community/new", data={"title": "ab", "body": ""}, headers={"Accept-Language": "ko"}
    )
    text = korean.get_data(as_text=True)
    assert "제목은 4자에서 200자 사이로 써 주세요." in text and "내용을 입력하세요." in text
    too_many = client.post(
        "/community/new", data={"title": "태그가 많아요", "body": "내용", "tags": "a b c d e f"}
    )
    assert too_many.status_code == 422 and "Use at most 5 tags." in too_many.get_data(as_text=True)


def test_answering_voting_and_accepting_on_the_thread(client, make_client, make_user, make_post):
    asker, helper = make_user("customer"), make_user("customer")
    post = make_post(asker)
    helper_client = make_client()
    helper_client.login(helper.email)
    answered = helper_client.post(
        f"/community/posts/{post.id}/replies", data={"body": "설정 → 요금제에서 바꿔요"}
    )
    assert answered.status_code == 302 and "#r" in answered.headers["Location"]
    from portal.extensions import db

    reply = db.session.scalar(sa.select(Reply).where(Reply.post_id == post.id))
    # a JSON vote (community.js) and a plain form vote (no JavaScript)
    voted = helper_client.post(
        f"/community/posts/{post.id}/vote", data={"value": "1"}, headers={"Accept": "application/json"}
    )
    assert voted.get_json() == {"score": 1, "value": 1}
    again = helper_client.post(
        f"/community/posts/{post.id}/vote", data={"value": "1"}, headers={"Accept": "application/json"}
    )
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_voted"
    own = helper_client.post(
        f"/community/replies/{reply.id}/vote", data={"value": "1"}, headers={"Accept": "application/json"}
    )
    assert own.status_code == 403
    client.login(asker.email)
    assert client.post(f"/community/replies/{reply.id}/vote", data={"value": "1"}).status_code == 302
    accepted = client.post(f"/community/posts/{post.id}/accept", data={"reply_id": str(reply.id)})
    assert accepted.status_code == 302
    page = client.get(f"/community/posts/{post.id}").get_data(as_text=True)
    assert "Accepted answer" in page and "Solved" in page
    assert helper_client.post(f"/community/posts/{post.id}/accept", data={"reply_id": ""}).status_code == 302
    db.session.refresh(post)
    assert post.accepted_reply_id == reply.id  # the helper could not take it back


def test_a_locked_post_refuses_replies_from_the_page(client, make_user, make_post, agent):
    post = make_post()
    moderation.lock(agent, post, True)
    from portal.extensions import db

    db.session.commit()
    client.login(make_user("customer").email)
    page = client.get(f"/community/posts/{post.id}").get_data(as_text=True)
    assert "This post is locked" in page and 'name="body"' not in page
    response = client.post(
        f"/community/posts/{post.id}/replies", data={"body": "그래도 답할래요"}, follow_redirects=True
    )
    assert "This post is locked" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reply)) == 0


def test_empty_reply_shows_the_error_on_the_field(client, make_user, make_post):
    post = make_post()
    client.login(make_user("customer").email)
    response = client.post(
        f"/community/posts/{post.id}/replies", data={"body": "  "}, headers={"Accept-Language": "ko"}
    )
    assert response.status_code == 422 and "내용을 입력하세요." in response.get_data(as_text=True)


def test_flagging_from_the_page_once(client, make_user, make_post):
    post = make_post()
    client.login(make_user("customer").email)
    assert (
        client.post(f"/community/posts/{post.id}/flag", data={"reason": "spam", "note": "광고"}).status_code
        == 302
    )
    page = client.post(f"/community/posts/{post.id}/flag", data={"reason": "spam"}, follow_redirects=True)
    assert "You already flagged this." in page.get_data(as_text=True)
    assert "You flagged this" in client.get(f"/community/posts/{post.id}").get_data(as_text=True)
    from portal.extensions import db

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag)) == 1


def test_held_posts_are_seen_by_their_author_and_staff_only(client, make_client, make_user, make_post, agent):
    author = make_user("customer")
    held = make_post(author, body="https://a.example https://b.example https://c.example 보세요")
    assert client.get(f"/community/posts/{held.id}").status_code == 404
    client.login(author.email)
    assert "waits for a moderator" in client.get(f"/community/posts/{held.id}").get_data(as_text=True)
    staff = make_client()
    staff.login(agent.email)
    assert staff.get(f"/community/posts/{held.id}").status_code == 200


def test_following_and_notifications_pages(client, make_user, make_post, make_reply, make_topic):
    user = make_user("customer")
    topic = make_topic(slug="internet")
    post = make_post(user)
    make_reply(post)
    client.login(user.email)
    board = client.get("/community/").get_data(as_text=True)
    assert 'class="position-absolute' in board  # the unread badge on the bell
    assert client.post("/community/follow", data={"kind": "topic", "key": str(topic.id)}).status_code == 302
    assert client.post("/community/follow", data={"kind": "topic", "key": "999999"}).status_code == 404
    page = client.get("/community/notifications/").get_data(as_text=True)
    assert (
        "replied" in page and post.title in page and "internet" not in page.split("What you follow")[0][-10:]
    )
    link = re.search(r'href="(/community/notifications/\d+)"', page).group(1)
    assert client.get(link).status_code == 302
    assert client.post("/community/notifications/read").status_code == 302
    assert (
        client.post(
            "/community/unfollow", data={"kind": "topic", "key": str(topic.id), "next": "notifications"}
        ).status_code
        == 302
    )


def test_staff_tools_are_staff_only(client, make_user, make_post):
    post = make_post()
    client.login(make_user("customer").email)
    assert client.get("/desk/community/").status_code == 404
    assert client.post(f"/desk/community/posts/{post.id}/pin").status_code == 404
    assert client.post(f"/desk/community/posts/{post.id}/ticket").status_code == 404
    assert "Staff tools" not in client.get(f"/community/posts/{post.id}").get_data(as_text=True)


def test_an_agent_moderates_from_the_queue_and_the_thread(
    client, make_user, make_post, make_reply, make_topic, agent
):
    from portal.extensions import db

    post = make_post(title="첫 글입니다")
    bad = make_reply(post, body="광고 링크 https://spam.example")
    moderation.flag(make_user("customer"), bad, "spam")
    db.session.commit()
    client.login(agent.email)
    queue = client.get("/desk/community/").get_data(as_text=True)
    assert "첫 글입니다" in queue and "Flagged" in queue and "First post" in queue
    assert client.post(f"/desk/community/replies/{bad.id}/spam", data={"next": "queue"}).status_code == 302
    assert client.post(f"/desk/community/posts/{post.id}/approve").status_code == 302
    db.session.refresh(bad)
    db.session.refresh(post)
    assert bad.state == "hidden" and not post.needs_review
    assert "Hidden" in client.get("/desk/community/?tab=hidden").get_data(as_text=True)
    other_topic = make_topic()
    for path, data in (
        (f"/desk/community/posts/{post.id}/pin", {}),
        (f"/desk/community/posts/{post.id}/lock", {}),
        (f"/desk/community/posts/{post.id}/move", {"topic_id": str(other_topic.id)}),
    ):
        assert client.post(path, data=data).status_code == 302
    db.session.refresh(post)
    assert post.pinned and post.locked and post.topic_id == other_topic.id
    target = make_post(title="합칠 대상 글")
    merged = client.post(
        f"/desk/community/posts/{post.id}/merge", data={"target": f"http://x/community/posts/{target.id}"}
    )
    assert merged.headers["Location"].endswith(f"/community/posts/{target.id}")
    assert client.get(f"/community/posts/{post.id}").status_code == 301


def test_an_agent_turns_a_post_into_a_ticket_and_promotes_an_answer(
    client, make_post, make_reply, agent, draft_receiver
):
    post = make_post(title="청구서가 두 번 왔어요", body="같은 달 청구서가 두 장 왔습니다")
    reply = make_reply(post, author=agent, body="한 장은 취소된 청구서입니다.")
    client.login(agent.email)
    response = client.post(f"/desk/community/posts/{post.id}/ticket")
    assert re.search(r"/desk/tickets/\d+$", response.headers["Location"])
    ticket_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Community post" in ticket_page and f"/community/posts/{post.id}" in ticket_page
    assert client.post(f"/desk/community/replies/{reply.id}/promote").status_code == 302
    assert draft_receiver and "Draft article made from this answer" in client.get(
        f"/community/posts/{post.id}"
    ).get_data(as_text=True)


def test_promoting_when_no_knowledge_base_takes_the_draft_says_so(
    client, make_post, make_reply, agent, no_knowledge_base
):
    reply = make_reply(make_post(), author=agent)
    client.login(agent.email)
    page = client.post(f"/desk/community/replies/{reply.id}/promote", follow_redirects=True).get_data(
        as_text=True
    )
    assert "did not take the draft" in page


def test_promoting_makes_a_draft_article_in_the_knowledge_base(client, db, make_post, make_reply, agent):
    import sqlalchemy as sa

    from portal.knowledge.models import Article

    post = make_post(title="환불은 언제 되나요", body="카드 환불 기간이 궁금합니다")
    reply = make_reply(post, author=agent, body="카드 환불은 영업일 기준 3~5일 걸립니다.")
    client.login(agent.email)
    assert client.post(f"/desk/community/replies/{reply.id}/promote").status_code == 302
    article = db.session.scalars(sa.select(Article).where(Article.title == "환불은 언제 되나요")).one()
    assert article.status == "draft" and "3~5일" in article.body


def test_a_sour_post_shows_in_the_agents_queue_with_its_badge(client, make_post, agent):
    post = make_post(title="환불 안 해주는 최악의 서비스", body="이거 사기 아닌가요?")
    client.login(agent.email)
    queue = client.get("/desk/?view=open&sort=priority").get_data(as_text=True)
    assert "환불 안 해주는 최악의 서비스" in queue and "Sour post" in queue
    assert post.ticket_id


def test_admins_manage_topics_and_sour_words(client, admin, make_topic):
    client.login(admin.email)
    created = client.post(
        "/admin/community/topics/new",
        data={"name": "요금", "name_en": "Billing", "slug": "billing-x", "position": "5"},
    )
    assert created.status_code == 302
    clash = client.post("/admin/community/topics/new", data={"name": "요금2", "slug": "billing-x"})
    assert clash.status_code == 422 and "Another topic already uses this address." in clash.get_data(
        as_text=True
    )
    bad_slug = client.post("/admin/community/topics/new", data={"name": "요금3", "slug": "Bad Slug"})
    assert bad_slug.status_code == 422
    assert (
        client.post("/admin/community/sour-words", data={"term": "먹튀", "kind": "angry"}).status_code == 302
    )
    tried = client.get("/admin/community/sour-words?try=완전 먹튀네요").get_data(as_text=True)
    assert "Would be raised" in tried and "먹튀" in tried


def test_markdown_preview_is_sanitized(client, make_user):
    client.login(make_user("customer").email)
    html = client.post(
        "/community/preview", data={"body": "**hi** <img src=x onerror=alert(1)> [x](javascript:alert(1))"}
    ).get_json()["html"]
    assert "<strong>hi</strong>" in html and unsafe_parts(html) == []


def test_pages_do_not_run_a_query_per_post(client, make_user, make_post, make_reply, count_queries, agent):
    posts = [make_post(tags=["a", "b"]) for _ in range(3)]
    for post in posts:
        make_reply(post)
    viewer = make_user("customer")
    client.login(viewer.email)
    with count_queries() as few:
        client.get("/community/")
    more = [make_post(tags=["c"]) for _ in range(6)]
    for post in more:
        make_reply(post)
    with count_queries() as many:
        client.get("/community/")
    assert many.count == few.count
    for _ in range(6):
        make_reply(posts[0])
    client.login(agent.email)
    url = f"/community/posts/{posts[0].id}"
    client.get(url)  # reads the thread's notifications once
    with count_queries() as thread:
        client.get(url)
    make_reply(posts[0])
    with count_queries() as thread_again:
        client.get(url)
    assert thread_again.count == thread.count
