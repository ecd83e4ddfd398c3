"""What the page shell shows, contributed by domains without editing shared templates.

- navigation entries per area (portal, desk, admin), in order;
- slots: named places in a page (e.g. "desk.ticket.sidebar") where domains include a template of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for
from flask_login import current_user


@dataclass(order=True)
class NavItem:
    order: int
    label: Any = field(compare=False)  # a lazy_gettext string
    endpoint: str = field(compare=False)
    icon: str = field(compare=False, default="circle")
    visible: Callable[[Any], bool] | None = field(compare=False, default=None)
    badge: Callable[[Any], int | None] | None = field(compare=False, default=None)

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


_nav: dict[str, list[NavItem]] = {}
_slots: dict[str, list[tuple[int, str]]] = {}


def nav_item(
    area: str,
    label: Any,
    endpoint: str,
    *,
    icon: str = "circle",
    order: int = 50,
    visible: Callable[[Any], bool] | None = None,
    badge: Callable[[Any], int | None] | None = None,
) -> None:
    """Add an entry to an area's navigation (idempotent by endpoint)."""
    items = [i for i in _nav.get(area, []) if i.endpoint != endpoint]
    items.append(NavItem(order, label, endpoint, icon, visible, badge))
    _nav[area] = sorted(items)


def nav(area: str) -> list[NavItem]:
    """The entries of an area that the current user may see."""
    return [i for i in _nav.get(area, []) if i.visible is None or i.visible(current_user)]


def slot(name: str, template: str, *, order: int = 50) -> None:
    """Include `template` wherever a page renders slot `name` (idempotent)."""
    entries = [e for e in _slots.get(name, []) if e[1] != template]
    entries.append((order, template))
    _slots[name] = sorted(entries)


def slot_templates(name: str) -> list[str]:
    """The templates contributed to a slot, in order."""
    return [t for _, t in _slots.get(name, [])]


def url_with(**updates: Any) -> str:
    """The current page's URL with some query arguments replaced (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in updates.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint or "portal.home", **(request.view_args or {}), **args)
