"""Macros: placeholders rendered in a sandbox, who sees and manages them, applying one with a reply."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.core.errors import ValidationFailed
from portal.tickets import macros
from portal.tickets.models import Macro, Message, Ticket, TicketEvent


def test_placeholders_are_filled_from_the_ticket_and_agent(db, agent, make_ticket):
    ticket = make_ticket(name="최유나", email="yuna@example.com")
    macro = macros.save_macro(
        None,
        agent,
        name="Thanks",
        body="{{ customer.name }}님, #{{ ticket.ref }} 확인했습니다. — {{ agent.name }}",
    )
    applied = macros.apply(macro, ticket, agent)
    assert applied.text == f"최유나님, #{ticket.ref} 확인했습니다. — 김민준"


@pytest.mark.parametrize(
    "body",
    [
        "{{ customer.__class__.__mro__ }}",
        "{% for i in range(100000) %}x{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ config }}",
        "{{ ticket.ref",
        "{% include 'base.html' %}",
    ],
)
def test_a_macro_cannot_reach_beyond_its_placeholders(db, agent, body):
    with pytest.raises(ValidationFailed) as failed:
        macros.save_macro(None, agent, name="Bad", body=body)
    assert failed.value.by_field().get("body")


def test_rendering_a_stored_body_never_fails(db, agent, make_ticket):
    ticket = make_ticket()
    macro = Macro(name="old", body="{{ unknown.thing }} hello {{ ticket.ref }}", add_tags=[])
    db.session.add(macro)
    db.session.flush()
    assert macros.apply(macro, ticket, agent).text == f"hello {ticket.ref}"


def test_who_sees_and_who_manages_a_macro(db, agent, admin, make_user, make_group):
    other = make_user("agent", name="Other")
    team = make_group("Team", members=[agent])
    personal = macros.save_macro(None, agent, name="Mine", body="a")
    shared = macros.save_macro(None, agent, name="Team's", body="b", scope="group", group=team)
    everyone = macros.save_macro(None, admin, name="All", body="c", scope="everyone")
    visible = {m.name for m in db.session.scalars(macros.visible_macros(other))}
    assert visible == {"All"}
    assert {m.name for m in db.session.scalars(macros.visible_macros(agent))} == {"Mine", "Team's", "All"}
    assert macros.can_manage(agent, personal) and macros.can_manage(agent, shared)
    assert not macros.can_manage(agent, everyone) and macros.can_manage(admin, everyone)
    assert not macros.can_use(other, personal)
    with pytest.raises(ValidationFailed):
        macros.save_macro(None, agent, name="x", body="y", scope="everyone")
    with pytest.raises(ValidationFailed):
        macros.save_macro(None, other, name="x", body="y", scope="group", group=team)


def test_the_management_page_creates_edits_and_deletes(signed_in, db, agent):
    page = signed_in.get("/desk/macros")
    assert "No macros yet" in page.get_data(as_text=True)
    bad = signed_in.post("/desk/macros/new", data={"name": "", "body": "{{ nope }}", "scope": "personal"})
    assert bad.status_code == 422 and "Give the macro a name." in bad.get_data(as_text=True)
    assert "Unknown placeholder" in bad.get_data(as_text=True)
    created = signed_in.post(
        "/desk/macros/new",
        data={
            "name": "환불 안내",
            "body": "{{ customer.name }}님",
            "set_status": "pending",
            "add_tags": "환불",
            "scope": "personal",
        },
    )
    assert created.status_code == 302
    macro = db.session.scalar(sa.select(Macro).where(Macro.name == "환불 안내"))
    assert (macro.owner_id, macro.set_status, macro.add_tags) == (agent.id, "pending", ["환불"])
    macro_id = macro.id
    signed_in.post(
        f"/desk/macros/{macro_id}", data={"name": "환불 안내 2", "body": "hi", "scope": "personal"}
    )
    assert db.session.get(Macro, macro_id).name == "환불 안내 2"
    signed_in.post(f"/desk/macros/{macro_id}/delete")
    db.session.expunge_all()
    assert db.session.get(Macro, macro_id) is None


def test_another_agents_personal_macro_is_a_404(signed_in, db, make_user, make_ticket):
    other = make_user("agent")
    macro = macros.save_macro(None, other, name="Private", body="secret")
    db.session.commit()
    ticket = make_ticket()
    assert signed_in.get(f"/desk/macros/{macro.id}").status_code == 404
    assert signed_in.get(f"/desk/tickets/{ticket.ref}/macros/{macro.id}").status_code == 404


def test_applying_a_macro_fills_the_reply_and_its_changes_go_with_it(signed_in, db, agent, make_ticket):
    ticket = make_ticket(name="Yuna", email="yuna@example.com")
    macro = macros.save_macro(
        None,
        agent,
        name="Solve",
        body="Dear {{ customer.name }}, done.",
        set_status="solved",
        set_priority="low",
        add_tags="resolved",
    )
    db.session.commit()
    preview = signed_in.get(f"/desk/tickets/{ticket.ref}/macros/{macro.id}").get_json()
    assert preview["text"] == "Dear Yuna, done." and preview["status"] == "solved"
    page = signed_in.get(f"/desk/tickets/{ticket.ref}?macro={macro.id}").get_data(as_text=True)
    assert "Dear Yuna, done." in page and f'value="{macro.id}"' in page
    version = db.session.get(Ticket, ticket.id).version
    sent = signed_in.post(
        f"/desk/tickets/{ticket.ref}/reply",
        data={
            "text": preview["text"],
            "macro_id": str(macro.id),
            "seen_version": version,
            "status": "solved",
        },
    )
    assert sent.status_code == 302
    fresh = db.session.get(Ticket, ticket.id)
    assert (fresh.status, fresh.priority, fresh.tags) == ("solved", "low", ["resolved"])
    assert (
        db.session.scalar(sa.select(Message.text).where(Message.direction == "outbound"))
        == "Dear Yuna, done."
    )
    assert (
        db.session.scalar(sa.select(TicketEvent.data).where(TicketEvent.kind == "macro"))["name"] == "Solve"
    )


def test_a_macro_with_only_changes_applies_without_a_message(signed_in, db, agent, make_ticket):
    ticket = make_ticket()
    macro = macros.save_macro(
        None, agent, name="Escalate", body="", set_priority="urgent", add_tags="escalated"
    )
    db.session.commit()
    response = signed_in.post(
        f"/desk/tickets/{ticket.ref}/reply", data={"text": "", "macro_id": str(macro.id)}
    )
    assert response.status_code == 302
    fresh = db.session.get(Ticket, ticket.id)
    assert fresh.priority == "urgent" and fresh.tags == ["escalated"]
    assert fresh.message_count == 1
