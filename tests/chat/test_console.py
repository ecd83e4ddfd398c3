"""The agents' console: lists, several chats at once, canned responses, presence, the customer panel, badges."""

from __future__ import annotations

from portal.channels.chat.models import Chat
from portal.tickets.models import Macro
from tests.chat.conftest import csrf_headers


def test_the_console_is_for_agents_with_its_own_entry_in_the_workspace(
    client, make_client, agent, customer_user
):
    desk = make_client()
    desk.login(agent.email)
    page = desk.get("/desk/chats/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/desk/chats/"' in html and "chat-console.js" in html
    assert 'id="hana-chat"' not in html  # no customer widget on agents' pages
    customer = make_client()
    customer.login(customer_user.email)
    assert customer.get("/desk/chats/").status_code == 404
    assert 'id="hana-chat"' in customer.get("/").get_data(as_text=True)
    assert 'id="hana-chat"' in client.get("/").get_data(as_text=True)


def test_canned_responses_are_the_agents_macros(db, make_client, agent, make_user):
    other = make_user("agent")
    db.session.add_all(
        [
            Macro(name="Shared", body="Hello {{ customer.name }}"),
            Macro(name="Mine", body="mine", owner_id=agent.id),
            Macro(name="Theirs", body="theirs", owner_id=other.id),
        ]
    )
    db.session.commit()
    desk = make_client()
    desk.login(agent.email)
    html = desk.get("/desk/chats/").get_data(as_text=True)
    assert "Shared" in html and "Mine" in html and "Theirs" not in html


def test_poll_lists_waiting_chats_and_new_events_in_a_fixed_number_of_queries(
    db, make_client, online_agent, suggester, start_guest_chat, count_queries
):
    desk = make_client()
    desk.login(online_agent.email)
    first, _ = start_guest_chat(text="모뎀", email="a1@example.com")
    counts = []
    for n in range(2, 6):
        start_guest_chat(text=f"모뎀 {n}", email=f"a{n}@example.com")
        with count_queries() as counter:
            body = desk.get(f"/desk/chats/poll?v=-1&c={first['id']}:0").get_json()
        counts.append(counter.count)
        assert len(body["state"]["waiting"]) == n
        assert [i["seq"] for i in body["events"][str(first["id"])]][:2] == [1, 2]
    assert len(set(counts)) == 1, counts
    unchanged = desk.get(
        f"/desk/chats/poll?v={body['v']}&c={first['id']}:{body['events'][str(first['id'])][-1]['seq']}"
    )
    assert unchanged.get_json() == {"v": body["v"], "events": {}}


def test_two_chats_at_once_and_the_customer_panel_beside_each(
    db, make_client, online_agent, make_ticket, suggester, start_guest_chat
):
    make_ticket("email", email="a1@example.com", subject="지난달 요금 문의")
    one, _ = start_guest_chat(text="모뎀", email="a1@example.com")
    two, _ = start_guest_chat(text="카드", email="a2@example.com")
    desk = make_client()
    desk.login(online_agent.email)
    for chat in (one, two):
        assert desk.post(f"/desk/chats/{chat['id']}/accept").status_code == 200
    state = desk.get("/desk/chats/poll?v=-1").get_json()["state"]
    assert {c["id"] for c in state["mine"]} == {one["id"], two["id"]} and state["waiting"] == []
    panel = desk.get(f"/desk/chats/{one['id']}/panel").get_data(as_text=True)
    assert "지난달 요금 문의" in panel and "a1@example.com" in panel


def test_a_chat_taken_by_someone_else_is_refused(
    db, make_client, online_agent, make_user, suggester, start_guest_chat
):
    body, _ = start_guest_chat(text="모뎀")
    first, second = make_client(), make_client()
    first.login(online_agent.email)
    second.login(make_user("agent").email)
    assert first.post(f"/desk/chats/{body['id']}/accept").status_code == 200
    taken = second.post(f"/desk/chats/{body['id']}/accept")
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "already_taken"


def test_presence_online_away_offline(db, make_client, agent):
    desk = make_client()
    desk.login(agent.email)
    assert desk.post("/desk/chats/presence", data={"presence": "online"}).get_json() == {"presence": "online"}
    assert desk.get("/desk/chats/poll?v=-1").get_json()["state"]["online"] == 1
    assert desk.post("/desk/chats/presence", data={"presence": "away"}).get_json() == {"presence": "away"}
    assert desk.get("/desk/chats/poll?v=-1").get_json()["state"]["online"] == 0
    assert desk.post("/desk/chats/presence", data={"presence": "busy"}).status_code == 422


def test_live_chats_carry_a_badge_in_the_queue_in_a_fixed_number_of_queries(
    db, make_client, online_agent, suggester, start_guest_chat, count_queries
):
    desk = make_client()
    desk.login(online_agent.email)
    start_guest_chat(text="모뎀 1", email="q1@example.com")
    with count_queries() as one:
        page = desk.get("/desk/?view=all").get_data(as_text=True)
    assert page.count("Live chat · waiting") == 1
    for n in range(2, 5):
        start_guest_chat(text=f"모뎀 {n}", email=f"q{n}@example.com")
    with count_queries() as four:
        page = desk.get("/desk/?view=all").get_data(as_text=True)
    assert page.count("Live chat · waiting") == 4
    assert four.count == one.count


def test_the_ticket_page_of_a_live_chat_points_to_the_console(
    db, make_client, online_agent, suggester, start_guest_chat
):
    body, _ = start_guest_chat(text="모뎀")
    desk = make_client()
    desk.login(online_agent.email)
    page = desk.get(f"/desk/tickets/{body['ticket']}").get_data(as_text=True)
    assert "The customer is in a live chat" in page and "/desk/chats/" in page
    desk.post(f"/desk/chats/{body['id']}/end", data={"solve": "1"})
    assert db.session.get(Chat, body["id"]).status == "ended"
    page = desk.get(f"/desk/tickets/{body['ticket']}").get_data(as_text=True)
    assert "The customer is in a live chat" not in page


def test_an_agent_ends_a_chat_and_solves_its_ticket(
    db, make_client, online_agent, suggester, start_guest_chat
):
    from portal.tickets.models import Ticket

    body, key = start_guest_chat(text="모뎀")
    desk = make_client()
    desk.login(online_agent.email)
    desk.post(f"/desk/chats/{body['id']}/accept")
    ended = desk.post(f"/api/v1/chats/{body['id']}/end", json={"solve": True}, headers=csrf_headers(desk))
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"
    chat = db.session.get(Chat, body["id"])
    assert chat.ended_by == "agent" and db.session.get(Ticket, chat.ticket_id).status == "solved"
