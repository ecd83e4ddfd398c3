"""Approval (a group or a named agent decides first), manual fulfilment with a checklist, cancelling, and the
approvers' mail."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts import service as accounts
from portal.catalog import service
from portal.catalog.models import CatalogRequest, RequestTask
from portal.customers.service import customer_for_user
from portal.tickets.models import Message, Ticket
from tests.catalog.conftest import field


def plan_definition(**fulfilment):
    return {
        "slug": "change-plan-test",
        "names": {"ko": "요금제 변경", "en": "Change my plan"},
        "audience": "customers",
        "fields": [
            field(
                "plan",
                "choice",
                required=True,
                choices=[
                    {"value": "basic", "label": {"ko": "베이직", "en": "Basic"}},
                    {"value": "unlimited", "label": {"ko": "무제한", "en": "Unlimited"}},
                ],
            ),
        ],  # fmt: skip
        "fulfilment": {"kind": "approval", "checklist": ["요금제 변경 예약", "안내 문자 발송"], **fulfilment},
    }


def _submit(db, item, user, answers=None):
    req, _ = service.submit(
        item, answers or {"plan": "unlimited"}, customer=customer_for_user(user), actor=user, locale="ko"
    )
    db.session.commit()
    return req


def test_a_group_approves_then_the_checklist_fulfils_it(
    client, db, make_item, make_user, customer_user, smtp
):
    approver = make_user("agent", name="박결제")
    group = accounts.save_group(None, name="결제 Billing", member_ids=[approver.id])
    db.session.commit()
    item = make_item(plan_definition(approver={"group": group.name}, group=group.name))
    req = _submit(db, item, customer_user)
    assert req.state == "awaiting_approval"
    ticket = db.session.get(Ticket, req.ticket_id)
    assert ticket.group_id == group.id
    mails = smtp.wait_for(2)  # the customer's acknowledgement and the approver's request
    approval = next(m for m in mails if m["To"].addresses[0].addr_spec == approver.email)
    assert "/desk/catalog/requests/" in approval.get_body(("plain",)).get_content()

    client.login(approver.email)
    page = client.get(f"/desk/catalog/requests/{req.id}").get_data(as_text=True)
    assert "Approve" in page and "Unlimited" in page
    assert "Awaiting my approval" in client.get("/desk/catalog/requests?view=approvals").get_data(
        as_text=True
    )
    client.post(f"/desk/catalog/requests/{req.id}/approve", data={"comment": "확인했습니다"})
    req = db.session.get(CatalogRequest, req.id)
    assert req.state == "in_progress" and req.decided_by_id == approver.id
    tasks = db.session.scalars(
        sa.select(RequestTask).where(RequestTask.request_id == req.id).order_by(RequestTask.position)
    ).all()
    assert [t.title for t in tasks] == ["요금제 변경 예약", "안내 문자 발송"]
    for task in tasks:
        client.post(f"/desk/catalog/requests/{req.id}/tasks/{task.id}", data={"done": "1"})
    req = db.session.get(CatalogRequest, req.id)
    assert req.state == "fulfilled" and not req.automatic
    assert db.session.get(Ticket, req.ticket_id).status == "solved"


def test_a_named_agent_rejects_and_the_customer_reads_why(client, db, make_item, make_user, customer_user):
    approver = make_user("agent")
    other = make_user("agent")
    item = make_item(plan_definition(approver={"email": approver.email}))
    req = _submit(db, item, customer_user)
    client.login(other.email)
    answer = client.post(f"/desk/catalog/requests/{req.id}/approve", follow_redirects=True)
    assert "Only the item" in answer.get_data(as_text=True)
    assert db.session.get(CatalogRequest, req.id).state == "awaiting_approval"
    client.login(approver.email)
    client.post(
        f"/desk/catalog/requests/{req.id}/reject", data={"comment": "약정 기간 중에는 바꿀 수 없어요"}
    )
    req = db.session.get(CatalogRequest, req.id)
    assert req.state == "rejected"
    public = db.session.scalars(
        sa.select(Message.text).where(Message.ticket_id == req.ticket_id, Message.direction == "outbound")
    ).all()
    assert any("약정 기간 중에는 바꿀 수 없어요" in t for t in public)
    customer = client.application.test_client()
    customer.login(customer_user.email)
    page = customer.get(f"/catalog/requests/{req.id}").get_data(as_text=True)
    assert "약정 기간 중에는 바꿀 수 없어요" in page


def test_the_customer_cancels_while_it_waits_but_not_after(client, db, make_item, make_user, customer_user):
    approver = make_user("agent")
    item = make_item(plan_definition(approver={"email": approver.email}))
    req = _submit(db, item, customer_user)
    client.login(customer_user.email)
    client.post(f"/catalog/requests/{req.id}/cancel")
    assert db.session.get(CatalogRequest, req.id).state == "cancelled"
    again = client.post(f"/catalog/requests/{req.id}/cancel", follow_redirects=True)
    assert "can no longer be cancelled" in again.get_data(as_text=True)


def test_another_customer_cannot_see_or_cancel_a_request(client, db, make_item, make_user, customer_user):
    approver = make_user("agent")
    item = make_item(plan_definition(approver={"email": approver.email}))
    req = _submit(db, item, customer_user)
    stranger = make_user("customer")
    client.login(stranger.email)
    assert client.get(f"/catalog/requests/{req.id}").status_code == 404
    assert client.post(f"/catalog/requests/{req.id}/cancel").status_code == 404
    assert client.get(f"/desk/catalog/requests/{req.id}").status_code == 404


def test_a_manual_item_gives_the_group_a_ticket_with_the_checklist(db, make_item, make_user, customer_user):
    group = accounts.save_group(None, name="개통 Activation")
    db.session.commit()
    item = make_item(plan_definition(kind="manual", group=group.name))
    req = _submit(db, item, customer_user)
    assert req.state == "in_progress"
    ticket = db.session.get(Ticket, req.ticket_id)
    assert ticket.group_id == group.id and ticket.status in ("new", "open")
    note = db.session.scalars(
        sa.select(Message.text).where(Message.ticket_id == ticket.id, Message.direction == "internal")
    ).all()
    assert any("☐ 요금제 변경 예약" in t for t in note)
