"""What people write is made safe, measured for spam, and read for anger or failure reports (Korean and English)."""

from __future__ import annotations

import pytest

from portal.community import content, sour


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>hello",
        '<img src=x onerror="alert(1)">hello',
        "[click](javascript:alert(1)) hello",
        '<a href="javascript:alert(1)">x</a> hello',
        "<iframe src='https://evil.example'></iframe>hello",
        '[x](JaVaScRiPt:alert(1)) <svg onload="alert(1)"> hello',
    ],
)
def test_markdown_is_rendered_without_scripts_event_handlers_or_javascript_links(body):
    html = content.render(body)
    assert unsafe_parts(html) == []
    assert "hello" in html


def unsafe_parts(html: str) -> list[str]:
    """Elements and attributes a browser would run, found by parsing the HTML as a browser would."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag in ("script", "iframe", "svg", "object", "embed", "style"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(name)
                if name in ("href", "src") and (value or "").strip().lower().startswith(
                    ("javascript", "data")
                ):
                    found.append(f"{name}={value}")

    Parser().feed(html)
    return found


def test_markdown_keeps_formatting_and_safe_links():
    html = content.render("**굵게** and [docs](https://hana.example/docs)\n\n- one\n- two")
    assert "<strong>굵게</strong>" in html
    assert 'href="https://hana.example/docs"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


def test_plain_text_and_fingerprint_ignore_markup_spacing_and_case():
    assert content.plain_text(content.render("**Hello**   <b>world</b>")) == "Hello <b>world</b>"
    assert content.fingerprint("제목", "Buy  NOW!!") == content.fingerprint("제목", "buy now")
    assert content.fingerprint("제목", "buy now") != content.fingerprint("제목", "buy later")


def test_links_and_repetition_are_measured():
    assert content.count_links("see https://a.example and www.b.example and https://a.example") == 2
    assert content.count_links("[x](https://a.example/1) [y](https://a.example/2)") == 2
    assert content.is_repetitive("buy now " * 10)
    assert not content.is_repetitive(
        "요금제를 바꾸려면 앱에서 설정 메뉴로 들어가서 요금제 변경을 누르면 됩니다 정말 쉬워요"
    )


@pytest.mark.parametrize(
    "text, term",
    [
        ("환불을 안 해주네요", "환불 안 해주"),
        ("환불안해줌 진짜", "환불 안 해주"),
        ("환불 도 안 해 주고", "환불 안 해주"),
        ("이거 완전 사기 아닌가요", "사기"),
        ("사 기 당했어요", "사기"),
        ("역대급 최악이에요", "최악"),
        ("최 악", "최악"),
        ("인터넷이 먹통이에요", "먹통"),
        ("통신장애 때문에 일을 못 해요", "장애"),
        ("진짜 화가 나네요", "화가 나"),
        ("화난 고객입니다", "화나"),
        ("The app is NOT   working", "not working"),
        ("It doesnt work since Monday", "doesn't work"),
        ("I can’t log in", "can't log in"),
        ("This is a total scam", "scam"),
        ("the app crashed twice", "crash"),
        ("what a rip off", "rip-off"),
    ],
)
def test_sour_words_are_found_whatever_the_spacing_particles_and_case(text, term):
    assert term in [h.term for h in sour.find(text, [])]


@pytest.mark.parametrize(
    "text",
    [
        "조사기관에 문의했어요",  # 사기 inside another word
        "복사기 대여도 되나요?",
        "전화나 메일로 연락 주세요",  # 화나 inside 전화나
        "전화가 나오지 않는 요금제",  # 화가 나 across words
        "장애인 할인 문의드립니다",
        "사기업 직원 요금제가 있나요?",
        "요금제 변경 방법이 궁금해요",
        "How do I download the bill?",
        "The download speed is fine, thanks",
    ],
)
def test_innocent_texts_are_not_sour(text):
    assert sour.find(text, []) == []


def test_admin_extras_join_the_list_and_kinds_are_reported(db):
    from portal.community import configure

    assert sour.find("완전 먹튀네요", []) == []
    configure.add_sour_term("먹튀", "angry", None)
    hits = sour.find("완전 먹튀 네요 그리고 앱이 먹통")
    assert [h.term for h in hits] == ["먹통", "먹튀"]
    assert sour.kinds(hits) == ["angry", "failure"]


def test_an_extra_word_is_refused_twice_or_empty(db):
    from portal.community import configure
    from portal.core.errors import ValidationFailed

    configure.add_sour_term("  Total  Joke ", "angry", None)
    with pytest.raises(ValidationFailed) as twice:
        configure.add_sour_term("total joke", "angry", None)
    assert twice.value.by_field()["term"]
    with pytest.raises(ValidationFailed):
        configure.add_sour_term(" ", "angry", None)
    with pytest.raises(ValidationFailed):
        configure.add_sour_term("hmm", "happy", None)
    assert [h.term for h in sour.find("What a TOTAL joke.")] == ["total joke"]
