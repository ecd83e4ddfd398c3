"""Demo help center: categories, sections and articles in Korean (some in English too), two for agents only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portal.core import signals
from portal.knowledge import service
from portal.knowledge.models import Section

DATA = Path(__file__).resolve().parent / "demo_articles.json"


def seed(author: Any) -> dict[str, int]:
    """Load the demo knowledge base; returns the Korean article id of each key."""
    data = json.loads(DATA.read_text())
    sections: dict[str, Section] = {}
    for position, cat in enumerate(data["categories"]):
        category = service.save_category(
            None, slug=cat["slug"], name=cat["name"], name_en=cat["name_en"], position=position
        )
        for order, sec in enumerate(cat["sections"]):
            sections[sec["key"]] = service.save_section(
                None, category=category, name=sec["name"], name_en=sec["name_en"], position=order
            )
    ids: dict[str, int] = {}
    for position, item in enumerate(data["articles"]):
        article = service.create_article(
            author,
            title=item["title"],
            body=item["body"],
            locale="ko",
            section=sections[item["section"]],
            tags=item.get("tags", []),
            internal=item.get("internal", False),
            status="published",
        )
        article.position = position
        ids[item["key"]] = article.id
        if item.get("en"):
            english = service.create_article(
                author,
                title=item["en"]["title"],
                body=item["en"]["body"],
                locale="en",
                status="published",
                translation_of=article,
            )
            english.position = position
    return ids


def _on_demo(app: Any, demo: Any, **_: Any) -> None:
    author = demo.users.get("agent@hana.example")
    ids = seed(author)
    article = ids.get("reset-password")
    if article is not None:
        from portal.extensions import db
        from portal.knowledge.models import Article

        service.vote(db.session.get(Article, article), helpful=True, user=demo.users["customer@hana.example"])
        service.vote(
            db.session.get(Article, article),
            helpful=False,
            comment="메일이 늦게 와요",
            visitor="demo-visitor-1",
        )


signals.demo_seeding.connect(_on_demo)
