"""Demo self-service history: attempts on the request form over the last days, so reports show a deflection rate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.core import signals
from portal.core.db import utcnow
from portal.extensions import db
from portal.search.models import DeflectionAttempt

HISTORY = (  # (days ago, query, opened title or None, outcome)
    (9, "비밀번호를 잊어버렸어요", "비밀번호를 잊어버렸을 때 재설정하는 방법", "deflected"),
    (8, "와이파이가 자꾸 끊겨요", "와이파이가 자주 끊길 때 점검 방법", "deflected"),
    (7, "환불은 언제 들어오나요", "환불 신청 방법과 처리 기간", "filed"),
    (6, "카드를 잃어버렸어요", "별빛카드 분실 신고와 재발급", "deflected"),
    (5, "요금이 두 번 나갔어요", None, "filed"),
    (4, "로밍 신청", "해외 로밍 신청과 요금", "deflected"),
    (3, "인터넷이 느려요", None, "abandoned"),
    (2, "요금제 변경", "휴대폰 요금제 변경하기", "deflected"),
    (1, "설치 기사 방문 날짜", "설치 기사 방문 일정 바꾸기", "filed"),
)


def _on_demo(app: Any, demo: Any, **_: Any) -> None:
    customer = demo.customers.get("yuna")
    now = utcnow()
    for n, (days, query, opened, outcome) in enumerate(HISTORY):
        at = now - timedelta(days=days)
        db.session.add(
            DeflectionAttempt(
                key=f"demo-attempt-{n:04d}",
                customer_id=customer.id if customer else None,
                query=query,
                shown=3,
                opened_kind="article" if opened else None,
                opened_title=opened,
                opened_at=at + timedelta(seconds=40) if opened else None,
                outcome=outcome,
                created_at=at,
                settled_at=at + timedelta(minutes=30),
            )
        )


signals.demo_seeding.connect(_on_demo)
