"""The bot's suggestions: a pluggable suggester, and the simple lookup used until search is wired."""

from __future__ import annotations

from datetime import datetime

import pytest

from portal.channels.chat import bot, hours
from portal.core import searchable
from portal.core.searchable import Document


class FakeArticles:
    kind = "article"

    def __init__(self, docs):
        self.docs = docs

    def load(self, ids):
        return [d for d in self.docs if d.id in ids]

    def batches(self, size):
        yield [d.id for d in self.docs]

    def count(self):
        return len(self.docs)


@pytest.fixture()
def articles(monkeypatch):
    now = datetime(2026, 1, 1)
    docs = [
        Document(
            "article", 1, "환불 받는 방법", "중복 결제는 3영업일 안에 환불됩니다.", "/kb/1", ["public"], now
        ),
        Document(
            "article", 2, "로밍 요금 안내", "해외 로밍 하루 요금은 11,000원입니다.", "/kb/2", ["public"], now
        ),
        Document("article", 3, "내부: 환불 승인 절차", "상담사용 환불 승인 절차", "/kb/3", ["staff"], now),
    ]
    monkeypatch.setitem(searchable._sources, "article", FakeArticles(docs))
    bot._cache.update(at=0.0, docs=[])
    yield
    bot._cache.update(at=0.0, docs=[])


def test_hangul_bigrams_let_a_word_meet_its_inflections():
    assert {"환불", "불받"} <= bot.terms("환불받고 싶어요")
    assert "환불" in bot.terms("환불은")


def test_the_simple_lookup_offers_public_documents_sharing_the_customers_words(db, articles):
    found = bot.suggest("환불받고 싶어요", "ko", None)
    assert [i["url"] for i in found] == ["/kb/1"]
    assert bot.suggest("로밍 요금이 궁금해요", "ko", None)[0]["url"] == "/kb/2"
    assert bot.suggest("모뎀 불빛", "ko", None) == []


def test_a_signed_in_customers_own_open_request_is_offered(db, make_ticket, customer_user):
    from portal.customers.service import customer_for_user

    make_ticket("web", user_id=customer_user.id, email=customer_user.email, subject="인터넷이 자꾸 끊겨요")
    customer = customer_for_user(customer_user)
    found = bot.suggest("인터넷이 저녁마다 끊겨요", "ko", customer)
    assert found and found[0]["kind"] == "ticket" and found[0]["url"].startswith("/requests/")
    assert bot.suggest("인터넷 요금제 바꾸면 위약금이 있나요?", "ko", customer) == []


def test_a_plugged_suggester_is_asked_and_its_answers_cleaned(db):
    asked = []

    def fake(text, locale, customer):
        asked.append((text, locale))
        return [
            {
                "kind": "post",
                "id": 1,
                "title": "<b>답변</b>",
                "url": "javascript:alert(1)",
                "snippet": "<em>x</em> & y",
            },
            {"kind": "article", "id": 2, "title": "둘", "url": "/kb/2", "snippet": ""},
            {"no": "title"},
            {"kind": "article", "id": 3, "title": "셋", "url": "https://help.example.com/3"},
            {"kind": "article", "id": 4, "title": "넷", "url": "/kb/4"},
        ]

    bot.set_suggester(fake)
    found = bot.suggest("질문", "en", None)
    assert asked == [("질문", "en")]
    assert found[0] == {"kind": "post", "id": 1, "title": "답변", "url": "", "snippet": "x & y"}
    assert [i["title"] for i in found] == ["답변", "둘", "셋"]


def test_a_failing_suggester_offers_nothing_and_the_bot_hands_over(db, client):
    def broken(text, locale, customer):
        raise RuntimeError("search is down")

    bot.set_suggester(broken)
    assert bot.suggest("환불", "ko", None) == []
    started = client.post(
        "/api/v1/chats", json={"text": "환불", "customer_email": "b@example.com", "customer_name": "B"}
    )
    assert started.get_json()["status"] == "waiting"


def test_business_hours_are_read_and_named_when_wrong():
    from zoneinfo import ZoneInfo

    seoul = ZoneInfo("Asia/Seoul")
    spec = "mon-fri 09:00-18:00, sat 10:00-14:00"
    assert hours.is_open(spec, "Asia/Seoul", datetime(2026, 11, 23, 10, 0, tzinfo=seoul))  # a Monday
    assert not hours.is_open(spec, "Asia/Seoul", datetime(2026, 11, 23, 18, 0, tzinfo=seoul))
    assert hours.is_open(spec, "Asia/Seoul", datetime(2026, 11, 28, 13, 59, tzinfo=seoul))  # Saturday
    assert not hours.is_open(spec, "Asia/Seoul", datetime(2026, 11, 29, 12, 0, tzinfo=seoul))  # Sunday
    assert hours.is_open("", "Asia/Seoul", datetime(2026, 11, 29, 3, 0, tzinfo=seoul))
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=seoul)  # a Friday and a Korean public holiday
    assert hours.is_open(spec, "Asia/Seoul", christmas)
    assert not hours.is_open(spec, "Asia/Seoul", christmas, closed_on_holidays=True)
    for bad in ("weekdays 9-6", "mon-fri 18:00-09:00", "xyz 09:00-10:00"):
        with pytest.raises(hours.BadHours):
            hours.parse(bad)
