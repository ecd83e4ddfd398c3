"""Search: Korean as customers write it, permissions, any input, grouping, snippets and "did you mean"."""

from __future__ import annotations

import pytest

from portal.customers.service import customer_for_user
from portal.search import service
from portal.search.service import Filters


def titles(results, kind="article"):
    return [h.title for h in results.groups.get(kind, [])]


@pytest.fixture()
def korean_articles(make_article):
    return {
        "password": make_article("비밀번호를 잊어버렸어요", "로그인 화면에서 비밀번호 찾기를 누르세요."),
        "refund": make_article(
            "환불받고 싶습니다", "결제 내역에서 환불 신청을 누르면 3일 안에 돌려드립니다."
        ),
        "wifi": make_article("와이파이가 자꾸 끊겨요", "공유기 전원을 뽑았다가 다시 꽂아 보세요."),
        "english": make_article(
            "Resetting a forgotten password", "Choose Forgot password on the sign-in page.", locale="en"
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("비밀번호", "비밀번호를 잊어버렸어요"),
        ("환불", "환불받고 싶습니다"),
        ("비밀 번호", "비밀번호를 잊어버렸어요"),
        ("와이 파이", "와이파이가 자꾸 끊겨요"),
        ("인터넷 연결이 끊겼어요", "와이파이가 자꾸 끊겨요"),
        ("forgot my password", "Resetting a forgotten password"),
        ("passwords", "Resetting a forgotten password"),
    ],
)
def test_korean_words_inside_longer_words_spacing_variants_and_english_are_found(
    index, korean_articles, query, expected
):
    results = service.search(query)
    assert titles(results)[0] == expected


def test_results_are_grouped_by_kind_with_marked_snippets(index, korean_articles, agent, make_ticket):
    make_ticket(subject="환불 요청드립니다", text="지난달 요금 환불 부탁드려요")
    results = service.search("환불", user=agent)
    assert list(results.groups) == ["article", "ticket"]
    hit = results.groups["article"][0]
    assert "<mark>환불</mark>" in str(hit.title_html)
    assert "<mark>환불</mark>" in str(hit.snippet)


def test_snippets_escape_the_documents_html(index, make_article):
    make_article("스크립트 <b>제목</b>", "본문 <script>alert('환불')</script> 환불")
    hit = service.search("환불").groups["article"][0]
    assert "<script>" not in str(hit.snippet) and "&lt;script&gt;" in str(hit.snippet)
    assert "<b>" not in str(hit.title_html)


def test_anonymous_visitors_and_customers_never_see_internal_or_draft_articles(
    index, make_article, customer_user, agent
):
    make_article("환불 안내", "환불은 3일")
    make_article("[상담원용] 환불 승인 기준", "5만 원 이하 환불은 바로 승인", internal=True)
    make_article("환불 초안", "작성 중", status="draft")
    for who in (None, customer_user):
        assert titles(service.search("환불", user=who)) == ["환불 안내"]
    assert set(titles(service.search("환불", user=agent))) == {
        "환불 안내",
        "[상담원용] 환불 승인 기준",
        "환불 초안",
    }


def test_each_customer_finds_only_their_own_tickets_and_agents_find_all(index, make_user, make_ticket, agent):
    yuna, minho = make_user("customer"), make_user("customer")
    make_ticket(subject="공유기 고장", text="공유기가 고장났어요", user_id=yuna.id, email=yuna.email)
    make_ticket(subject="공유기 교체", text="공유기를 바꾸고 싶어요", user_id=minho.id, email=minho.email)
    mine = service.search("공유기", user=yuna)
    assert [h.title.split(" ", 1)[1] for h in mine.groups["ticket"]] == ["공유기 고장"]
    assert len(service.search("공유기", user=agent).groups["ticket"]) == 2
    assert "ticket" not in service.search("공유기").groups  # nobody signed in
    assert customer_for_user(yuna) is not None


@pytest.mark.parametrize(
    "text",
    [
        'title:"환불',
        "환불 AND OR NOT (",
        "*?~^{}[]:\\/",
        "a" * 10_000,
        "환불 " * 3000,
        "",
        "   ",
        "\x00\x01\ufeff",
        "'; DROP TABLE articles; --",
    ],
)
def test_any_input_answers_without_an_error(client, index, korean_articles, text):
    page = client.get("/search", query_string={"q": text})
    api = client.get("/api/v1/search", query_string={"q": text})
    suggest = client.get("/search/suggest", query_string={"q": text})
    assert (page.status_code, api.status_code, suggest.status_code) == (200, 200, 200)
    assert isinstance(api.get_json()["items"], list)


def test_did_you_mean_respells_unknown_words(index, korean_articles):
    results = service.search("환블")
    assert results.suggestion == "환불" and results.corrected
    assert titles(results)[0] == "환불받고 싶습니다"
    assert service.search("paswword").suggestion == "password"
    assert service.search("환불").suggestion is None


def test_filters_narrow_by_kind_and_language(index, korean_articles, agent, make_ticket):
    make_ticket(subject="password help", text="I forgot my password")
    english = service.search("password", user=agent, filters=Filters(locale="en", kinds=["article"]))
    assert list(english.groups) == ["article"] and titles(english) == ["Resetting a forgotten password"]


def test_the_queue_and_the_tickets_api_search_through_the_index(client, index, agent, make_ticket, token_for):
    wanted = make_ticket(subject="인터넷 설치 일정", text="설치 기사님 방문 날짜를 바꾸고 싶어요")
    make_ticket(subject="요금 문의", text="요금이 많이 나왔어요")
    listing = client.get(
        "/api/v1/tickets", query_string={"q": "방문 날짜"}, headers=token_for(agent)
    ).get_json()
    assert [t["ref"] for t in listing["items"]] == [str(wanted.ref)]


def test_the_search_api_answers_best_first_in_the_contract_shape(
    client, index, korean_articles, customer_user, token_for
):
    body = client.get(
        "/api/v1/search", query_string={"q": "비밀번호", "kind": "article"}, headers=token_for(customer_user)
    ).get_json()
    first = body["items"][0]
    assert set(first) == {"kind", "id", "title", "url", "snippet", "score"}
    assert first["kind"] == "article" and first["title"] == "비밀번호를 잊어버렸어요"
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)
    bad = client.get("/api/v1/search", query_string={"q": "x", "kind": "users"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_failed"


def test_the_results_page_shows_groups_and_an_empty_state_that_says_what_to_do(
    client, index, korean_articles
):
    page = client.get("/search", query_string={"q": "환불"}).get_data(as_text=True)
    assert "data-search-page" in page and "<mark>환불</mark>" in page and "Help articles" in page
    empty = client.get("/search", query_string={"q": "양자컴퓨터"}).get_data(as_text=True)
    assert "No results for" in empty and "/requests/new?subject=" in empty


def test_suggest_gives_the_chat_bot_shape(index, korean_articles, make_article):
    make_article("[상담원용] 비밀번호 초기화 절차", "상담원만", internal=True)
    items = service.suggest("비밀번호를 까먹었어요", "ko", None)
    assert items and set(items[0]) == {"kind", "id", "title", "url", "snippet"}
    assert items[0]["title"] == "비밀번호를 잊어버렸어요"
    assert all("상담원" not in i["title"] for i in items)
