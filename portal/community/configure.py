"""What admins configure on the board: topics, and the sour words added to the built-in list."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.community.content import normalize
from portal.community.models import SOUR_KINDS, SourTerm, Topic
from portal.core.errors import ValidationFailed
from portal.extensions import db


def save_topic(topic: Topic | None, **fields: Any) -> Topic:
    """Create a topic or change one; the address (slug) is unique."""
    slug = (fields.get("slug") or "").strip().lower()
    clash = db.session.scalar(sa.select(Topic.id).where(Topic.slug == slug))
    if clash is not None and (topic is None or clash != topic.id):
        raise ValidationFailed([("slug", _l("Another topic already uses this address."))])
    if topic is None:
        topic = Topic(slug=slug, name="")
        db.session.add(topic)
    topic.slug = slug
    topic.name = (fields.get("name") or "").strip()[:100]
    topic.name_en = (fields.get("name_en") or "").strip()[:100]
    topic.description = (fields.get("description") or "").strip()[:300]
    topic.description_en = (fields.get("description_en") or "").strip()[:300]
    topic.icon = (fields.get("icon") or "chat-square-text").strip()[:40]
    position = fields.get("position")
    topic.position = 50 if position is None or position == "" else int(position)
    db.session.flush()
    return topic


def add_sour_term(term: str, kind: str, actor: Any) -> SourTerm:
    """One more angry or failure word (compared without case or extra spaces)."""
    cleaned = " ".join(normalize(term).split())[:100]
    if len(cleaned) < 2:
        raise ValidationFailed([("term", _l("Enter a word or phrase."))])
    if kind not in SOUR_KINDS:
        raise ValidationFailed([("kind", _l("Choose a kind."))])
    if db.session.scalar(sa.select(SourTerm.id).where(SourTerm.term == cleaned)):
        raise ValidationFailed([("term", _l("This word is already on the list."))])
    row = SourTerm(term=cleaned, kind=kind, created_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def remove_sour_term(term_id: int) -> None:
    """Take an added word off the list."""
    db.session.execute(sa.delete(SourTerm).where(SourTerm.id == term_id))
