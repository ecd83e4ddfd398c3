"""The queue, the ticket page and the customer page run a fixed number of queries, however much data they show
(no N+1: one more ticket, message, tag, agent or timeline entry must not cost one more query)."""

from __future__ import annotations

from portal.tickets import macros, service


def _grow(db, agent, group, make_ticket, start: int, n: int) -> None:
    for i in range(start, start + n):
        ticket = make_ticket(
            "email" if i % 2 else "chat", email=f"q{i}@example.com", tags=[f"t{i}", "shared"]
        )
        service.update_ticket(ticket, agent, assignee=agent, group=group, status="open")
        service.add_reply(ticket, agent, f"reply {i}")
    db.session.commit()


def _count(count_queries, client, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def test_queue_pages_cost_the_same_with_more_tickets(
    signed_in, db, agent, make_group, make_ticket, count_queries
):
    group = make_group("Billing", members=[agent])
    _grow(db, agent, group, make_ticket, 0, 3)
    urls = [
        "/desk/?view=all",
        "/desk/?view=mine",
        "/desk/?view=groups&sort=priority",
        "/desk/?view=open&tag=shared&channel=email",
        f"/desk/?view=all&assignee={agent.id}&sort=created",
    ]
    few = {url: _count(count_queries, signed_in, url) for url in urls}
    _grow(db, agent, group, make_ticket, 3, 25)
    many = {url: _count(count_queries, signed_in, url) for url in urls}
    assert many == few
    assert max(few.values()) <= 18  # the queue itself, plus the menu badges of other domains


def test_the_ticket_page_costs_the_same_with_more_messages(
    signed_in, db, agent, make_ticket, make_inbound, count_queries
):
    from portal.tickets.intake import receive

    ticket = make_ticket(email="long@example.com")
    macros.save_macro(None, agent, name="one", body="x")
    db.session.commit()
    url = f"/desk/tickets/{ticket.ref}"
    few = _count(count_queries, signed_in, url)
    for i in range(15):
        receive(make_inbound("web", email="long@example.com", ticket_ref=ticket.ref, text=f"more {i}"))
        service.add_reply(ticket, agent, f"answer {i}", internal=i % 3 == 0)
        make_ticket(email="long@example.com", subject=f"other {i}")
        macros.save_macro(None, agent, name=f"macro {i}", body="y")
    service.update_ticket(ticket, agent, tags=["a", "b"], priority="high")
    db.session.commit()
    many = _count(count_queries, signed_in, url)
    assert many == few
    # The desk itself needs ~22; panels of other domains (mail, SLA, surveys, rules, catalog) add the rest.
    assert few <= 36


def test_the_customer_page_costs_the_same_with_a_longer_history(
    signed_in, db, agent, make_ticket, count_queries
):
    first = make_ticket(email="hist@example.com")
    url = f"/desk/customers/{first.customer_id}"
    few = _count(count_queries, signed_in, url)
    for i in range(30):
        ticket = make_ticket("chat" if i % 2 else "email", email="hist@example.com", subject=f"s{i}")
        service.add_reply(ticket, agent, f"r{i}")
    db.session.commit()
    many = _count(count_queries, signed_in, url)
    assert many == few
    assert few <= 18  # plus the menu badges of other domains
