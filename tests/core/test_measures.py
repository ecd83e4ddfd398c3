"""Measures by name: a rate with several contributing domains sums their parts; a plain measure has one owner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.core import measures

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)


def test_a_rate_with_parts_is_the_sum_of_numerators_over_the_sum_of_denominators(monkeypatch):
    monkeypatch.setitem(measures._parts, "test_rate", {})
    measures.rate_part("test_rate")(lambda start, end, group_id=None: (3, 4))  # catalog: 3 of 4
    monkeypatch.setitem(
        measures._parts["test_rate"], "chat", lambda start, end, group_id=None: (1, 16)
    )  # chat: 1 of 16
    assert measures.compute("test_rate", START, END) == 0.2  # 4 of 20, not the mean of 0.75 and 0.0625
    assert "test_rate" in measures.available()


def test_a_rate_with_nothing_to_count_is_none(monkeypatch):
    monkeypatch.setitem(measures._parts, "empty_rate", {"a": lambda start, end, group_id=None: (0, 0)})
    assert measures.compute("empty_rate", START, END) is None


def test_the_auto_resolution_rate_has_a_part_from_the_catalog_and_from_the_chat():
    owners = set(measures._parts["auto_resolution_rate"])
    assert any(o.startswith("portal.catalog.") for o in owners)
    assert any(o.startswith("portal.channels.chat.") for o in owners)


def test_two_domains_cannot_both_own_a_plain_measure(monkeypatch):
    def first(start, end, group_id=None):
        return 1

    def second(start, end, group_id=None):
        return 2

    monkeypatch.setitem(measures._measures, "owned", first)
    measures.measure("owned")(first)  # the same function again (a module imported twice) is fine
    with pytest.raises(ValueError):
        measures.measure("owned")(second)
    with pytest.raises(ValueError):
        measures.measure("auto_resolution_rate")(second)
