"""The built-in actions besides the webhook: the password reset link, the customer's record, a templated mail."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.catalog import service
from portal.catalog.models import CatalogRequest
from portal.customers.service import customer_for_user
from tests.catalog.conftest import field


def reset_definition():
    return {
        "slug": "password-reset-test",
        "names": {"ko": "비밀번호 재설정", "en": "Reset my password"},
        "audience": "everyone",
        "fields": [field("email", "email", required=True)],
        "fulfilment": {"kind": "auto", "action": "password_reset", "config": {"email_field": "email"}},
    }


def test_a_signed_in_customer_gets_the_reset_link_of_their_own_account(
    client, db, customer_user, make_item, smtp
):
    make_item(reset_definition())
    client.login(customer_user.email)
    page = client.get("/catalog/password-reset-test").get_data(as_text=True)
    assert f'value="{customer_user.email}"' in page  # email fields start with the customer's address
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/catalog/password-reset-test", data={"submission_key": key, "f_email": "someone.else@example.com"}
    )
    req = db.session.scalars(sa.select(CatalogRequest)).one()
    assert req.state == "fulfilled" and req.automatic
    mails = smtp.wait_for(2)
    reset = [m for m in mails if "/password/reset/" in m.get_body(("plain",)).get_content()]
    assert [m["To"].addresses[0].addr_spec for m in reset] == [customer_user.email]
    link = re.search(r"http://\S+/password/reset/\S+", reset[0].get_body(("plain",)).get_content()).group(0)
    assert client.get(link.replace("http://portal.test", "")).status_code == 200


def test_a_visitor_asks_for_a_reset_and_learns_nothing_about_which_accounts_exist(
    client, db, make_user, make_item, smtp
):
    make_item(reset_definition())
    owner = make_user("customer", email="owner@example.com")
    results = []
    for email in ("owner@example.com", "nobody@example.com"):
        page = client.get("/catalog/password-reset-test").get_data(as_text=True)
        key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)
        answer = client.post("/catalog/password-reset-test", data={
            "submission_key": key, "requester_name": "방문자", "requester_email": email, "f_email": email,
        })  # fmt: skip
        assert answer.status_code == 302 and "/catalog/r/" in answer.headers["Location"]
        results.append(client.get(answer.headers["Location"]).get_data(as_text=True))
    assert all("Done" in r for r in results)
    sent = [
        m["To"].addresses[0].addr_spec
        for m in smtp.wait_for(1)
        if "/password/reset/" in m.get_body(("plain",)).get_content()
    ]
    assert sent == [owner.email]


def test_update_record_changes_address_phone_and_language(db, make_item, customer_user):
    item = make_item({
        "slug": "move", "names": {"ko": "이사", "en": "Moving"}, "audience": "customers",
        "fields": [field("address", "long_text"), field("phone", "phone"), field("lang", "choice", choices=["ko", "en"])],
        "fulfilment": {"kind": "auto", "action": "update_record",
                       "config": {"address_field": "address", "phone_field": "phone", "locale_field": "lang"}},
    })  # fmt: skip
    customer = customer_for_user(customer_user)
    answers = {"address": "서울시 중구 세종대로 110", "phone": "+821055554444", "lang": "en"}
    req, _ = service.submit(item, answers, customer=customer, actor=customer_user, locale="ko")
    db.session.commit()
    db.session.refresh(req)
    db.session.refresh(customer)
    assert req.state == "fulfilled" and req.result == {"updated": "address, phone, locale"}
    assert (
        customer.address == "서울시 중구 세종대로 110"
        and customer.phone == "+821055554444"
        and customer.locale == "en"
    )


def test_update_record_never_changes_a_record_for_someone_who_did_not_sign_in(db, make_item, make_user):
    from portal.customers.service import Hints, resolve_customer

    item = make_item({
        "slug": "move-open", "names": {"ko": "이사", "en": "Moving"}, "audience": "everyone",
        "fields": [field("address", "long_text")],
        "fulfilment": {"kind": "auto", "action": "update_record", "config": {"address_field": "address"}},
    })  # fmt: skip
    owner = make_user("customer", email="victim@example.com")
    customer, _ = resolve_customer(Hints(email=owner.email))
    req, _ = service.submit(item, {"address": "엉뚱한 곳"}, customer=customer, actor=None, locale="ko")
    db.session.commit()
    db.session.refresh(req)
    assert req.state == "failed" and "did not sign in" in req.error
    assert customer_for_user(owner).address == ""


def test_send_email_fills_in_the_answers(db, make_item, customer_user, smtp):
    item = make_item({
        "slug": "certificate", "names": {"ko": "가입 증명서", "en": "Certificate"}, "audience": "customers",
        "fields": [field("purpose", "choice", choices=[{"value": "bank", "label": {"ko": "은행 제출용", "en": "For a bank"}}])],
        "fulfilment": {"kind": "auto", "action": "send_email", "config": {
            "to": "customer", "subject_ko": "{item} 요청을 받았습니다", "body_ko": "{customer_name}님, {purpose} 증명서를 보내 드립니다.",
        }},
    })  # fmt: skip
    service.submit(
        item, {"purpose": "bank"}, customer=customer_for_user(customer_user), actor=customer_user, locale="ko"
    )
    db.session.commit()
    mails = [m for m in smtp.wait_for(1) if "증명서를 보내" in m.get_body(("plain",)).get_content()]
    assert mails[0]["Subject"] == "가입 증명서 요청을 받았습니다"
    assert (
        f"{customer_user.name}님, 은행 제출용 증명서를 보내 드립니다."
        in mails[0].get_body(("plain",)).get_content()
    )
