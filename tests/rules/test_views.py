"""The rule builder through the client: rows in, per-row errors out, order, switches, and who may use it."""

from __future__ import annotations

import sqlalchemy as sa

from portal.rules.models import Rule


def builder(name="Refunds to Billing", **extra):
    data = {
        "name": name,
        "kind": "trigger",
        "runs_on": "created",
        "group_id": "",
        "match": "all",
        "active": "y",
    }
    data.update(extra)
    return data


def test_an_admin_builds_a_routing_rule_from_rows(client, admin, make_group, db, make_ticket):
    billing = make_group("Billing")
    client.login(admin.email)
    page = client.get("/admin/rules/new")
    assert page.status_code == 200 and "data-builder=" in page.get_data(as_text=True)
    response = client.post(
        "/admin/rules/new",
        data=builder(
            **{
                "conditions-0-field": "text", "conditions-0-op": "contains_any", "conditions-0-value": "환불, refund",
                "conditions-3-field": "channel", "conditions-3-op": "is_not", "conditions-3-value": "chat",
                "conditions-5-field": "", "conditions-5-value": "",
                "actions-0-type": "set_group", "actions-0-value": str(billing.id),
                "actions-1-type": "add_tags", "actions-1-value": "refund money",
            }
        ),
    )  # fmt: skip
    assert response.status_code == 302
    rule = db.session.scalar(sa.select(Rule))
    assert rule.conditions == [
        {"field": "text", "op": "contains_any", "value": ["환불", "refund"]},
        {"field": "channel", "op": "is_not", "value": "chat"},
    ]
    assert rule.actions == [
        {"type": "set_group", "value": str(billing.id)},
        {"type": "add_tags", "value": ["refund", "money"]},
    ]
    listing = client.get("/admin/rules/").get_data(as_text=True)
    assert "Refunds to Billing" in listing and "Billing" in listing and "환불, refund" in listing
    edit = client.get(f"/admin/rules/{rule.id}").get_data(as_text=True)
    assert 'value="환불, refund"' in edit
    ticket = make_ticket(text="환불 부탁드립니다")
    assert ticket.group_id == billing.id


def test_each_bad_row_gets_its_own_answer(client, admin):
    client.login(admin.email)
    response = client.post(
        "/admin/rules/new",
        data=builder(
            name="",
            **{
                "conditions-0-field": "priority", "conditions-0-op": "is", "conditions-0-value": "critical",
                "conditions-1-field": "hours_since_created", "conditions-1-op": "gt", "conditions-1-value": "3",
                "conditions-2-field": "bogus", "conditions-2-op": "is", "conditions-2-value": "x",
                "actions-0-type": "send_email", "actions-0-value": "customer", "actions-0-subject": "",
                "actions-0-body": "Hi {{customer.password}}",
                "actions-1-type": "set_group", "actions-1-value": "999999",
            },
        ),
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in (
        "Enter a name.",
        "Choose a value from the list.",
        "Time conditions are for automations.",
        "Choose what to look at.",
        "Write a subject.",
        "Unknown placeholder {{customer.password}}.",
        "Choose a group from the list.",
    ):
        assert message in page, message
    assert 'value="critical"' not in page or "is-invalid" in page  # the typed rows come back to be fixed


def test_an_automation_needs_a_time_condition_and_no_action_is_refused(client, admin):
    client.login(admin.email)
    response = client.post(
        "/admin/rules/new",
        data=builder(
            kind="automation",
            **{"conditions-0-field": "status", "conditions-0-op": "is", "conditions-0-value": "pending"},
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An automation needs a time condition" in page and "Add at least one action." in page


def test_rules_are_reordered_switched_and_deleted(client, admin, make_rule, db):
    client.login(admin.email)
    first = make_rule("first", [], [("add_tags", "a")])
    second = make_rule("second", [], [("add_tags", "b")])
    client.post(f"/admin/rules/{second.id}/move", data={"direction": "up"})
    assert db.session.scalars(sa.select(Rule.name).order_by(Rule.position)).all() == ["second", "first"]
    client.post(f"/admin/rules/{first.id}/toggle")
    assert db.session.get(Rule, first.id).active is False
    assert "Off" in client.get("/admin/rules/").get_data(as_text=True)
    client.post(f"/admin/rules/{first.id}/delete")
    assert db.session.scalars(sa.select(Rule.name)).all() == ["second"]
    assert client.post("/admin/rules/999999/delete").status_code == 404


def test_the_list_filters_by_department(client, admin, make_rule, make_group):
    card = make_group("Card")
    make_rule("Card only", [], [("add_tags", "card")], group_id=card.id)
    make_rule("Everyone", [], [("add_tags", "all")])
    client.login(admin.email)
    other = make_group("Other")
    page = client.get(f"/admin/rules/?group={other.id}").get_data(as_text=True)
    assert "Everyone" in page and "Card only" not in page
    assert "Card only" in client.get(f"/admin/rules/?group={card.id}").get_data(as_text=True)


def test_agents_and_customers_cannot_open_the_builder(client, agent, customer_user):
    client.login(agent.email)
    assert client.get("/admin/rules/").status_code == 404
    assert client.post("/admin/rules/new", data=builder()).status_code == 404


def test_the_empty_list_says_what_to_do(client, admin):
    client.login(admin.email)
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "No trigger yet" in page and "No automation yet" in page


def test_the_ticket_page_says_which_rule_did_what_in_the_agents_language(
    client, agent, make_rule, make_group, make_ticket
):
    team = make_group("결제팀")
    make_rule(
        "환불 → 결제팀",
        [("text", "contains_any", "환불")],
        [("set_group", str(team.id)), ("set_priority", "high"), ("add_tags", "refund")],
    )
    ticket = make_ticket(text="환불해 주세요")
    client.login(agent.email)
    page = client.get(f"/desk/tickets/{ticket.ref}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "적용된 규칙" in page and "환불 → 결제팀" in page
    assert "우선순위" in page and "→ 높음" in page and "+refund" in page and "→ 결제팀" in page
