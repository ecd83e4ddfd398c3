"""A guest who files without an account can later claim one that inherits their whole history."""

from __future__ import annotations

import re

from portal.customers.service import customer_for_user


def test_a_guest_claims_an_account_and_keeps_every_request(client, db, smtp, make_ticket):
    earlier = make_ticket("email", email="guest@example.com", subject="메일로 한 문의")
    client.post(
        "/requests/new",
        data={
            "name": "게스트",
            "email": "guest@example.com",
            "subject": "웹 문의",
            "text": "계정 없이 보냅니다",
        },
    )
    link = re.search(
        r"http://portal\.test(/r/\S+)", smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    ).group(1)
    claim = client.get(link + "/claim")
    assert claim.status_code == 302 and "/claim/" in claim.location
    page = client.post(
        claim.location, data={"name": "게스트", "password": "guest-pass-1", "confirm": "guest-pass-1"}
    )
    assert page.status_code == 302
    requests = client.get("/requests").get_data(as_text=True)
    assert "메일로 한 문의" in requests and "웹 문의" in requests
    from portal.accounts.service import find_user

    assert customer_for_user(find_user("guest@example.com")).id == earlier.customer_id


def test_a_claim_link_for_an_existing_account_sends_to_sign_in(client, make_user):
    from portal.accounts.service import claim_token

    user = make_user("customer")
    response = client.get(f"/claim/{claim_token(user.email)}")
    assert response.status_code == 302 and "/login" in response.location
