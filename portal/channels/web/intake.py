"""The web channel's side of the door: a portal form becomes an Inbound."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.datastructures import FileStorage

from portal.customers.service import Hints
from portal.tickets.inbound import Inbound, InboundAttachment

CONTEXT_KEYS = ("searches", "articles", "referrer", "page", "catalog", "posts")


def read_uploads(storages: list[FileStorage] | None) -> list[InboundAttachment]:
    """The uploaded files of a form (empty file inputs are skipped)."""
    result = []
    for storage in storages or []:
        if not storage or not storage.filename:
            continue
        data = storage.read()
        result.append(
            InboundAttachment(filename=storage.filename, content_type=storage.mimetype or "", data=data)
        )
    return result


def parse_context(raw: str | None, referrer: str | None) -> dict[str, Any]:
    """What the page recorded the customer doing before filing, kept small and of known keys only."""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    context: dict[str, Any] = {}
    for key in CONTEXT_KEYS:
        value = data.get(key)
        if isinstance(value, list):
            context[key] = [item for item in value if isinstance(item, (str, dict))][:20]
        elif isinstance(value, str):
            context[key] = value[:500]
    if referrer and "referrer" not in context:
        context["referrer"] = referrer[:500]
    return context


def new_request(
    *, subject: str, text: str, hints: Hints, uploads: list[InboundAttachment], context: dict[str, Any]
) -> Inbound:
    """An Inbound for a request filed through the portal form."""
    return Inbound(
        channel="web",
        sender=hints,
        subject=subject.strip(),
        text=text.strip(),
        attachments=uploads,
        context=context,
    )


def reply(*, ref: int, text: str, hints: Hints, uploads: list[InboundAttachment]) -> Inbound:
    """An Inbound for a customer's reply on their request page (the view already checked the ticket is theirs)."""
    return Inbound(channel="web", sender=hints, text=text.strip(), ticket_ref=ref, attachments=uploads)
