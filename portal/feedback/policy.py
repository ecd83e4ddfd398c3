"""Who may see and answer surveys."""

from __future__ import annotations

from typing import Any

from portal.core.auth import is_admin, is_staff
from portal.customers.service import customer_for_user
from portal.feedback.models import Survey


def can_view_survey(user: Any, survey: Survey | None) -> bool:
    """Staff see every survey; a customer sees their own."""
    if survey is None:
        return False
    if is_staff(user):
        return True
    customer = customer_for_user(user)
    return customer is not None and survey.customer_id == customer.id


def can_answer_survey(user: Any, survey: Survey) -> bool:
    """The customer answers; staff may record an answer given another way (by phone), except an agent on a
    survey about their own work (admins may)."""
    if not can_view_survey(user, survey):
        return False
    if is_admin(user):
        return True
    if is_staff(user):
        return survey.agent_id != user.id
    return True


def can_configure_surveys(user: Any) -> bool:
    """Admins set which surveys go out."""
    return is_admin(user)
