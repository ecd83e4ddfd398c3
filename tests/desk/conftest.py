"""Fixtures of the agent workspace's tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture()
def make_group(db: Any) -> Any:
    """make_group(name, members=[users])"""
    from portal.accounts import service

    def make(name: str, members: list[Any] = ()) -> Any:
        group = service.save_group(None, name=name, description="", member_ids=[m.id for m in members])
        db.session.commit()
        return group

    return make


@pytest.fixture()
def signed_in(client: Any, agent: Any) -> Any:
    """The test client, signed in as the agent fixture."""
    client.login(agent.email)
    return client
