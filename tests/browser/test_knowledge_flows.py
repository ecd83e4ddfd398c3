"""A Korean customer reads the help center, searches in their own words, and is deflected while typing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in


@pytest.fixture()
def help_center(seed: Any) -> dict[str, int]:
    """The demo knowledge base in the live app (loaded once) and a Korean customer."""

    def data() -> dict[str, int]:
        import sqlalchemy as sa

        from portal.accounts import service as accounts
        from portal.accounts.models import User
        from portal.extensions import db
        from portal.knowledge import demo
        from portal.knowledge.models import Article, Category

        if db.session.scalar(sa.select(Category).where(Category.slug == "account")) is None:
            demo.seed(None)
            accounts.create_user(
                "jiwoo.kb@example.com", "한지우", password="password-123", role="customer", locale="ko"
            )
        db.session.flush()
        rows = db.session.execute(sa.select(Article.title, Article.id).where(Article.locale == "ko")).all()
        assert db.session.scalar(sa.select(User).where(User.email == "jiwoo.kb@example.com"))
        return {title: article_id for title, article_id in rows}

    return seed(data)


def test_a_customer_reads_an_article_and_says_it_helped(new_page, help_center):
    for phone in (False, True):
        page = new_page(locale="ko", phone=phone)
        page.goto("/kb")
        page.wait_for_selector("text=계정·로그인")
        screenshot(page, f"kb-home-{'phone' if phone else 'desktop'}-ko")
        page.click("text=와이파이가 자주 끊길 때 점검 방법")
        page.wait_for_selector("h1:has-text('와이파이가 자주 끊길 때 점검 방법')")
        assert page.locator(".kb-body ol li").count() == 4
        assert page.locator("text=Read in English").count() == 1
        screenshot(page, f"kb-article-{'phone' if phone else 'desktop'}-ko")
        page.fill("#vote-comment", "공유기 위치를 바꾸니 해결됐어요")
        page.click("button[name=helpful][value=yes]")
        page.wait_for_selector("text=의견을 주셔서 감사합니다")
        assert page.locator("text=도움이 되었는지 알려 주셔서 감사합니다").count() == 1


def test_search_in_the_customers_own_words_groups_and_marks_results(new_page, help_center):
    for phone in (False, True):
        page = new_page(locale="ko", phone=phone)
        page.goto("/")
        page.fill(".search-box input[name=q]", "비번 까먹었어요")
        page.press(".search-box input[name=q]", "Enter")
        page.wait_for_selector(".search-hit")
        first = page.locator(".search-hit .hit-title").first.inner_text()
        assert first == "비밀번호를 잊어버렸을 때 재설정하는 방법"
        assert page.locator(".search-hit mark").count() > 0
        assert page.locator("text=[상담원용]").count() == 0
        screenshot(page, f"search-results-{'phone' if phone else 'desktop'}-ko")
    page.goto("/search?q=환블")
    page.wait_for_selector(".did-you-mean >> text=환불")


def test_typing_a_request_shows_answers_and_leaving_after_reading_one_is_a_deflection(
    new_page, help_center, live_app
):
    import sqlalchemy as sa

    from portal.core import measures
    from portal.core.db import utcnow
    from portal.extensions import db
    from portal.search.deflection import settle_attempts
    from portal.search.models import DeflectionAttempt

    page = new_page(locale="ko", phone=True)
    sign_in(page, "jiwoo.kb@example.com")
    page.goto("/requests/new")
    page.locator("input[name=subject]").press_sequentially("카드를 잃어버렸는데 어떻게 하죠", delay=20)
    page.wait_for_selector("#request-suggestions:not([hidden]) >> text=별빛카드 분실 신고와 재발급")
    screenshot(page, "new-request-suggestions-phone-ko")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "new-request-suggestions-desktop-ko")
    page.click("#request-suggestions >> text=별빛카드 분실 신고와 재발급")
    page.wait_for_selector("h1:has-text('별빛카드 분실 신고와 재발급')")
    page.goto("/")  # read the answer, and left without filing

    with live_app.app_context():
        attempt = db.session.scalar(
            sa.select(DeflectionAttempt).where(
                DeflectionAttempt.opened_title == "별빛카드 분실 신고와 재발급"
            )
        )
        assert attempt is not None and attempt.outcome == "pending" and attempt.customer_id
        settle_attempts(now=utcnow() + timedelta(hours=1))
        db.session.commit()
        db.session.refresh(attempt)
        assert attempt.outcome == "deflected"
        rate = measures.compute("deflection_rate", utcnow() - timedelta(days=1), utcnow() + timedelta(days=1))
        assert rate is not None and rate > 0


def test_a_customer_who_files_anyway_is_not_counted_as_deflected(new_page, help_center, live_app):
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.search.models import DeflectionAttempt

    page = new_page(locale="ko")
    sign_in(page, "jiwoo.kb@example.com")
    page.goto("/requests/new")
    page.locator("input[name=subject]").press_sequentially("로밍 요금이 궁금해요", delay=20)
    page.wait_for_selector("#request-suggestions:not([hidden]) >> text=해외 로밍 신청과 요금")
    page.click("#request-suggestions >> text=해외 로밍 신청과 요금")
    page.wait_for_selector("h1:has-text('해외 로밍 신청과 요금')")
    page.go_back()
    page.wait_for_selector("input[name=subject]")
    page.fill("input[name=subject]", "로밍 요금이 궁금해요")
    page.fill("textarea[name=text]", "일본에서 3일 쓰면 얼마인가요?")
    page.click("#new-request-form button[type=submit]")
    page.wait_for_selector("text=일본에서 3일 쓰면")
    with live_app.app_context():
        attempt = db.session.scalar(
            sa.select(DeflectionAttempt).where(DeflectionAttempt.opened_title == "해외 로밍 신청과 요금")
        )
        assert attempt is not None and attempt.outcome == "filed" and attempt.ticket_id
