"""The desk's fast date filters say exactly what the core filters say."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core import i18n
from portal.core.db import utcnow
from portal.tickets.views import desk_shared


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_fast_date_filters_match_the_core_ones(app, locale):
    now = utcnow()
    offsets = [
        0,
        -1,
        -30,
        -59,
        -61,
        -3000,
        -3599,
        -3600,
        -5400,
        -86000,
        -86400 * 3,
        -86400 * 40,
        -86400 * 400,
        90,
    ]
    with app.test_request_context(headers={"Accept-Language": locale}):
        from flask import g

        g.desk_clock = (desk_shared.get_locale(), desk_shared.get_timezone(), now)
        for seconds in offsets:
            value = now + timedelta(seconds=seconds)
            expected = i18n.format_timedelta(value - now, add_direction=True, threshold=0.95)
            assert desk_shared.desk_ago(value) == expected, seconds
            assert desk_shared.desk_when(value) == i18n.when(value)
            for style in ("short", "long", "full", "yyyy-MM-dd HH:mm"):
                assert desk_shared.desk_when(value, style) == i18n.when(value, style), style
