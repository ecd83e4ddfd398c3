"""Item definitions: every problem named where it is (from the builder, the API or a file); action settings
checked against the action's schema when saved; export and import round trip."""

from __future__ import annotations

import io
import json

import pytest

from portal.catalog import service
from portal.catalog.models import CatalogItem
from portal.core.errors import ValidationFailed
from tests.catalog.conftest import SECRET, field, lost_card_definition


def _errors(definition) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as failed:
        service.save_item(None, definition)
    return failed.value.by_field()


def test_a_valid_item_is_saved_with_both_languages(db, make_item):
    item = make_item(lost_card_definition("https://cards.example.com/lost"))
    assert item.slug == "lost-card-test" and item.text("name", "en") == "Report a lost card"
    assert item.fields[2]["condition"] == {"field": "abroad", "equals": "yes"}
    assert item.action_config["timeout_seconds"] == 1 and item.fulfilment == "auto"


def test_form_problems_are_named_per_field(db):
    definition = {
        "names": {"ko": "", "en": "Broken"},
        "fields": [
            field("amount", "number", min=10, max=1),
            field("amount", "text"),
            field("plan", "choice", choices=[]),
            field("code", "text", pattern="([0-9"),
            field("later", "text", condition={"field": "nothing", "equals": "yes"}),
            field("len", "text", min_length=5, max_length=2),
            {"name": "Bad Name", "type": "text", "label": "x"},
            {"name": "kind", "type": "colour", "label": ""},
        ],
        "fulfilment": {"kind": "manual"},
    }
    errors = _errors(definition)
    assert set(errors) >= {
        "name_ko", "fields.0.max", "fields.1.name", "fields.2.choices", "fields.3.pattern",
        "fields.4.condition", "fields.5.max_length", "fields.6.name", "fields.7.type", "fields.7.label",
    }  # fmt: skip


def test_a_condition_may_only_look_upwards_at_a_yes_no_or_choice(db):
    definition = {
        "names": {"ko": "가", "en": "Alpha"},
        "fields": [
            field("note", "text"),
            field("b", "text", condition={"field": "note", "equals": "yes"}),
            field("c", "text", condition={"field": "d", "equals": "yes"}),
            field("d", "yes_no"),
            field("e", "text", condition={"field": "d", "equals": "maybe"}),
        ],
        "fulfilment": {"kind": "manual"},
    }
    errors = _errors(definition)
    assert set(errors) == {"fields.1.condition", "fields.2.condition", "fields.4.condition"}


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"secret": SECRET}, "config.url"),
        ({"url": "ftp://x", "secret": SECRET}, "config.url"),
        ({"url": "https://x.example", "secret": "short"}, "config.secret"),
        ({"url": "https://x.example", "secret": SECRET, "timeout_seconds": 99}, "config.timeout_seconds"),
        ({"url": "https://x.example", "secret": SECRET, "max_attempts": "many"}, "config.max_attempts"),
        ({"url": "https://x.example", "secret": SECRET, "colour": "red"}, "config"),
    ],
)
def test_webhook_settings_are_checked_against_the_actions_schema_on_save(db, config, key):
    definition = lost_card_definition("x")
    definition["fulfilment"]["config"] = config
    assert key in _errors(definition)


def test_other_actions_check_their_settings_against_the_form(db):
    record = {"names": {"ko": "주소", "en": "Address"}, "fields": [field("address", "long_text")],
              "fulfilment": {"kind": "auto", "action": "update_record", "config": {"address_field": "nowhere"}}}  # fmt: skip
    assert "config.address_field" in _errors(record)
    record["fulfilment"]["config"] = {}
    assert "config.address_field" in _errors(record)
    mail = {"names": {"ko": "메일", "en": "Mail"}, "fields": [],
            "fulfilment": {"kind": "auto", "action": "send_email", "config": {"to": "address", "address": "nope"}}}  # fmt: skip
    assert {"config.address", "config.subject_ko", "config.body_ko"} <= set(_errors(mail))


def test_fulfilment_needs_what_it_uses(db):
    auto = {"names": {"ko": "가", "en": "A"}, "fulfilment": {"kind": "auto"}}
    assert "action" in _errors(auto)
    approval = {"names": {"ko": "가", "en": "A"}, "fulfilment": {"kind": "approval"}}
    assert "approver" in _errors(approval)
    unknown = {"names": {"ko": "가", "en": "A"}, "fulfilment": {"kind": "auto", "action": "teleport"}}
    assert "action" in _errors(unknown)
    tier = {
        "names": {"ko": "가", "en": "A"},
        "audience": "tier",
        "tier": "platinum",
        "fulfilment": {"kind": "manual"},
    }
    assert "tier" in _errors(tier)


def test_the_slug_is_unique(db, make_item):
    make_item(lost_card_definition("https://cards.example.com/lost"))
    assert "slug" in _errors(lost_card_definition("https://cards.example.com/lost"))


def test_export_and_import_round_trip(client, db, admin, make_item, card_group):
    make_item(lost_card_definition("https://cards.example.com/lost", group=card_group.name))
    client.login(admin.email)
    exported = client.get("/admin/catalog/export")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    items = json.loads(exported.get_data(as_text=True))
    assert (
        items[0]["fulfilment"]["config"]["secret"] == SECRET
        and items[0]["fulfilment"]["group"] == card_group.name
    )
    items[0]["names"]["ko"] = "카드 분실 신고 (수정)"
    items.append({**items[0], "slug": "lost-card-copy"})
    upload = {"file": (io.BytesIO(json.dumps(items, ensure_ascii=False).encode()), "catalog.json")}
    answer = client.post("/admin/catalog/import", data=upload, content_type="multipart/form-data")
    assert answer.status_code == 302
    rows = {i.slug: i for i in db.session.query(CatalogItem)}
    assert rows["lost-card-test"].name_ko == "카드 분실 신고 (수정)"
    assert rows["lost-card-copy"].fields == rows["lost-card-test"].fields
    assert rows["lost-card-copy"].group_id == card_group.id


def test_an_import_with_a_bad_item_imports_nothing(client, db, admin):
    client.login(admin.email)
    good = {"slug": "ok-item", "names": {"ko": "가", "en": "A"}, "fulfilment": {"kind": "manual"}}
    bad = {
        "slug": "bad-item",
        "names": {"ko": "나", "en": "B"},
        "fulfilment": {"kind": "auto", "action": "webhook"},
    }
    upload = {"file": (io.BytesIO(json.dumps([good, bad]).encode()), "catalog.json")}
    page = client.post(
        "/admin/catalog/import", data=upload, content_type="multipart/form-data", follow_redirects=True
    )
    assert "Nothing was imported" in page.get_data(as_text=True) and "items.1.config.url" in page.get_data(
        as_text=True
    )
    assert db.session.query(CatalogItem).count() == 0
    junk = {"file": (io.BytesIO(b"not json"), "catalog.json")}
    page = client.post(
        "/admin/catalog/import", data=junk, content_type="multipart/form-data", follow_redirects=True
    )
    assert "This file is not JSON." in page.get_data(as_text=True)
