"""After a dropped connection the client catches up by sequence number and resends with the same client id:
nothing is lost and nothing is shown or stored twice."""

from __future__ import annotations

import sqlalchemy as sa

from portal.tickets.models import Message
from tests.chat.conftest import csrf_headers


def test_a_client_that_was_away_gets_exactly_what_it_missed_and_its_resend_is_not_doubled(
    client, make_client, db, suggester, online_agent, start_guest_chat
):
    body, key = start_guest_chat(text="모뎀이 안 돼요")
    chat_id = body["id"]
    url = f"/api/v1/chats/{chat_id}/messages"
    held = client.get(url, headers=key).get_json()["items"][-1][
        "seq"
    ]  # what the widget holds before the drop

    desk = make_client()
    desk.login(online_agent.email)
    agent_headers = csrf_headers(desk)
    for text in ("첫 번째 답변", "두 번째 답변"):
        assert desk.post(url, json={"text": text}, headers=agent_headers).status_code == 201
    # The customer's send reached the server but the answer was lost with the connection…
    first = client.post(url, headers=key, json={"text": "제 말 들리세요?", "client_id": "retry-0001"})
    assert first.status_code == 201
    # …so the widget sends it again, with the same client id, once it is back.
    again = client.post(url, headers=key, json={"text": "제 말 들리세요?", "client_id": "retry-0001"})
    assert again.status_code == 200 and again.get_json()["seq"] == first.get_json()["seq"]

    caught_up = client.get(f"{url}?after={held}", headers=key).get_json()["items"]
    seqs = [i["seq"] for i in caught_up]
    assert seqs == sorted(set(seqs)) and seqs[0] == held + 1
    texts = [i["text"] for i in caught_up if i["kind"] == "message"]
    assert texts == ["첫 번째 답변", "두 번째 답변", "제 말 들리세요?"]
    assert client.get(f"{url}?after={seqs[-1]}", headers=key).get_json()["items"] == []

    stored = db.session.scalars(sa.select(Message.text).where(Message.text == "제 말 들리세요?")).all()
    assert stored == ["제 말 들리세요?"]


def test_a_long_answer_comes_in_pages_and_the_client_asks_for_the_next_at_once(
    client, app, suggester, start_guest_chat, monkeypatch
):
    from portal.channels.chat import api as chat_api

    monkeypatch.setitem(app.config, "CHAT_BURST", 1000)
    monkeypatch.setitem(app.config, "CHAT_RATE_PER_MINUTE", 1000)
    monkeypatch.setattr(chat_api, "PAGE", 3)
    body, key = start_guest_chat(text="모뎀")
    url = f"/api/v1/chats/{body['id']}/messages"
    for n in range(5):
        client.post(url, headers=key, json={"text": f"m{n}"})
    newest = client.get(f"/api/v1/chats/{body['id']}", headers=key).get_json()["last_seq"]
    seen, after, pages = [], 0, 0
    while True:
        page = client.get(f"{url}?after={after}", headers=key).get_json()
        pages += 1
        seen += [i["seq"] for i in page["items"]]
        if page["next"] is None:
            break
        after = page["next"]
    assert seen == list(range(1, newest + 1)) and pages >= 3
