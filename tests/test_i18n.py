"""Every visible string has a Korean translation, and the Korean interface renders."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _i18n():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_string_of_every_domain_is_translated_to_korean():
    tool = _i18n()
    gaps = {str(d.relative_to(ROOT)): tool.missing(d) for d in tool.domains()}
    assert {d: ids for d, ids in gaps.items() if ids} == {}


def test_the_interface_follows_accept_language(client):
    korean = client.get("/login", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "로그인" in korean and 'lang="ko"' in korean
    assert "Sign in" in english and 'lang="en"' in english


def test_a_user_setting_wins_over_the_browser(client, make_user):
    user = make_user("customer", locale="en")
    client.login(user.email)
    page = client.get("/requests", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "My requests" in page


def test_a_message_shared_by_domains_is_translated_the_same_everywhere():
    """Catalogs are merged at run time: a clash would let one domain's Korean silently replace another's."""
    from babel.messages.pofile import read_po

    seen: dict[tuple, dict[str, list[str]]] = {}
    for path in (ROOT / "portal").rglob("translations/ko/LC_MESSAGES/messages.po"):
        domain = str(path.parents[3].relative_to(ROOT / "portal"))
        with path.open("rb") as handle:
            for message in read_po(handle):
                if isinstance(message.id, str) and message.id and message.string:
                    seen.setdefault((message.context, message.id), {}).setdefault(message.string, []).append(
                        domain
                    )
    assert {key: texts for key, texts in seen.items() if len(texts) > 1} == {}
