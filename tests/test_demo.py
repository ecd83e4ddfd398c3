"""`make run` loads the demo through `seed-demo`: every domain's part goes in, in one transaction, and the
automatic parts (catalog fulfilment, search indexing) run through the outbox like real work."""

from __future__ import annotations

import sqlalchemy as sa

from portal.demo import seed_demo_command


def test_the_demo_company_loads_with_every_domains_data(app, db):
    from portal.accounts.models import User
    from portal.catalog.models import CatalogRequest
    from portal.channels.chat.models import Chat
    from portal.community.models import Post
    from portal.incidents.models import Incident
    from portal.knowledge.models import Article
    from portal.tickets.models import Ticket

    result = app.test_cli_runner().invoke(seed_demo_command, [])
    assert result.exit_code == 0, result.output
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert count(User) >= 6 and count(Ticket) >= 20 and count(Article) >= 10 and count(Post) >= 5
    assert count(Chat) >= 1 and count(Incident) >= 1
    channels = set(db.session.scalars(sa.select(Ticket.channel).distinct()))
    assert {"web", "email", "chat", "catalog"} <= channels
    states = set(db.session.scalars(sa.select(CatalogRequest.state)))
    assert "fulfilled" in states  # jobs run inline in tests: the automatic requests were fulfilled
    again = app.test_cli_runner().invoke(seed_demo_command, ["--if-empty"])
    assert again.exit_code == 0 and "already there" in again.output
