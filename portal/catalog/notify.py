"""Mail to approvers when a request waits for their decision (customers hear through their ticket)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portal.catalog import answers as answer_text
from portal.core import mail
from portal.core.links import external_url
from portal.extensions import db


def approver_users(item: Any) -> list[Any]:
    """The named approver, or the members of the approver group (active agents only)."""
    if item.approver_user is not None:
        people = [item.approver_user]
    elif item.approver_group is not None:
        people = list(item.approver_group.members)
    else:
        people = []
    return [u for u in people if u.active and u.is_staff]


def approvers(req: Any) -> None:
    """Queue one mail per approver with the answers and a link to decide."""
    link = external_url("catalog_desk.request_page", request_id=req.id)
    for user in approver_users(req.item):
        locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        subject, text, html = mail.compose(
            "catalog_approval",
            locale,
            req=req,
            user=user,
            item_name=req.item.text("name", locale),
            lines=answer_text.lines(req.item.fields or [], req.answers or {}, locale),
            link=link,
        )
        mail.queue(
            db.session,
            user.email,
            subject,
            text,
            html,
            to_name=user.name,
            headers={"Auto-Submitted": "auto-generated"},
            meta={"catalog_request": req.id},
        )
