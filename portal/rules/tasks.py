"""Background work of the rules domain: automations, every five minutes."""

from __future__ import annotations

from huey import crontab

from portal.core.jobs import periodic_job
from portal.rules.automations import run_automations


@periodic_job(crontab(minute="*/5"), name="rules.automations")
def automations() -> int:
    """Run the time-based automations."""
    return run_automations()
