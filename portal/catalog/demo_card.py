"""A stand-in for the card company's own system, served by the portal itself so that the demo needs nothing
else: it takes signed lost-card reports from the catalog's webhook, blocks the card once per idempotency key,
and answers a report number. `/demo/card-system/unavailable` always answers 503, to show the hand-over to a
person. Off when CATALOG_DEMO_CARD_SYSTEM is false (production)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify, render_template, request
from sqlalchemy.exc import IntegrityError

from portal.catalog.actions.webhook import verify
from portal.catalog.models import DemoCardReport
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.extensions import csrf, db

bp = Blueprint("catalog_demo_card", __name__, url_prefix="/demo/card-system")
csrf.exempt(bp)
PATH = "/demo/card-system/lost-card"


def shared_secret() -> str:
    """The demo system's secret: CATALOG_DEMO_CARD_SECRET, else derived from the app's secret key."""
    configured = current_app.config.get("CATALOG_DEMO_CARD_SECRET")
    if configured:
        return str(configured)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"hana-demo-card-system", hashlib.sha256).hexdigest()[:40]


@bp.before_request
def _enabled() -> None:
    if not current_app.config.get("CATALOG_DEMO_CARD_SYSTEM", True):
        abort(404)


def _error(status: int, message: str) -> Any:
    response = jsonify({"error": message})
    response.status_code = status
    return response


@bp.post("/lost-card")
def lost_card() -> Any:
    """Block the card of a signed report; the same idempotency key again answers the first report."""
    body = request.get_data()
    signature = request.headers.get("X-Hana-Signature", "")
    if not verify(shared_secret(), request.headers.get("X-Hana-Timestamp", ""), body, signature):
        return _error(401, "bad signature")
    key = (request.headers.get("Idempotency-Key") or "").strip()[:200]
    if not key:
        return _error(400, "Idempotency-Key is required")
    try:
        payload = json.loads(body)
        answers = payload["answers"]
    except (ValueError, KeyError, TypeError):
        return _error(400, "not a catalog request")
    existing = db.session.scalar(sa.select(DemoCardReport).where(DemoCardReport.idempotency_key == key))
    if existing is None:
        existing = DemoCardReport(idempotency_key=key, report_no="", payload=payload)
        db.session.add(existing)
        try:
            db.session.flush()
        except IntegrityError:  # the same report at the same moment: answer the first
            db.session.rollback()
            existing = db.session.scalar(
                sa.select(DemoCardReport).where(DemoCardReport.idempotency_key == key)
            )
        else:
            existing.report_no = f"LC-{utcnow():%Y%m%d}-{existing.id:05d}"
            db.session.commit()
    last4 = str(answers.get("card_last4") or "")[-4:]
    return {
        "status": "blocked",
        "report_no": existing.report_no,
        "card_last4": last4,
        "blocked_at": existing.created_at.isoformat(),
        "replacement_days": 5,
    }


@bp.post("/unavailable")
def unavailable() -> Any:
    """Always down: point an item here to see a request handed over to a person."""
    return _error(503, "card system under maintenance")


@bp.get("/")
@staff_required
def reports() -> Any:
    """What the demo card system received (for people showing the demo)."""
    rows = db.session.scalars(sa.select(DemoCardReport).order_by(DemoCardReport.id.desc()).limit(50)).all()
    return render_template("catalog/demo_card.html", rows=rows)
