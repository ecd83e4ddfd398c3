"""Fixtures for surveys: settings, a ticket solved through the real services, and reading survey mails."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from portal.tickets import service as tickets


@pytest.fixture()
def survey_settings(db: Any) -> Any:
    """survey_settings(**changes): change the admin's survey settings for this test."""
    from portal.feedback import service

    def change(**values: Any) -> Any:
        row = service.stored_settings()
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()
        return row

    return change


@pytest.fixture()
def solve(db: Any, agent: Any) -> Any:
    """solve(ticket, reply="…", by=agent): an agent answers publicly and solves the ticket (committed)."""

    def run(ticket: Any, reply: str | None = "해결되었습니다.", by: Any = None) -> Any:
        actor = by or agent
        if reply:
            tickets.add_reply(ticket, actor, reply)
        tickets.update_ticket(ticket, actor, status="solved")
        db.session.commit()
        return ticket

    return run


def survey_links(mail: Any) -> dict[int, str]:
    """score → path of the one-click links in a survey mail's text part."""
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    links = {}
    for score, url in re.findall(r"^(\d+)(?: \([^)]*\))?: (\S+)$", text, re.M):
        parts = urlsplit(url)
        links[int(score)] = f"{parts.path}?{parts.query}" if parts.query else parts.path
    return links


def survey_mail(mails: list[Any]) -> Any:
    """The survey mail among those sent."""
    found = [m for m in mails if "/survey/" in m.get_body(("plain",)).get_content()]
    assert found, [m["Subject"] for m in mails]
    return found[-1]
