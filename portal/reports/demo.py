"""Demo: report figures recomputed once every domain has seeded its history (demo tickets carry past times)."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.reports import rollup


@signals.demo_seeding.connect
def seed(app: Any, demo: Any, **_: Any) -> None:
    """Rebuild report facts from the seeded tickets (the periodic re-sync catches any later demo changes)."""
    rollup.rebuild()
