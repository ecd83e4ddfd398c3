"""Demo items: 비밀번호 재설정 (automatic), 카드 분실 신고 (automatic, webhook to the demo card system this app
serves), 주소 변경 (updates the customer's record) and 요금제 변경 (approval by billing, then a checklist);
with a request waiting for approval so that the desk shows one."""

from __future__ import annotations

from typing import Any

from portal.catalog import service
from portal.catalog.demo_card import PATH, shared_secret
from portal.core import signals
from portal.customers.service import customer_for_user


def _f(name: str, kind: str, ko: str, en: str, **extra: Any) -> dict[str, Any]:
    help_ko, help_en = extra.pop("help", None) or ("", "")
    return {
        "name": name,
        "type": kind,
        "label": {"ko": ko, "en": en},
        "help": {"ko": help_ko, "en": help_en},
        **extra,
    }


def password_reset() -> dict[str, Any]:
    """Automatic: the reset link by mail, for anyone (no account is revealed)."""
    return {
        "slug": "password-reset",
        "names": {"ko": "비밀번호 재설정", "en": "Reset my password"},
        "descriptions": {
            "ko": "포털 비밀번호를 잊으셨나요? 재설정 링크를 바로 메일로 보내 드립니다.",
            "en": "Forgot your portal password? We mail you a reset link at once.",
        },
        "categories": {"ko": "계정", "en": "Account"},
        "icon": "key",
        "audience": "everyone",
        "position": 10,
        "fields": [],
        "fulfilment": {
            "kind": "auto",
            "action": "password_reset",
            "config": {},
            "done_messages": {
                "ko": "가입된 계정이면 몇 분 안에 비밀번호 재설정 링크가 메일로 도착합니다. 링크는 2시간 동안 한 번만 쓸 수 있습니다.",
                "en": "If the address has an account, a reset link arrives by mail within minutes. It works once, for two hours.",
            },
        },
    }


def lost_card(group: str) -> dict[str, Any]:
    """Automatic through the card system's webhook; the card group takes over when it is down."""
    return {
        "slug": "lost-card",
        "names": {"ko": "카드 분실 신고", "en": "Report a lost card"},
        "descriptions": {
            "ko": "별빛카드를 잃어버렸다면 바로 사용을 정지하고 새 카드를 보내 드립니다.",
            "en": "Lost your Byeolbit card? We block it at once and send you a new one.",
        },
        "categories": {"ko": "카드", "en": "Cards"},
        "icon": "credit-card",
        "audience": "customers",
        "position": 20,
        "fields": [
            _f(
                "card_last4",
                "text",
                "카드 번호 끝 4자리",
                "Last 4 digits of the card",
                required=True,
                min_length=4,
                max_length=4,
                pattern="[0-9]{4}",
                help=(
                    "카드 앞면 번호의 마지막 네 자리예요.",
                    "The last four digits on the front of the card.",
                ),
            ),
            _f("lost_on", "date", "잃어버린 날", "Date lost", required=True),
            _f("abroad", "yes_no", "해외에서 잃어버렸나요?", "Did you lose it abroad?", required=True),
            _f(
                "country",
                "text",
                "어느 나라에서요?",
                "In which country?",
                required=True,
                max_length=80,
                condition={"field": "abroad", "equals": "yes"},
            ),
            _f("contact_phone", "phone", "연락받을 전화번호", "Phone number to reach you", required=True),
            _f("details", "long_text", "더 알려 주실 내용", "Anything else we should know", max_length=1000),
        ],  # fmt: skip
        "fulfilment": {
            "kind": "auto",
            "action": "webhook",
            "config": {
                "url": PATH,
                "secret": shared_secret(),
                "timeout_seconds": 5,
                "max_attempts": 3,
                "result_fields": "report_no, replacement_days",
            },
            "group": group,
            "done_messages": {
                "ko": "카드 사용을 정지했습니다. 신고 번호는 {report_no}입니다. 새 카드는 {replacement_days}영업일 안에 등록된 주소로 배송됩니다.",
                "en": "Your card is blocked. Your report number is {report_no}. A new card reaches your address within {replacement_days} business days.",
            },
        },
    }


