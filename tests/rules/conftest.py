"""Rules fixtures: rules saved through the real service, as the builder sends them."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture()
def make_rule(db: Any) -> Any:
    """make_rule(name, [(field, op, value)], [(type, value) or dict], kind=..., runs_on=..., **fields)."""
    from portal.rules import service

    def make(name: str, conditions: list[Any], actions: list[Any], **fields: Any) -> Any:
        rows = [{"field": f, "op": o, "value": v} for f, o, v in conditions]
        acts = [a if isinstance(a, dict) else {"type": a[0], "value": a[1]} for a in actions]
        fields.setdefault("kind", "trigger")
        rule = service.save_rule(None, name=name, condition_rows=rows, action_rows=acts, **fields)
        db.session.commit()
        return rule

    return make


@pytest.fixture()
def make_group(db: Any) -> Any:
    """make_group(name, members=[users])."""
    from portal.accounts.service import save_group

    def make(name: str, members: list[Any] = ()) -> Any:  # type: ignore[assignment]
        group = save_group(None, name=name, description="", member_ids=[u.id for u in members])
        db.session.commit()
        return group

    return make
