"""Demo data of the SLA domain: the head office's hours, a VIP policy and a standard one, timed tickets."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.sla import service, tasks

STANDARD = {"urgent": ("1h", "8h"), "high": ("2h", "16h"), "normal": ("4h", "24h"), "low": ("8h", "40h")}
PREMIUM = {"urgent": ("30m", "4h"), "high": ("1h", "8h"), "normal": ("2h", "16h"), "low": ("4h", "24h")}


@signals.demo_seeding.connect
def seed(_app: Any, *, demo: Any, **_: Any) -> None:
    """Calendars for the departments, two policies, and clocks on the demo tickets."""
    service.save_calendar(
        None,
        name="본사 업무시간 Head office",
        timezone="Asia/Seoul",
        hours=["09:00-18:00"] * 5 + ["", ""],
        korean_holidays=True,
        is_default=True,
    )
    service.save_calendar(
        None,
        name="Global support (Seoul, 8-20, 7 days)",
        timezone="Asia/Seoul",
        hours=["08:00-20:00"] * 7,
        korean_holidays=False,
        is_default=False,
        group_ids=[demo.groups["Global"].id],
    )
    service.save_policy(None, name="VIP·골드 고객", tiers=["gold", "vip"], warn_minutes=30, targets=PREMIUM)
    service.save_policy(None, name="기본 정책 Standard", warn_minutes=60, targets=STANDARD)
    after = 0
    while after is not None:
        after = tasks.recompute(after)
