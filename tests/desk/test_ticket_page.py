"""The ticket page: merging tickets, splitting and moving messages, held replies and presence."""

from __future__ import annotations

import sqlalchemy as sa

from portal.tickets import service
from portal.tickets.intake import receive
from portal.tickets.models import Message, Ticket, TicketEvent


def events_of(db, ticket):
    return {
        e.kind: e.data
        for e in db.session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    }


def test_merging_moves_the_messages_and_both_tickets_say_so(signed_in, db, make_ticket):
    target = make_ticket("email", email="yuna@example.com", subject="요금 문의", text="첫 문의")
    source = make_ticket("chat", email="yuna@example.com", subject="같은 문의", text="채팅으로 또 물어요")
    form = signed_in.get(f"/desk/tickets/{source.ref}/merge").get_data(as_text=True)
    assert f'value="{target.ref}"' in form
    response = signed_in.post(f"/desk/tickets/{source.ref}/merge", data={"target": str(target.ref)})
    assert response.headers["Location"].endswith(f"/desk/tickets/{target.ref}")
    assert db.session.get(Ticket, source.id).merged_into_id == target.id
    assert db.session.get(Ticket, target.id).message_count == 2
    assert events_of(db, target)["merged_in"]["ref"] == source.ref
    assert events_of(db, source)["merged_into"]["ref"] == target.ref
    page = signed_in.get(f"/desk/tickets/{target.ref}").get_data(as_text=True)
    assert "채팅으로 또 물어요" in page and f"Ticket #{source.ref} was merged into this one" in page
    old = signed_in.get(f"/desk/tickets/{source.ref}").get_data(as_text=True)
    assert "This ticket was merged into another one." in old


def test_tickets_of_different_customers_are_not_merged(signed_in, db, make_ticket):
    mine = make_ticket(email="a@example.com")
    theirs = make_ticket(email="b@example.com")
    refused = signed_in.post(f"/desk/tickets/{mine.ref}/merge", data={"target_ref": f"#{theirs.ref}"})
    assert refused.status_code == 422
    assert "Only tickets of the same customer can be merged." in refused.get_data(as_text=True)
    assert db.session.get(Ticket, mine.id).merged_into_id is None
    missing = signed_in.post(f"/desk/tickets/{mine.ref}/merge", data={"target_ref": "99999"})
    assert missing.status_code == 422


def test_a_message_is_split_off_into_a_new_ticket(signed_in, db, agent, make_ticket, make_inbound):
    ticket = make_ticket(email="yuna@example.com", subject="인터넷 문의", text="인터넷이 끊겨요")
    second = receive(
        make_inbound(
            "web", email="yuna@example.com", ticket_ref=ticket.ref, text="그리고 카드도 잃어버렸어요"
        )
    )
    db.session.commit()
    response = signed_in.post(f"/desk/messages/{second.message.id}/split")
    new = db.session.get(Ticket, db.session.get(Message, second.message.id).ticket_id)
    assert new.id != ticket.id and response.headers["Location"].endswith(f"/desk/tickets/{new.ref}")
    assert new.customer_id == ticket.customer_id
    assert events_of(db, ticket)["split_out"]["ref"] == new.ref
    assert events_of(db, new)["split_from"]["ref"] == ticket.ref
    only = db.session.scalar(sa.select(Message).where(Message.ticket_id == ticket.id))
    refused = signed_in.post(f"/desk/messages/{only.id}/split", follow_redirects=True)
    assert "The only message of a ticket cannot be split off." in refused.get_data(as_text=True)


def test_a_wrongly_threaded_message_moves_to_another_ticket(signed_in, db, make_ticket, make_inbound):
    ticket = make_ticket(email="yuna@example.com")
    other = make_ticket(email="yuna@example.com", subject="다른 문의")
    stray = receive(
        make_inbound("web", email="yuna@example.com", ticket_ref=ticket.ref, text="다른 건이에요")
    )
    db.session.commit()
    page = signed_in.get(f"/desk/messages/{stray.message.id}/move").get_data(as_text=True)
    assert f'value="{other.ref}"' in page
    response = signed_in.post(f"/desk/messages/{stray.message.id}/move", data={"target": str(other.ref)})
    assert response.status_code == 302
    assert db.session.get(Message, stray.message.id).ticket_id == other.id
    assert events_of(db, other)["message_moved_in"]["ref"] == ticket.ref
    same = signed_in.post(f"/desk/messages/{stray.message.id}/move", data={"target": str(other.ref)})
    assert same.status_code == 422


def test_a_held_reply_shows_what_is_new_keeps_the_draft_and_sends_anyway(
    signed_in, db, make_user, make_ticket, make_inbound
):
    ticket = make_ticket(email="yuna@example.com")
    page = signed_in.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    import re

    seen = {
        k: re.search(rf'name="{k}" type="hidden" value="(\d*)"', page).group(1)
        for k in ("seen_version", "seen_message_id", "seen_event_id")
    }
    newcomer = receive(
        make_inbound("web", email="yuna@example.com", ticket_ref=ticket.ref, text="추가 질문이요")
    )
    colleague = make_user("agent", name="Colleague")
    service.update_ticket(db.session.get(Ticket, ticket.id), colleague, priority="high")
    db.session.commit()
    held = signed_in.post(f"/desk/tickets/{ticket.ref}/reply", data={"text": "답장 초안", **seen})
    body = held.get_data(as_text=True)
    assert held.status_code == 409
    assert "답장 초안" in body and "Send anyway" in body
    assert f'id="m{newcomer.message.id}"' in body and "New since you started writing" in body
    assert "Colleague changed the ticket" in body
    version = re.search(r'name="seen_version" type="hidden" value="(\d+)"', body).group(1)
    sent = signed_in.post(
        f"/desk/tickets/{ticket.ref}/reply",
        data={"text": "답장 초안", "seen_version": version, "confirm": "1"},
    )
    assert sent.status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Message).where(Message.direction == "outbound")
        )
        == 1
    )


def test_presence_lists_others_and_what_arrived_since_opening(
    client, make_client, db, make_user, make_ticket, make_inbound
):
    ticket = make_ticket(email="yuna@example.com")
    first_message = db.session.scalar(sa.select(Message.id).where(Message.ticket_id == ticket.id))
    one, two = make_user("agent", name="One"), make_user("agent", name="Two")
    client.login(one.email)
    other = make_client()
    other.login(two.email)
    client.post(f"/desk/tickets/{ticket.ref}/presence", data={"replying": "1", "since": first_message})
    receive(
        make_inbound("web", email="yuna@example.com", ticket_ref=ticket.ref, text="또 왔어요", name="Yuna")
    )
    db.session.commit()
    answer = other.post(f"/desk/tickets/{ticket.ref}/presence", data={"since": first_message}).get_json()
    assert answer["viewers"] == [{"name": "One", "replying": True}]
    assert [m["author"] for m in answer["new_messages"]] == ["Yuna"]
    client.post(f"/desk/tickets/{ticket.ref}/presence", data={"leaving": "1"})
    assert other.post(f"/desk/tickets/{ticket.ref}/presence", data={}).get_json()["viewers"] == []
    page = other.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    assert 'id="collision"' in page and "data-presence-url" in page
