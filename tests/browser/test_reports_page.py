"""The reports page in a real browser: figures, the three Chart.js charts (served locally), desktop and phone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from tests.browser.conftest import screenshot, sign_in


def _seed_fortnight(tag: str) -> dict[str, Any]:
    """Two weeks of tickets for two groups, answered, solved and rated, at past times."""
    from portal.accounts import service as accounts
    from portal.customers.service import Hints
    from portal.extensions import db
    from portal.feedback import service as feedback
    from portal.feedback.models import Survey
    from portal.tickets import service as tickets
    from portal.tickets.inbound import Inbound
    from portal.tickets.intake import receive

    admin = accounts.create_user(
        f"boss.{tag}@example.com", "팀장 이보람", password="password-123", role="admin", locale="ko"
    )
    agent = accounts.create_user(
        f"agent.{tag}@example.com", f"상담원 {tag}", password="password-123", role="agent"
    )
    groups = [
        accounts.save_group(None, name=f"요금 {tag}", description="", member_ids=[agent.id]),
        accounts.save_group(None, name=f"기술 {tag}", description="", member_ids=[agent.id]),
    ]
    feedback.stored_settings().customer_min_days = 0
    db.session.commit()
    now = datetime.now(UTC)
    channels = ("email", "chat", "web", "phone", "email", "chat")
    for n in range(12):
        start = now - timedelta(days=12 - n, hours=3)
        with time_machine.travel(start, tick=False):
            ticket = receive(
                Inbound(
                    channel=channels[n % len(channels)],
                    sender=Hints(email=f"c{n}.{tag}@example.com", name=f"고객 {n}"),
                    subject=f"문의 {n}",
                    text="도와주세요",
                    notify=False,
                )
            ).ticket
            tickets.update_ticket(ticket, agent, group=groups[n % 2], assignee=agent)
            db.session.commit()
        with time_machine.travel(start + timedelta(minutes=20 + 7 * n), tick=False):
            tickets.add_reply(ticket, agent, "확인했습니다")
            db.session.commit()
        if n % 4 == 3:
            continue  # left open: the backlog
        with time_machine.travel(start + timedelta(hours=2 + n), tick=False):
            tickets.update_ticket(ticket, agent, status="solved")
            db.session.commit()
            survey = db.session.query(Survey).filter_by(ticket_id=ticket.id, kind="csat").one()
            feedback.answer(survey, (5, 4, 5, 2, 3)[n % 5], "빠른 답변 고마워요" if n % 3 == 0 else None)
            db.session.commit()
    return {"admin": admin.email, "groups": [g.id for g in groups]}


def _errors(page: Any) -> list[str]:
    """Script errors and failed requests of the page (the shell has no favicon yet: not ours)."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on(
        "response",
        lambda r: found.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    return found


def test_the_reports_page_draws_its_charts_with_the_right_figures(new_page, seed, live_app):
    tag = uuid.uuid4().hex[:6]
    seeded = seed(lambda: _seed_fortnight(tag))
    group = seeded["groups"][0]
    page = new_page(locale="ko")
    errors = _errors(page)
    sign_in(page, seeded["admin"])
    page.goto(f"/desk/reports?days=14&group={group}")
    page.wait_for_selector('.reports-page[data-charts-ready="3"]')
    created = page.inner_text('[data-kpi="created"] .kpi-value')
    assert created == "6"  # half of the twelve tickets are this group's
    assert page.inner_text('[data-kpi="csat"] .kpi-value').endswith("%")
    datasets = page.evaluate(
        "['chart-volume', 'chart-backlog', 'chart-satisfaction'].map("
        "id => window.Chart.getChart(document.getElementById(id)).data.datasets.length)"
    )
    assert datasets[0] >= 2 and datasets[1] == 1 and datasets[2] == 3
    volume = page.evaluate(
        "window.Chart.getChart(document.getElementById('chart-volume')).data.datasets"
        ".filter(d => d.stack === 'created').reduce((n, d) => n + d.data.reduce((a, b) => a + b, 0), 0)"
    )
    assert volume == 6
    assert page.locator("#table-groups tbody tr").count() == 1
    assert page.locator("a.csv-link").count() >= 5
    assert errors == []
    screenshot(page, "reports-desktop-ko")

    phone = new_page(locale="ko", phone=True)
    sign_in(phone, seeded["admin"])
    phone.goto("/desk/reports?days=14")
    phone.wait_for_selector('.reports-page[data-charts-ready="3"]')
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "reports-phone-ko")


def test_an_empty_period_still_draws_empty_charts_without_errors(new_page, seed):
    tag = uuid.uuid4().hex[:6]
    email = seed(lambda: _admin_only(tag))
    page = new_page(locale="en")
    errors = _errors(page)
    sign_in(page, email)
    page.goto("/desk/reports?from=2001-01-01&to=2001-01-01")
    page.wait_for_selector('.reports-page[data-charts-ready="3"]')
    page.wait_for_selector("text=No tickets or survey answers in this period.")
    assert page.inner_text('[data-kpi="csat"] .kpi-value') == "no data"
    assert errors == []
    screenshot(page, "reports-empty-desktop-en")


def _admin_only(tag: str) -> str:
    from portal.accounts import service as accounts

    return accounts.create_user(
        f"solo.{tag}@example.com", "Solo", password="password-123", role="admin"
    ).email
