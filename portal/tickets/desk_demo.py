"""Demo data of the agent workspace: macros everyone, a group and one agent use (run by `seed-demo`)."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.tickets import macros

# (name, body, status, priority, tags, scope, group key or None, owner email or None)
MACROS = (
    (
        "환불 접수 안내",
        "{{ customer.name }} 고객님, 안녕하세요.\n요청하신 환불(문의 #{{ ticket.ref }})을 접수했습니다. "
        "3영업일 안에 결제하신 수단으로 돌려드립니다.\n\n{{ agent.name }} 드림",
        "pending",
        None,
        "환불",
        "group",
        "결제·요금",
        None,
    ),
    (
        "공유기 재부팅 안내",
        "{{ customer.name }} 고객님, 공유기 전원을 10초간 뽑았다가 다시 꽂아 주세요. "
        "그래도 끊기면 이 메시지에 답장해 주시면 원격 점검을 잡아 드리겠습니다.",
        "pending",
        None,
        "와이파이",
        "group",
        "기술지원",
        None,
    ),
    (
        "Roaming: select the network manually",
        "Hi {{ customer.name }},\nplease open Settings → Mobile network → Network operators and pick the "
        "partner network manually. Let us know on ticket #{{ ticket.ref }} if it still fails.\n\n{{ agent.name }}",
        "pending",
        None,
        "roaming",
        "everyone",
        None,
        None,
    ),
    ("긴급 처리", "", None, "urgent", "escalated", "everyone", None, None),
    (
        "해결 후 종료 인사",
        "{{ customer.name }} 고객님, 문의하신 내용이 해결되어 #{{ ticket.ref }} 문의를 완료 처리합니다. 감사합니다.",
        "solved",
        None,
        "",
        "personal",
        None,
        "agent@hana.example",
    ),
)


@signals.demo_seeding.connect
def seed_macros(app: Any, *, demo: Any, **_: Any) -> None:
    """Shared and personal macros for the demo company."""
    admin = demo.users["admin@hana.example"]
    for name, body, status, priority, tags, scope, group_key, owner in MACROS:
        actor = demo.users[owner] if owner else admin
        macros.save_macro(
            None,
            actor,
            name=name,
            body=body,
            set_status=status,
            set_priority=priority,
            add_tags=tags,
            scope=scope,
            group=demo.groups[group_key] if group_key else None,
        )
