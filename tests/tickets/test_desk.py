"""The agent workspace: queue views and filters, the ticket page with the customer's whole history, collisions."""

from __future__ import annotations

import sqlalchemy as sa

from portal.tickets import service
from portal.tickets.models import Message, Ticket


def test_customers_and_strangers_never_see_the_desk(client, make_user, make_ticket):
    ticket = make_ticket()
    assert client.get("/desk/").status_code == 302  # to sign-in
    customer = make_user("customer")
    client.login(customer.email)
    assert client.get("/desk/").status_code == 404
    assert client.get(f"/desk/tickets/{ticket.ref}").status_code == 404


def test_the_queue_shows_every_channel_and_filters(client, agent, make_ticket):
    for channel in ("email", "chat", "web", "phone"):
        make_ticket(channel, subject=f"{channel} ticket")
    client.login(agent.email)
    body = client.get("/desk/?view=open").get_data(as_text=True)
    assert all(f"{c} ticket" in body for c in ("email", "chat", "web", "phone"))
    only_chat = client.get("/desk/?view=open&channel=chat").get_data(as_text=True)
    assert "chat ticket" in only_chat and "email ticket" not in only_chat


def test_queue_pages_follow_a_cursor_without_gaps(client, db, agent, make_ticket):
    refs = {make_ticket().ref for _ in range(55)}
    client.login(agent.email)
    seen: set[int] = set()
    url = "/desk/?view=all"
    import re

    while url:
        body = client.get(url).get_data(as_text=True)
        seen |= {int(r) for r in re.findall(r'/desk/tickets/(\d+)"', body)}
        match = re.search(r'href="(/desk/\?[^"]*after=[^"]+)"', body)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert refs <= seen


def test_the_ticket_page_shows_what_the_customer_said_elsewhere(client, agent, make_ticket):
    first = make_ticket("chat", email="yuna@example.com", subject="채팅 문의", text="와이파이가 끊겨요")
    second = make_ticket("email", email="yuna@example.com", subject="메일 문의")
    client.login(agent.email)
    body = client.get(f"/desk/tickets/{second.ref}").get_data(as_text=True)
    assert f"#{first.ref}" in body and "채팅 문의" in body


def test_an_agent_replies_and_the_customer_is_told_by_mail(client, db, agent, make_ticket, smtp):
    ticket = make_ticket(email="yuna@example.com", subject="환불 문의")
    client.login(agent.email)
    version = db.session.get(Ticket, ticket.id).version
    response = client.post(
        f"/desk/tickets/{ticket.ref}/reply",
        data={"text": "환불해 드렸습니다.", "seen_version": version, "status": "pending"},
    )
    assert response.status_code == 302
    refreshed = db.session.get(Ticket, ticket.id)
    assert refreshed.status == "pending" and refreshed.first_response_at is not None
    mail = smtp.wait_for(1)[0]
    assert mail["To"].addresses[0].addr_spec == "yuna@example.com"
    assert "환불해 드렸습니다." in mail.get_body(("plain",)).get_content()
    assert db.session.scalar(sa.select(Message.delivery).where(Message.direction == "outbound")) == "sent"


def test_a_reply_written_against_an_old_conversation_is_held(client, db, agent, make_ticket, make_inbound):
    from portal.tickets.intake import receive

    ticket = make_ticket(email="yuna@example.com")
    seen = db.session.get(Ticket, ticket.id).version
    receive(make_inbound("web", email="yuna@example.com", ticket_ref=ticket.ref, text="추가로 알려드려요"))
    db.session.commit()
    client.login(agent.email)
    held = client.post(f"/desk/tickets/{ticket.ref}/reply", data={"text": "답변", "seen_version": seen})
    assert held.status_code == 409
    assert "답변" in held.get_data(as_text=True)  # the draft is kept
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Message).where(Message.direction == "outbound")
        )
        == 0
    )
    version = db.session.get(Ticket, ticket.id).version
    sent = client.post(f"/desk/tickets/{ticket.ref}/reply", data={"text": "답변", "seen_version": version})
    assert sent.status_code == 302


def test_presence_tells_who_else_is_on_the_ticket(client, make_client, make_user, make_ticket):
    ticket = make_ticket()
    first, second = make_user("agent", name="Agent One"), make_user("agent", name="Agent Two")
    client.login(first.email)
    other = make_client()
    other.login(second.email)
    client.post(f"/desk/tickets/{ticket.ref}/presence", data={"replying": "1"})
    answer = other.post(f"/desk/tickets/{ticket.ref}/presence", data={}).get_json()
    assert answer["viewers"] == [{"name": "Agent One", "replying": True}]


def test_changes_are_recorded_in_the_history(client, db, agent, make_ticket):
    ticket = make_ticket()
    client.login(agent.email)
    client.post(
        f"/desk/tickets/{ticket.ref}/update",
        data={
            "status": "open",
            "priority": "urgent",
            "assignee_id": str(agent.id),
            "group_id": "",
            "tags": "vip 환불",
        },
    )
    refreshed = db.session.get(Ticket, ticket.id)
    assert (refreshed.priority, refreshed.assignee_id, refreshed.tags) == (
        "urgent",
        agent.id,
        ["vip", "환불"],
    )
    from portal.tickets.models import TicketEvent

    kinds = set(db.session.scalars(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))
    assert {"created", "status", "priority", "assignee", "tags"} <= kinds


def test_the_queue_and_ticket_pages_run_a_fixed_number_of_queries(
    client, db, agent, make_ticket, count_queries
):
    for i in range(5):
        make_ticket(email=f"c{i}@example.com")
    ticket = make_ticket(email="c0@example.com")
    for i in range(3):
        service.add_reply(ticket, agent, f"reply {i}")
    db.session.commit()
    client.login(agent.email)
    url = f"/desk/tickets/{ticket.ref}"  # read before counting: only the request's queries count
    with count_queries() as few:
        client.get("/desk/?view=all")
    for i in range(20):
        make_ticket(email=f"d{i}@example.com")
    with count_queries() as many:
        client.get("/desk/?view=all")
    assert many.count == few.count
    with count_queries() as page_few:
        client.get(url)
    for i in range(10):
        service.add_reply(ticket, agent, f"more {i}")
    db.session.commit()
    with count_queries() as page_many:
        client.get(url)
    assert page_many.count == page_few.count
