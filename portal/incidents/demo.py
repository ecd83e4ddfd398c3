"""Demo data of the incidents domain: an outage in progress with a linked ticket, and one resolved before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from portal.core import signals
from portal.core.db import utcnow
from portal.extensions import db
from portal.incidents import service
from portal.tickets.models import Ticket


@signals.demo_seeding.connect
def seed(_app: Any, *, demo: Any, **_: Any) -> None:
    """Declared by the demo admin; no mail is sent for the demo."""
    admin = demo.users["admin@hana.example"]
    past = service.declare(
        admin,
        title_ko="모바일 앱 로그인 오류",
        title_en="Mobile app sign-in errors",
        description_ko="앱 업데이트 후 일부 고객이 로그인할 수 없었습니다.",
        description_en="After the app update some customers could not sign in.",
        notify=False,
        banner=False,
    )
    service.resolve(past, admin, resolution_ko="앱 2.4.1에서 수정되었습니다.", resolution_en="Fixed in app 2.4.1.",
                    solve_tickets=False)  # fmt: skip
    past.declared_at = utcnow() - timedelta(days=12)
    past.resolved_at = utcnow() - timedelta(days=11)
    live = service.declare(
        admin,
        title_ko="강남구 일부 지역 인터넷 장애",
        title_en="Internet outage in parts of Gangnam",
        description_ko="오늘 오후부터 강남구 일부 지역에서 인터넷 연결이 끊기고 있습니다. 기술팀이 복구 중이며, "
        "복구되면 바로 안내해 드리겠습니다.",
        description_en="Since this afternoon the internet is down in parts of Gangnam. Our engineers are restoring it "
        "and we will tell you as soon as it is back.",
        tags="internet",
        keywords="인터넷, 와이파이, 끊겨, internet, wifi",
        notify=False,
    )
    wifi = db.session.scalar(sa.select(Ticket).where(Ticket.subject == "인터넷이 자꾸 끊겨요"))
    if wifi is not None:
        service.link(live, wifi, "manual")
