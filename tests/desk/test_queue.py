"""The queue: views with counts, filters, sorts, keyset pages and bulk changes."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.tickets import queries, service
from portal.tickets.models import Ticket, TicketEvent


def refs_in(body: str) -> list[int]:
    return [int(r) for r in re.findall(r'data-href="/desk/tickets/(\d+)"', body)]


def test_each_view_holds_the_tickets_it_names(signed_in, db, agent, make_user, make_group, make_ticket):
    other = make_user("agent", name="Other Agent")
    group = make_group("Billing", members=[agent])
    mine = make_ticket(subject="mine")
    service.update_ticket(mine, agent, assignee=agent, status="open")
    theirs = make_ticket(subject="theirs")
    service.update_ticket(theirs, agent, assignee=other, group=group)
    loose = make_ticket(subject="loose")
    waiting = make_ticket(subject="waiting")
    service.update_ticket(waiting, agent, status="pending", assignee=other)
    done = make_ticket(subject="done")
    service.update_ticket(done, agent, status="solved")
    db.session.commit()
    expected = {
        "mine": {mine.ref},
        "unassigned": {loose.ref},
        "groups": {theirs.ref},
        "open": {mine.ref, theirs.ref, loose.ref},
        "pending": {waiting.ref},
        "solved": {done.ref},
        "all": {mine.ref, theirs.ref, loose.ref, waiting.ref, done.ref},
    }
    for view, refs in expected.items():
        body = signed_in.get(f"/desk/?view={view}").get_data(as_text=True)
        assert set(refs_in(body)) == refs, view
    counts = signed_in.get("/desk/?view=all").get_data(as_text=True)
    assert re.search(r'data-view="open"[^>]*>\s*<span>All open</span><span[^>]*>3</span>', counts)


def test_filters_narrow_the_queue(signed_in, db, agent, make_group, make_ticket):
    group = make_group("Tech", members=[agent])
    a = make_ticket("email", subject="alpha", priority="high", tags=["환불"], email="a@example.com")
    b = make_ticket("chat", subject="beta", email="b@example.com")
    service.update_ticket(b, agent, group=group, assignee=agent, status="open")
    db.session.commit()
    cases = {
        "priority=high": {a.ref},
        "channel=chat": {b.ref},
        f"group={group.id}": {b.ref},
        "assignee=none": {a.ref},
        f"assignee={agent.id}": {b.ref},
        "tag=환불": {a.ref},
        f"customer={a.customer_id}": {a.ref},
        "status=new": {a.ref},
        "q=alpha": {a.ref},
        "q=alph*": {a.ref},
        f"q=%23{b.ref}": {b.ref},
    }
    for query, refs in cases.items():
        body = signed_in.get(f"/desk/?view=all&{query}").get_data(as_text=True)
        assert set(refs_in(body)) == refs, query


def test_every_sort_pages_through_every_ticket_once(signed_in, db, agent, make_ticket):
    made = []
    for i in range(60):
        ticket = make_ticket(priority=("low", "normal", "high", "urgent")[i % 4], email=f"p{i}@example.com")
        made.append(ticket.ref)
    for sort in queries.SORTS:
        seen: list[int] = []
        url = f"/desk/?view=all&sort={sort}"
        while url:
            body = signed_in.get(url).get_data(as_text=True)
            seen += refs_in(body)
            match = re.search(r'href="(/desk/\?[^"]*after=[^"]+)" rel="next"', body)
            url = match.group(1).replace("&amp;", "&") if match else None
        assert sorted(seen) == sorted(made), sort
    first = refs_in(signed_in.get("/desk/?view=all&sort=priority").get_data(as_text=True))
    ranks = [db.session.scalar(sa.select(Ticket.priority).where(Ticket.ref == r)) for r in first]
    assert ranks[:15] == ["urgent"] * 15


def test_a_registered_sort_appears_and_orders_the_queue(signed_in, db, agent, make_ticket):
    older, newer = make_ticket(subject="first made"), make_ticket(subject="second made")
    queries.register_sort("made", Ticket.created_at, "asc", "Made first")
    try:
        body = signed_in.get("/desk/?view=all&sort=made").get_data(as_text=True)
        assert "Made first" in body
        assert refs_in(body)[:2] == [older.ref, newer.ref]
    finally:
        queries.SORTS.pop("made", None)
        queries.SORT_LABELS.pop("made", None)


def test_a_bad_cursor_or_filter_value_shows_the_first_page(signed_in, make_ticket):
    ticket = make_ticket()
    for query in ("after=garbage", "after=WzFd", "status=bogus&group=x&assignee=%27", "sort=nope"):
        response = signed_in.get(f"/desk/?view=all&{query}")
        assert response.status_code == 200 and ticket.ref in refs_in(response.get_data(as_text=True))


def test_bulk_changes_apply_to_every_selected_ticket_and_record_history(
    signed_in, db, agent, make_group, make_ticket
):
    group = make_group("Billing")
    tickets = [make_ticket(tags=["old"]) for _ in range(3)]
    untouched = make_ticket()
    response = signed_in.post(
        "/desk/bulk",
        data={
            "ids": [str(t.id) for t in tickets],
            "assignee": "me",
            "status": "pending",
            "priority": "high",
            "group": str(group.id),
            "add_tags": "vip 환불",
            "remove_tags": "old",
            "next": "/desk/?view=all",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/desk/?view=all")
    for t in tickets:
        fresh = db.session.get(Ticket, t.id)
        assert (fresh.assignee_id, fresh.status, fresh.priority, fresh.group_id) == (
            agent.id,
            "pending",
            "high",
            group.id,
        )
        assert fresh.tags == ["vip", "환불"]
        kinds = set(db.session.scalars(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == t.id)))
        assert {"assignee", "status", "priority", "group", "tags"} <= kinds
    assert db.session.get(Ticket, untouched.id).assignee_id is None


def test_bulk_without_selection_or_change_explains_and_changes_nothing(signed_in, db, make_ticket):
    ticket = make_ticket()
    nothing = signed_in.post("/desk/bulk", data={"assignee": "me"}, follow_redirects=True)
    assert "Select at least one ticket." in nothing.get_data(as_text=True)
    no_change = signed_in.post("/desk/bulk", data={"ids": [str(ticket.id)]}, follow_redirects=True)
    assert "Choose at least one change." in no_change.get_data(as_text=True)
    elsewhere = signed_in.post(
        "/desk/bulk", data={"ids": [str(ticket.id)], "status": "open", "next": "https://evil.example/"}
    )
    assert elsewhere.headers["Location"].endswith("/desk/")


def test_the_queue_has_a_phone_layout_and_keyboard_hooks(signed_in, make_ticket):
    make_ticket()
    body = signed_in.get("/desk/?view=all").get_data(as_text=True)
    assert 'id="view-select"' in body and "data-keyboard-list" in body and 'name="ids"' in body
    assert "data-select-all" in body
