"""SLA fixtures: a weekday calendar in Seoul and a policy built through the real services."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture()
def weekday_calendar(db: Any) -> Any:
    """Monday to Friday 09:00-18:00 Asia/Seoul, Korean public holidays off, the default calendar."""
    from portal.sla import service

    calendar = service.save_calendar(
        None,
        name="본사 Head office",
        timezone="Asia/Seoul",
        hours=["09:00-18:00"] * 5 + ["", ""],
        korean_holidays=True,
        is_default=True,
    )
    db.session.commit()
    return calendar


@pytest.fixture()
def make_policy(db: Any) -> Any:
    """make_policy(name, targets={"normal": ("4h", "2d")}, **fields) through the service."""
    from portal.sla import service

    def make(name: str = "Standard", targets: dict[str, tuple[str, str]] | None = None, **fields: Any) -> Any:
        policy = service.save_policy(None, name=name, targets=targets or {"normal": ("4h", "16h")}, **fields)
        db.session.commit()
        return policy

    return make
