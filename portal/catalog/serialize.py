"""The JSON shapes of the catalog API: items (also the export/import file format) and requests."""

from __future__ import annotations

from typing import Any

from portal.catalog.definition import localized
from portal.catalog.models import CatalogRequest, RequestEvent
from portal.core.api import iso


def _field_out(field: dict[str, Any], locale: str) -> dict[str, Any]:
    out = {
        "name": field["name"],
        "label": localized(field["label"], locale),
        "labels": field["label"],
        "type": field["type"],
        "required": field["required"],
        "help": localized(field.get("help"), locale),
        "helps": field.get("help") or {"ko": "", "en": ""},
        "choices": [
            {"value": c["value"], "label": localized(c["label"], locale), "labels": c["label"]}
            for c in field.get("choices", [])
        ],
        "condition": field.get("condition"),
    }
    for key in ("min_length", "max_length", "pattern", "min", "max"):
        if key in field:
            out[key] = field[key]
    return out


def item_json(item: Any, locale: str, *, full: bool) -> dict[str, Any]:
    """An item as the API answers it and as it is exported; `full` (admins) adds settings and secrets."""
    fulfilment: dict[str, Any] = {"kind": item.fulfilment, "action": item.action, "config": {}}
    if full:
        fulfilment.update(
            config=dict(item.action_config or {}),
            group=item.group.name if item.group else None,
            approver={
                "group": item.approver_group.name if item.approver_group else None,
                "email": item.approver_user.email if item.approver_user else None,
            },
            checklist=list(item.checklist or []),
            done_messages={"ko": item.done_message_ko, "en": item.done_message_en},
        )
    return {
        "slug": item.slug,
        "name": item.text("name", locale),
        "names": {"ko": item.name_ko, "en": item.name_en},
        "category": item.text("category", locale),
        "categories": {"ko": item.category_ko, "en": item.category_en},
        "description": item.text("description", locale),
        "descriptions": {"ko": item.description_ko, "en": item.description_en},
        "icon": item.icon,
        "audience": item.audience,
        "tier": item.tier,
        "active": item.active,
        "position": item.position,
        "fields": [_field_out(f, locale) for f in item.fields or []],
        "fulfilment": fulfilment,
    }


def request_json(
    req: CatalogRequest, events: list[RequestEvent] | None = None, *, staff: bool = False
) -> dict:
    """A request: the contract's fields, the answers, and its history when loaded."""
    out: dict[str, Any] = {
        "id": req.id,
        "item": req.item.slug,
        "state": req.state,
        "ticket": str(req.ticket.ref) if req.ticket_id and req.ticket else None,
        "result": req.result,
        "fields": req.answers,
        "customer": {"id": req.customer.id, "name": req.customer.name, "email": req.customer.email},
        "created_at": iso(req.created_at),
        "updated_at": iso(req.updated_at),
        "fulfilled_at": iso(req.fulfilled_at),
    }
    if staff:
        out["error"] = req.error
        out["attempts"] = req.attempts
    if events is not None:
        out["timeline"] = [
            {
                "at": iso(e.at),
                "kind": e.kind,
                "actor": e.actor.name if e.actor else None,
                "data": _public(e, staff),
            }
            for e in events
        ]
    return out


def _public(event: RequestEvent, staff: bool) -> dict[str, Any]:
    """What a customer may read of an event (technical reasons stay with staff)."""
    if staff:
        return dict(event.data or {})
    return {k: v for k, v in (event.data or {}).items() if k in ("comment", "title", "attempt")}
