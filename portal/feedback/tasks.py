"""Background work of surveys: the NPS schedule (daily check; a round goes out when due)."""

from __future__ import annotations

from huey import crontab

from portal.core.jobs import periodic_job
from portal.feedback import service


@periodic_job(crontab(minute="0", hour="1"), name="feedback.nps_round")  # 10:00 in Seoul
def nps_round() -> int:
    """Send an NPS round to a sample of active customers when one is due (see SurveySettings)."""
    return len(service.nps_round())
