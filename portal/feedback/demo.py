"""Demo history for surveys and reports: a month of resolved tickets with answers on every touchpoint."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from portal.core import signals
from portal.core.db import utcnow
from portal.customers.service import Hints
from portal.extensions import db
from portal.feedback import service
from portal.tickets import service as tickets
from portal.tickets.inbound import Inbound
from portal.tickets.intake import receive

FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ("민서", "지우", "서준", "하은", "도윤", "예린", "시우", "수아", "주원", "지호", "채원", "건우")
SUBJECTS = {
    "email": ("청구서 금액이 이상해요", "자동이체 계좌 변경", "영수증 재발급 요청"),
    "chat": ("데이터가 안 돼요", "요금제 문의", "로밍 신청 방법"),
    "web": ("비밀번호 재설정이 안 됩니다", "주소 변경", "해지 위약금 문의"),
    "phone": ("카드 분실 신고", "단말기 고장 접수"),
    "catalog": ("유심 재발급 신청", "부가서비스 신청"),
}
COMMENTS = {
    5: ("빠르고 친절하게 해결해 주셨어요.", "설명이 자세해서 좋았습니다."),
    4: ("만족합니다. 조금 더 빨랐으면 좋겠어요.",),
    3: ("해결은 됐는데 여러 번 설명해야 했어요.",),
    2: ("답변이 늦었습니다.",),
    1: ("결국 해결이 안 됐어요. 다시 연락 주세요.",),
}


def _served(ticket: Any, channel: str, agent: Any, rng: random.Random) -> str:
    """Answer the ticket the way its channel usually is: an agent, the chat bot, an article, the catalog."""
    if channel == "chat" and rng.random() < 0.4:
        tickets.add_reply(
            ticket,
            None,
            "도움말 문서를 안내해 드렸어요. 더 필요하시면 상담원을 연결해 드립니다.",
            author_kind="bot",
        )
        return "bot"
    if channel == "web" and rng.random() < 0.35:
        ticket.context = {"articles": [{"title": "비밀번호 재설정 방법", "url": "/kb/1"}]}
        return "article"
    if channel == "catalog":
        service.ask_after(ticket, "request_fulfilled", automatic=True, notify=False)
        return "catalog"
    tickets.add_reply(ticket, agent, "확인해 보니 처리가 완료되었습니다. 이용해 주셔서 감사합니다.")
    return "agent"


def _history_ticket(n: int, demo: Any, rng: random.Random, now: Any) -> None:
    channel = rng.choice(("email", "email", "chat", "chat", "web", "web", "phone", "catalog"))
    name = FAMILY[n % len(FAMILY)] + GIVEN[n % len(GIVEN)]
    created = now - timedelta(days=rng.uniform(1, 30), hours=rng.uniform(0, 8))
    result = receive(
        Inbound(
            channel=channel,
            sender=Hints(email=f"demo.customer{n}@example.kr", name=name),
            subject=rng.choice(SUBJECTS[channel]),
            text="확인 부탁드립니다.",
            notify=False,
            received_at=created,
        )
    )
    ticket = result.ticket
    group = rng.choice(list(demo.groups.values()))
    agent = rng.choice(group.members) if group.members else demo.users["agent@hana.example"]
    tickets.update_ticket(ticket, agent, group=group, assignee=agent)
    touch = _served(ticket, channel, agent, rng)
    first = created + timedelta(minutes=rng.uniform(5, 600))
    if ticket.first_response_at is not None:
        ticket.first_response_at = first
    if rng.random() < 0.15:  # some stay open: the backlog
        return
    tickets.update_ticket(ticket, None if touch == "article" else agent, status="solved")
    ticket.solved_at = first + timedelta(hours=rng.uniform(0.5, 48))
    ticket.updated_at = ticket.solved_at
    _answer(ticket, rng)


def _answer(ticket: Any, rng: random.Random) -> None:
    from portal.feedback.models import Survey

    for survey in db.session.query(Survey).filter(Survey.ticket_id == ticket.id):
        survey.created_at = survey.sent_at = ticket.solved_at
        survey.closes_at = ticket.solved_at + timedelta(days=14)
        if rng.random() < 0.3:
            continue  # not everyone answers
        low, high = survey.scale
        score = rng.choice([high, high, high - 1, high - 1, low + (high - low) // 2, low + 1, low])
        comment = (
            rng.choice(COMMENTS.get(score, (None,))) if survey.kind == "csat" and rng.random() < 0.6 else None
        )
        service.answer(survey, score, comment, now=ticket.solved_at + timedelta(hours=rng.uniform(1, 20)))


@signals.demo_seeding.connect
def seed(app: Any, demo: Any, **_: Any) -> None:
    """A month of resolved tickets on every channel with CSAT and CES answers, and an NPS round."""
    rng = random.Random(7)
    cfg = service.stored_settings()
    cfg.ces_enabled = True
    now = utcnow()
    for n in range(40):
        _history_ticket(n, demo, rng, now)
    cfg.nps_enabled, cfg.nps_sample_percent = True, 60
    for survey in service.nps_round(now, rng=rng):
        if rng.random() < 0.7:
            survey.sent_at = now
            service.answer(survey, rng.choice([10, 9, 9, 8, 7, 6, 3]), None, now=now)
    db.session.flush()
