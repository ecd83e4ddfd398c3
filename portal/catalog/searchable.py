"""Catalog items as searchable documents (the search domain indexes whatever is declared in core.searchable)."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from portal.catalog.definition import localized
from portal.catalog.models import CatalogItem
from portal.core import searchable
from portal.core.searchable import Document
from portal.extensions import db

VISIBILITY = {"everyone": ["public"], "customers": ["customers"]}


class CatalogSource:
    """Active items, in both languages; tier items only for staff (no visibility word exists for a tier)."""

    kind = "catalog"

    def load(self, ids: list[int]) -> list[Document]:
        items = db.session.scalars(sa.select(CatalogItem).where(CatalogItem.id.in_(ids), CatalogItem.active))
        return [self.document(i) for i in items]

    def document(self, item: CatalogItem) -> Document:
        """One item: Korean title, English name and both descriptions and field labels in the body."""
        labels = [localized(f["label"], loc) for f in item.fields or [] for loc in ("ko", "en")]
        return Document(
            kind="catalog",
            id=item.id,
            title=item.name_ko or item.name_en,
            body="\n".join([item.name_en, item.description_ko, item.description_en, *labels]),
            url=f"/catalog/{item.slug}",
            visibility=VISIBILITY.get(item.audience, ["staff"]),
            updated_at=item.updated_at,
            locale=None,
            tags=[item.fulfilment],
            category=item.category_ko or item.category_en or None,
            extra={"slug": item.slug, "icon": item.icon, "title_en": item.name_en, "tier": item.tier},
        )

    def batches(self, size: int) -> Iterator[list[int]]:
        return searchable.id_batches(CatalogItem.id, size)

    def count(self) -> int:
        return searchable.row_count(CatalogItem.id)


searchable.register(CatalogSource())
