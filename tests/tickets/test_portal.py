"""The customer portal and the web channel: filing, following, replying; guests through signed links."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from portal.tickets.models import Attachment, Message, Ticket


def test_a_signed_in_customer_files_a_request_with_a_file(client, customer_user):
    client.login(customer_user.email)
    response = client.post(
        "/requests/new",
        data={
            "subject": "인터넷이 안 돼요",
            "text": "어제부터 연결이 끊깁니다.",
            "files": [(io.BytesIO(b"%PDF-1.4 test"), "진단.pdf")],
            "context": '{"searches": ["인터넷 끊김"], "articles": [{"title": "공유기 재부팅", "url": "/kb/1"}]}',
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    ref = int(response.location.rsplit("/", 1)[1])
    page = client.get(f"/requests/{ref}").get_data(as_text=True)
    assert "어제부터 연결이 끊깁니다." in page and "진단.pdf" in page


def test_the_request_carries_what_the_customer_did_before(client, db, customer_user):
    client.login(customer_user.email)
    client.post(
        "/requests/new",
        data={
            "subject": "환불",
            "text": "환불해 주세요",
            "context": '{"searches": ["환불"], "evil": "<script>"}',
        },
    )
    ticket = db.session.scalars(sa.select(Ticket)).one()
    assert ticket.context["searches"] == ["환불"]
    assert "evil" not in ticket.context


def test_a_form_with_errors_keeps_the_text_and_says_what_is_wrong(client, customer_user):
    client.login(customer_user.email)
    response = client.post(
        "/requests/new",
        data={"subject": "", "text": "내용은 남아 있어야 합니다"},
        headers={"Accept-Language": "ko"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "내용은 남아 있어야 합니다" in body


def test_disallowed_files_are_refused_with_a_message(client, db, customer_user):
    client.login(customer_user.email)
    response = client.post(
        "/requests/new",
        data={"subject": "s", "text": "t", "files": [(io.BytesIO(b"MZ"), "setup.exe")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert ".exe" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_a_guest_files_and_follows_a_request_by_the_mailed_link(client, db, smtp):
    response = client.post(
        "/requests/new",
        data={
            "name": "박서준",
            "email": "seojun@example.com",
            "subject": "요금제 변경",
            "text": "무제한으로 바꾸고 싶어요",
        },
    )
    assert response.status_code == 200
    mail = smtp.wait_for(1)[0]
    assert mail["To"].addresses[0].addr_spec == "seojun@example.com"
    link = re.search(r"http://portal\.test(/r/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "무제한으로 바꾸고 싶어요" in page.get_data(as_text=True)
    reply = client.post(link + "/reply", data={"text": "추가 질문입니다"})
    assert reply.status_code == 302
    assert "추가 질문입니다" in client.get(link).get_data(as_text=True)


def test_a_forged_or_foreign_guest_link_is_a_404(client, make_ticket):
    make_ticket()
    assert client.get("/r/not-a-real-token").status_code == 404
    assert client.post("/r/not-a-real-token/reply", data={"text": "x"}).status_code == 404


def test_another_customers_request_is_a_404_that_leaks_nothing(client, db, make_user, make_ticket):
    owner = make_user("customer")
    ticket = make_ticket(user_id=owner.id, email=owner.email, subject="비밀 주제")
    intruder = make_user("customer")
    client.login(intruder.email)
    response = client.get(f"/requests/{ticket.ref}")
    assert response.status_code == 404
    assert "비밀 주제" not in response.get_data(as_text=True)
    assert client.get("/requests/999999").status_code == 404
    assert client.post(f"/requests/{ticket.ref}/reply", data={"text": "x"}).status_code == 404


def test_my_requests_lists_every_channel(client, db, customer_user, make_ticket):
    for channel in ("email", "chat", "web"):
        make_ticket(channel, email=customer_user.email, subject=f"via {channel}")
    client.login(customer_user.email)
    body = client.get("/requests").get_data(as_text=True)
    assert all(f"via {c}" in body for c in ("email", "chat", "web"))


def test_a_customer_closes_and_reopens_their_request(client, db, customer_user, make_ticket):
    ticket = make_ticket(email=customer_user.email)
    client.login(customer_user.email)
    client.post(f"/requests/{ticket.ref}/status", data={"status": "solved"})
    assert db.session.get(Ticket, ticket.id).status == "solved"
    client.post(f"/requests/{ticket.ref}/status", data={"status": "open"})
    assert db.session.get(Ticket, ticket.id).status == "open"


def test_attachments_are_served_only_to_who_may_see_them_and_never_as_html(
    client, db, make_user, make_ticket
):
    from portal.tickets.inbound import InboundAttachment

    owner = make_user("customer")
    ticket = make_ticket(
        email=owner.email, attachments=[InboundAttachment("page.html", "text/html", b"<script>")]
    )
    item = db.session.scalars(sa.select(Attachment).join(Message).where(Message.ticket_id == ticket.id)).one()
    url = f"/attachments/{item.id}/{item.filename}"
    assert client.get(url).status_code == 404
    client.login(owner.email)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_internal_notes_never_reach_the_customer(client, db, customer_user, agent, make_ticket):
    from portal.tickets import service

    ticket = make_ticket(email=customer_user.email)
    service.add_reply(ticket, agent, "내부 메모: 환불 보류", internal=True)
    db.session.commit()
    client.login(customer_user.email)
    assert "환불 보류" not in client.get(f"/requests/{ticket.ref}").get_data(as_text=True)
