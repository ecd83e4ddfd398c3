"""Agents open tickets for customers through intake; the customer page pages its history, suggests merges and
undoes them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.customers import service as customers
from portal.customers.models import Customer, CustomerMerge, TimelineEntry
from portal.tickets.models import Message, Ticket, TicketEvent


def test_an_agent_opens_a_ticket_for_a_new_caller(signed_in, db, agent):
    response = signed_in.post(
        "/desk/tickets/new",
        data={
            "name": "박서준",
            "phone": "010-5555-1234",
            "channel": "phone",
            "subject": "요금제 변경",
            "text": "전화로 요금제 변경 문의",
            "priority": "high",
            "assign_to_me": "y",
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()))
    assert (ticket.channel, ticket.priority, ticket.assignee_id) == ("phone", "high", agent.id)
    assert ticket.customer.phone == "+821055551234" and ticket.customer.name == "박서준"
    message = db.session.scalar(sa.select(Message).where(Message.ticket_id == ticket.id))
    assert message.direction == "inbound" and message.meta["entered_by"] == agent.id
    kinds = set(db.session.scalars(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))
    assert {"created", "entered_by_agent"} <= kinds
    assert (
        db.session.scalar(sa.select(TimelineEntry.kind).where(TimelineEntry.ticket_id == ticket.id))
        == "ticket"
    )
    page = signed_in.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    assert "entered by 김민준" in page


def test_an_agent_opens_a_ticket_for_a_known_customer(signed_in, db, make_ticket):
    first = make_ticket("email", email="yuna@example.com", name="최유나")
    picked = signed_in.get(f"/desk/tickets/new?customer={first.customer_id}").get_data(as_text=True)
    assert "최유나" in picked
    signed_in.post(
        "/desk/tickets/new",
        data={
            "customer_id": str(first.customer_id),
            "channel": "email",
            "subject": "두 번째",
            "text": "메일 내용",
        },
    )
    latest = db.session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()))
    assert latest.customer_id == first.customer_id and latest.id != first.id
    lookup = signed_in.get("/desk/customer-lookup?q=yuna").get_json()
    assert lookup[0]["id"] == first.customer_id


def test_the_new_ticket_form_explains_each_problem(signed_in, db):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    response = signed_in.post(
        "/desk/tickets/new", data={"channel": "fax", "email": "not-an-address", "subject": "", "text": ""}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for reason in (
        "Choose phone, email or web.",
        "Write a subject.",
        "Write what the customer asked.",
        "This email address is not valid.",
    ):
        assert reason in body
    nobody = signed_in.post("/desk/tickets/new", data={"channel": "phone", "subject": "s", "text": "t"})
    assert "Pick a customer, or enter an email address or a phone number." in nobody.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before


def test_the_customer_timeline_loads_more_by_keyset(signed_in, db, make_ticket):
    first = make_ticket(email="many@example.com", subject="ticket 0")
    for i in range(1, 60):
        make_ticket(email="many@example.com", subject=f"ticket {i}")
    page = signed_in.get(f"/desk/customers/{first.customer_id}").get_data(as_text=True)
    assert page.count('class="timeline-entry') == 50
    more = re.search(r'data-load-more="([^"]+)"', page).group(1).replace("&amp;", "&")
    rest = signed_in.get(more).get_data(as_text=True)
    assert rest.count('class="timeline-entry') == 10 and "data-load-more" not in rest
    summaries = re.findall(r'timeline-summary">([^<]+)<', page + rest)
    assert len(set(summaries)) == 60 and summaries[0] == "ticket 59" and summaries[-1] == "ticket 0"


def test_a_suggested_merge_is_one_click_and_can_be_undone(signed_in, db, make_ticket):
    one = make_ticket(email="minho.lee@example.kr", name="이민호", phone="010-9876-5432")
    twin = customers.create_customer(name="이 민호", email="lee.minho@example.com", phone="010-9876-5432")
    db.session.commit()
    two = make_ticket(email="lee.minho@example.com")
    assert two.customer_id == twin.id
    survivor, other = one.customer_id, two.customer_id
    page = signed_in.get(f"/desk/tickets/{one.ref}").get_data(as_text=True)
    assert "Maybe the same person" in page and f'name="other_id" value="{other}"' in page
    merged = signed_in.post(
        f"/desk/customers/{survivor}/merge", data={"other_id": str(other), "next": f"/desk/tickets/{one.ref}"}
    )
    location = merged.headers["Location"]
    assert f"/desk/tickets/{one.ref}" in location and "merged=" in location
    assert db.session.get(Ticket, two.id).customer_id == survivor
    notice = signed_in.get(location).get_data(as_text=True)
    assert f"Customer #{other} was merged into" in notice and "Undo" in notice
    record = db.session.scalar(sa.select(CustomerMerge).where(CustomerMerge.other_id == other))
    undone = signed_in.post(f"/desk/customers/{survivor}/unmerge/{record.id}", data={"next": location})
    assert undone.status_code == 302
    assert db.session.get(Ticket, two.id).customer_id == other
    assert db.session.get(Customer, other).merged_into_id is None


def test_nothing_merges_by_itself(db, make_ticket):
    one = make_ticket(email="same.name@example.kr", name="정하늘")
    two = make_ticket(email="same.name2@example.kr", name="정하늘")
    assert one.customer_id != two.customer_id
    assert [c.id for c, _ in customers.suggest_duplicates(db.session.get(Customer, one.customer_id))] == [
        two.customer_id
    ]