def change_address() -> dict[str, Any]:
    """Automatic: the customer's record is updated from the answers."""
    return {
        "slug": "change-address",
        "names": {"ko": "주소 변경", "en": "Change my address"},
        "descriptions": {
            "ko": "청구서와 카드를 받을 주소를 바꿉니다.",
            "en": "Change where we send your bills and cards.",
        },
        "categories": {"ko": "계정", "en": "Account"},
        "icon": "house",
        "audience": "customers",
        "position": 30,
        "fields": [
            _f("address", "long_text", "새 주소", "New address", required=True, min_length=5, max_length=300),
        ],
        "fulfilment": {
            "kind": "auto",
            "action": "update_record",
            "config": {"address_field": "address"},
            "done_messages": {"ko": "주소를 변경했습니다: {address}", "en": "Your address is now: {address}"},
        },
    }


def change_plan(group: str) -> dict[str, Any]:
    """Approval by billing, then a checklist for the same group."""
    plans = [("basic", "베이직 5GB", "Basic 5 GB"), ("plus", "플러스 30GB", "Plus 30 GB"),
             ("unlimited", "무제한", "Unlimited")]  # fmt: skip
    return {
        "slug": "change-plan",
        "names": {"ko": "요금제 변경", "en": "Change my plan"},
        "descriptions": {
            "ko": "다음 달부터 적용할 요금제를 고르세요. 결제팀 승인 후 변경됩니다.",
            "en": "Choose the plan for next month. Billing approves, then we switch it.",
        },
        "categories": {"ko": "요금", "en": "Billing"},
        "icon": "arrow-repeat",
        "audience": "customers",
        "position": 40,
        "fields": [
            _f(
                "plan",
                "choice",
                "새 요금제",
                "New plan",
                required=True,
                choices=[{"value": v, "label": {"ko": ko, "en": en}} for v, ko, en in plans],
            ),
            _f(
                "keep_number",
                "yes_no",
                "지금 번호를 그대로 쓰시나요?",
                "Keep your current number?",
                required=True,
            ),
            _f(
                "reason",
                "long_text",
                "바꾸시는 이유 (선택)",
                "Why are you changing? (optional)",
                max_length=500,
            ),
        ],  # fmt: skip
        "fulfilment": {
            "kind": "approval",
            "group": group,
            "approver": {"group": group},
            "checklist": ["요금제 시스템에서 변경 예약", "변경 안내 문자 발송"],
        },
    }


@signals.demo_seeding.connect
def seed(app: Any, demo: Any, **_: Any) -> None:
    """Add the demo items, and one plan change waiting for billing's approval."""
    card, billing = demo.groups["카드"].name, demo.groups["결제·요금"].name
    reset = service.save_item(None, password_reset())
    service.save_item(None, lost_card(card))
    address = service.save_item(None, change_address())
    plan = service.save_item(None, change_plan(billing))
    user = demo.users.get("customer@hana.example")
    customer = customer_for_user(user) if user is not None else None
    if customer is not None:
        service.submit(
            plan, {"plan": "unlimited", "keep_number": True, "reason": "영상 통화를 많이 해요."},
            customer=customer, actor=user, locale="ko",
        )  # fmt: skip
    other = demo.users.get("james@example.com")
    if other is not None:  # two automatic ones: the worker fulfils them once `make run` starts it
        james = customer_for_user(other)
        service.submit(reset, {}, customer=james, actor=other, locale="en")
        service.submit(address, {"address": "21 Itaewon-ro, Yongsan-gu, Seoul"}, customer=james, actor=other,
                       locale="en")  # fmt: skip
