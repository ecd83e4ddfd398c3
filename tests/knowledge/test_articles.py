"""The knowledge base: agents write (versions, revisions), customers read, Markdown is safe, votes count once."""

from __future__ import annotations

import re

import pytest

from portal.core.errors import DomainError, ValidationFailed
from portal.knowledge import service
from portal.knowledge.models import Article, ArticleRevision


def test_markdown_is_rendered_without_scripts_handlers_or_javascript_links(client, index, make_article):
    article = make_article(
        "안전한 글",
        "# 제목\n\n**굵게** <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
        "[누르기](javascript:alert(3)) [좋은 링크](https://example.com)\n\n<a href='#' onclick='x()'>a</a>",
    )
    html = client.get(f"/kb/articles/{article.id}").get_data(as_text=True)
    body = html.split('class="kb-body">', 1)[1].split("</article>", 1)[0]
    assert "<strong>굵게</strong>" in body and 'href="https://example.com"' in body
    tags = re.findall(r"<[^>]+>", body)  # raw HTML in the source is shown as text, never as markup
    assert not [t for t in tags if t.startswith("<script") or re.search(r"\son\w+=", t) or "javascript:" in t]


def test_customers_never_see_internal_or_draft_articles_by_id(
    client, make_client, index, make_article, customer_user, agent
):
    internal = make_article("[상담원용] 환불 승인 기준", "5만 원 이하", internal=True)
    draft = make_article("작성 중인 글", "아직", status="draft")
    for path in (f"/kb/articles/{internal.id}", f"/kb/articles/{draft.id}"):
        assert client.get(path).status_code == 404
    client.login(customer_user.email)
    assert client.get(f"/kb/articles/{internal.id}").status_code == 404
    staff = make_client()
    staff.login(agent.email)
    page = staff.get(f"/kb/articles/{internal.id}").get_data(as_text=True)
    assert "Internal: agents only" in page


def test_korean_and_english_versions_are_linked(client, index, make_article):
    korean = make_article("비밀번호 재설정", "비밀번호 찾기를 누르세요.")
    english = service.create_article(
        None,
        title="Reset your password",
        body="Choose Forgot password.",
        locale="en",
        status="published",
        translation_of=korean,
    )
    client.application.extensions  # noqa: B018
    from portal.extensions import db

    db.session.commit()
    assert english.family_id == korean.id
    page = client.get(f"/kb/articles/{korean.id}").get_data(as_text=True)
    assert f"/kb/articles/{english.id}" in page and "Read in English" in page
    with pytest.raises(ValidationFailed):
        service.create_article(None, title="Again", body="", locale="en", translation_of=korean)


def test_every_save_keeps_a_revision_that_can_be_restored(db, index, agent, make_article):
    article = make_article("처음 제목", "처음 본문")
    service.update_article(article, agent, title="두 번째 제목", body="고친 본문", note="오타 수정")
    db.session.commit()
    assert article.revision == 2
    revisions = (
        db.session.query(ArticleRevision)
        .filter_by(article_id=article.id)
        .order_by(ArticleRevision.number)
        .all()
    )
    assert [(r.number, r.title) for r in revisions] == [(1, "처음 제목"), (2, "두 번째 제목")]
    service.restore_revision(article, revisions[0], agent)
    db.session.commit()
    assert (article.title, article.body, article.revision) == ("처음 제목", "처음 본문", 3)


def test_a_vote_counts_once_per_person_and_once_per_visitor(db, index, make_article, customer_user):
    article = make_article("도움이 되었나요", "본문")
    service.vote(article, helpful=True, user=customer_user)
    with pytest.raises(DomainError) as refused:
        service.vote(article, helpful=False, user=customer_user)
    assert refused.value.status == 409
    service.vote(article, helpful=False, comment="메일이 안 와요", visitor="visitor-aaaa")
    with pytest.raises(DomainError):
        service.vote(article, helpful=True, visitor="visitor-aaaa")
    db.session.commit()
    fresh = db.session.get(Article, article.id)
    assert (fresh.helpful_yes, fresh.helpful_no) == (1, 1)


def test_voting_through_the_page_twice_is_refused_politely(client, index, make_article):
    article = make_article("도움이 되었나요", "본문")
    first = client.post(f"/kb/articles/{article.id}/vote", data={"helpful": "yes", "comment": "좋아요"})
    assert first.status_code == 302
    again = client.post(f"/kb/articles/{article.id}/vote", data={"helpful": "yes"}, follow_redirects=True)
    assert "already answered" in again.get_data(as_text=True)
    from portal.extensions import db

    assert db.session.get(Article, article.id).helpful_yes == 1


def test_agents_write_and_edit_in_the_desk_and_customers_cannot(
    client, make_client, index, agent, customer_user
):
    client.login(customer_user.email)
    assert client.get("/desk/kb/new").status_code == 404
    staff = make_client()
    staff.login(agent.email)
    created = staff.post(
        "/desk/kb/new",
        data={"title": "새 글", "body": "**본문**", "locale": "ko", "status": "published", "section_id": ""},
    )
    assert created.status_code == 302
    article_id = int(created.headers["Location"].rstrip("/").split("/")[-2])
    edited = staff.post(
        f"/desk/kb/{article_id}/edit",
        data={"title": "고친 글", "body": "본문", "status": "published", "section_id": ""},
    )
    assert edited.status_code == 302
    assert "고친 글" in client.get(f"/kb/articles/{article_id}").get_data(as_text=True)
    bad = staff.post("/desk/kb/new", data={"title": "", "body": "", "locale": "ko", "status": "draft"})
    assert bad.status_code == 422


def test_a_community_answer_becomes_a_draft_through_the_signal(app, db, index, agent):
    from portal.core import signals

    with app.test_request_context():
        answers = signals.article_draft_requested.send(
            object(),
            title="공유기 재부팅 팁",
            body="전원을 뽑고 10초",
            locale="ko",
            actor=agent,
            source_url="/community/posts/7",
        )
    url = next(value for _receiver, value in answers if value)
    article = db.session.query(Article).filter_by(title="공유기 재부팅 팁").one()
    assert article.status == "draft" and article.source_url == "/community/posts/7"
    assert url.endswith(f"/desk/kb/{article.id}/edit")


def test_the_help_center_lists_categories_in_the_readers_language(client, db, index, agent):
    category = service.save_category(None, slug="billing", name="요금·결제", name_en="Bills")
    section = service.save_section(None, category=category, name="환불", name_en="Refunds")
    ko = service.create_article(agent, title="환불 신청 방법", body="", section=section, status="published")
    service.create_article(
        agent, title="How to get a refund", body="", locale="en", status="published", translation_of=ko
    )
    db.session.commit()
    korean = client.get("/kb", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    english = client.get("/kb").get_data(as_text=True)
    assert "환불 신청 방법" in korean and "How to get a refund" not in korean
    assert "How to get a refund" in english and "Bills" in english
