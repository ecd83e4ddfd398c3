"""Background work of reports: a periodic re-sync of recently updated tickets (changes made without a signal)."""

from __future__ import annotations

from huey import crontab

from portal.core.jobs import periodic_job
from portal.reports import rollup


@periodic_job(crontab(minute="*/10"), name="reports.resync")
def resync() -> int:
    """Re-sync the facts of tickets updated in the last 30 minutes (overlapping runs are harmless)."""
    return rollup.sync_recent(rollup.recent_window(30))
