"""Flask-Babel merges every domain's catalog: a message the catalog shares with another domain must read the same."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent.parent


def _catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="ko") if isinstance(m.id, str) and m.id}


def test_shared_messages_have_the_same_korean_in_every_domain():
    mine = _catalog(ROOT / "portal/catalog/translations/ko/LC_MESSAGES/messages.po")
    clashes = []
    for po in ROOT.glob("portal/**/translations/ko/LC_MESSAGES/messages.po"):
        if "catalog" in po.parts:
            continue
        for msgid, korean in _catalog(po).items():
            if msgid in mine and korean and mine[msgid] != korean:
                clashes.append((str(po.relative_to(ROOT)), msgid, korean, mine[msgid]))
    assert clashes == []
