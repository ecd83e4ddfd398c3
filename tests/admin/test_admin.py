"""Admins manage users, roles and groups; nobody else reaches these pages."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Group, User


def test_only_admins_reach_admin_pages(client, agent, customer_user, make_client):
    client.login(agent.email)
    assert client.get("/admin/users").status_code == 404
    other = make_client()
    other.login(customer_user.email)
    assert other.get("/admin/groups").status_code == 404


def test_an_admin_creates_an_agent_in_a_group(client, db, admin):
    client.login(admin.email)
    client.post("/admin/groups/new", data={"name": "결제팀", "description": "요금"})
    group = db.session.scalar(sa.select(Group).where(Group.name == "결제팀"))
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new.agent@example.com",
            "name": "새 상담원",
            "role": "agent",
            "password": "agent-pass-1",
            "locale": "ko",
            "groups": [str(group.id)],
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.agent@example.com"))
    assert user.role == "agent" and [g.name for g in user.groups] == ["결제팀"]


def test_user_form_errors_are_per_field(client, admin):
    client.login(admin.email)
    response = client.post(
        "/admin/users/new",
        data={"email": "bad", "name": "", "role": "agent"},
        headers={"Accept-Language": "ko"},
    )
    body = response.get_data(as_text=True)
    assert "올바른 이메일 주소를 입력하세요." in body and "이름을 입력하세요." in body


def test_the_last_admin_keeps_the_role(client, db, admin):
    client.login(admin.email)
    response = client.post(
        f"/admin/users/{admin.id}", data={"name": admin.name, "role": "agent", "active": "y", "locale": ""}
    )
    assert "The last admin must stay an admin." in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).role == "admin"


def test_a_deactivated_user_cannot_sign_in(client, db, admin, make_user, make_client):
    agent = make_user("agent")
    client.login(admin.email)
    client.post(
        f"/admin/users/{agent.id}", data={"name": agent.name, "role": "agent", "locale": ""}
    )  # active unchecked
    assert db.session.get(User, agent.id).active is False
    other = make_client()
    response = other.post("/login", data={"email": agent.email, "password": "password-123"})
    assert response.status_code == 200


def test_group_members_are_edited(client, db, admin, make_user):
    one, two = make_user("agent"), make_user("agent")
    client.login(admin.email)
    client.post("/admin/groups/new", data={"name": "Tech", "members": [str(one.id), str(two.id)]})
    group = db.session.scalar(sa.select(Group).where(Group.name == "Tech"))
    assert {u.id for u in group.members} == {one.id, two.id}
    client.post(f"/admin/groups/{group.id}", data={"name": "Tech", "members": [str(two.id)]})
    db.session.refresh(group)
    assert [u.id for u in group.members] == [two.id]
    assert "A group with this name exists." in client.post(
        "/admin/groups/new", data={"name": "Tech"}
    ).get_data(as_text=True)


def test_failed_deliveries_are_listed_and_can_be_retried(client, db, admin, app, monkeypatch):
    from portal.core import mail
    from portal.core.outbox import OutboxEvent

    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:9")
    mail.queue(db.session, "x@example.com", "s", "t")
    db.session.commit()
    event = db.session.scalar(sa.select(OutboxEvent))
    event.state, event.attempts = "failed", 8
    db.session.commit()
    client.login(admin.email)
    assert "x@example.com" in client.get("/admin/outbox").get_data(as_text=True)
    client.post(f"/admin/outbox/{event.id}/retry")
    db.session.refresh(event)
    assert event.attempts == 1 and event.state == "pending"  # retried at once, failed again, rescheduled
