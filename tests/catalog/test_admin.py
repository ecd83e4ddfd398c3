"""The admin's builder read on the server: the same form the page sends (what the browser test drives), errors
shown where they are with what was typed kept, a saved secret kept when left empty, and admins only."""

from __future__ import annotations

from portal.catalog.models import CatalogItem
from tests.catalog.conftest import SECRET

BASE = {
    "name_ko": "카드 분실 신고", "name_en": "Report a lost card", "slug": "", "icon": "credit-card",
    "audience": "customers", "active": "1", "position": "5", "category_ko": "카드", "category_en": "Cards",
    "fields-0-label_ko": "카드 번호 끝 4자리", "fields-0-label_en": "Last 4 digits", "fields-0-type": "text",
    "fields-0-required": "1", "fields-0-pattern": "[0-9]{4}", "fields-0-name": "card_last4",
    "fields-1-label_ko": "해외에서 잃어버렸나요?", "fields-1-label_en": "Lost abroad", "fields-1-type": "yes_no",
    "fields-1-name": "abroad",
    "fields-2-label_ko": "나라", "fields-2-label_en": "Country", "fields-2-type": "choice", "fields-2-name": "country",
    "fields-2-choices-0-label_ko": "일본", "fields-2-choices-0-label_en": "Japan", "fields-2-choices-0-value": "jp",
    "fields-2-choices-1-label_ko": "미국", "fields-2-choices-1-label_en": "USA", "fields-2-choices-1-value": "",
    "fields-2-choices-2-label_ko": "", "fields-2-choices-2-label_en": "", "fields-2-choices-2-value": "",
    "fields-2-condition_field": "abroad", "fields-2-condition_equals": "yes",
    "fields-3-label_ko": "", "fields-3-label_en": "", "fields-3-type": "text",
    "fulfilment": "auto", "action": "webhook",
    "config-webhook-url": "https://cards.example.com/lost", "config-webhook-secret": SECRET,
    "config-webhook-timeout_seconds": "5", "config-webhook-max_attempts": "3", "config-webhook-result_fields": "report_no",
    "config-send_email-subject_ko": "ignored: another action's settings",
    "done_message_ko": "정지했습니다: {report_no}", "done_message_en": "Blocked: {report_no}",
}  # fmt: skip


def test_the_builder_saves_fields_choices_and_conditions(client, db, admin):
    client.login(admin.email)
    assert client.get("/admin/catalog/new").status_code == 200
    answer = client.post("/admin/catalog/new", data=BASE)
    assert answer.status_code == 302
    item = db.session.query(CatalogItem).one()
    assert item.slug == "report-a-lost-card" and item.position == 5
    assert [f["name"] for f in item.fields] == ["card_last4", "abroad", "country"]
    assert item.fields[2]["choices"] == [
        {"value": "jp", "label": {"ko": "일본", "en": "Japan"}},
        {"value": "USA", "label": {"ko": "미국", "en": "USA"}},
    ]
    assert item.fields[2]["condition"] == {"field": "abroad", "equals": "yes"}
    assert item.action_config == {"url": "https://cards.example.com/lost", "secret": SECRET, "timeout_seconds": 5,
                                  "max_attempts": 3, "result_fields": "report_no"}  # fmt: skip
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert SECRET not in page and "Saved; leave empty to keep it" in page


def test_problems_come_back_next_to_the_inputs_with_what_was_typed(client, db, admin):
    client.login(admin.email)
    data = {**BASE, "name_en": "", "fields-0-pattern": "([", "config-webhook-max_attempts": "99",
            "fields-2-condition_equals": "maybe"}  # fmt: skip
    answer = client.post("/admin/catalog/new", data=data)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Not saved yet" in page
    assert "Enter the name in English." in page
    assert "This pattern is not a valid regular expression." in page
    assert "Enter a number from 1 to 10." in page
    assert "Choose one of the values of the field it depends on." in page
    assert 'value="카드 번호 끝 4자리"' in page and 'value="([' in page and 'value="99"' in page
    assert db.session.query(CatalogItem).count() == 0


def test_an_empty_secret_keeps_the_saved_one_and_a_removed_field_goes(client, db, admin):
    client.login(admin.email)
    client.post("/admin/catalog/new", data=BASE)
    item = db.session.query(CatalogItem).one()
    edit = {**BASE, "config-webhook-secret": "", "fields-1-remove": "1", "fields-2-condition_field": ""}
    answer = client.post(f"/admin/catalog/{item.id}", data=edit)
    assert answer.status_code == 302
    db.session.refresh(item)
    assert item.action_config["secret"] == SECRET
    assert [f["name"] for f in item.fields] == ["card_last4", "country"]


def test_only_admins_configure(client, db, agent):
    client.login(agent.email)
    assert client.get("/admin/catalog/").status_code == 404
    assert client.post("/admin/catalog/new", data=BASE).status_code == 404
    assert client.get("/admin/catalog/export").status_code == 404
