"""Catalogs of all domains are merged into one at run time: a message id shared with another domain must be
translated the same way, or one domain's Korean would silently replace the other's."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

PORTAL = Path(__file__).resolve().parents[2] / "portal"
MINE = ("sla", "rules", "incidents")


def catalogs() -> dict[str, dict[str, str]]:
    found = {}
    for path in PORTAL.rglob("translations/ko/LC_MESSAGES/messages.po"):
        with path.open("rb") as handle:
            domain = str(path.parents[3].relative_to(PORTAL))
            found[domain] = {m.id: m.string for m in read_po(handle) if isinstance(m.id, str) and m.id}
    return found


def test_automation_messages_agree_with_every_other_domain():
    all_catalogs = catalogs()
    clashes = [
        (domain, other, msgid)
        for domain in MINE
        for msgid, text in all_catalogs[domain].items()
        for other, catalog in all_catalogs.items()
        if other != domain and msgid in catalog and catalog[msgid] and catalog[msgid] != text
    ]
    assert clashes == []
