"""Demo data of the rules domain: routing triggers per department, round-robin, and two automations."""

from __future__ import annotations

from typing import Any

from portal.core import signals
from portal.rules import service


def _rule(name: str, conditions: list[tuple[str, str, str]], actions: list[Any], **fields: Any) -> None:
    service.save_rule(
        None,
        name=name,
        condition_rows=[{"field": f, "op": o, "value": v} for f, o, v in conditions],
        action_rows=[a if isinstance(a, dict) else {"type": a[0], "value": a[1]} for a in actions],
        **{"kind": "trigger", **fields},
    )


@signals.demo_seeding.connect
def seed(_app: Any, *, demo: Any, **_: Any) -> None:
    """What a Korean telecom's admin would set up first."""
    billing, tech, card = (str(demo.groups[k].id) for k in ("결제·요금", "기술지원", "카드"))
    _rule("환불·요금 문의는 결제팀으로", [("text", "contains_any", "환불, 요금, 결제, refund, invoice, billing")],
          [("set_group", billing), ("add_tags", "billing")])  # fmt: skip
    _rule("카드 분실은 카드팀에서 긴급 처리", [("text", "contains_any", "분실, 도난, lost card")],
          [("set_group", card), ("set_priority", "urgent"), ("add_tags", "card-lost")])  # fmt: skip
    _rule("인터넷·단말기 장애는 기술지원", [("text", "contains_any", "인터넷, 와이파이, 공유기, 끊겨, internet, wifi")],
          [("set_group", tech)])  # fmt: skip
    _rule("VIP 고객은 높은 우선순위", [("tier", "is", "vip")],
          [("set_priority", "high"), ("add_note", "VIP 고객 {{customer.name}}님의 문의입니다. 1시간 안에 답변해 주세요.")])  # fmt: skip
    _rule("기술지원 순번 배정", [("assignee", "is_not_set", "")], [("round_robin", "")],
          group_id=int(tech), runs_on="both")  # fmt: skip
    _rule(
        "보류 3일이면 고객에게 다시 묻기",
        [("status", "is", "pending"), ("hours_since_status", "gt", "72")],
        [{"type": "send_email", "value": "customer", "subject": "[#{{ticket.ref}}] 답변을 기다리고 있습니다",
          "body": "{{customer.name}}님, 요청하신 #{{ticket.ref}} 건에 대해 답변을 기다리고 있습니다.\n{{ticket.url}}",
          "subject_en": "[#{{ticket.ref}}] We are waiting for your answer",
          "body_en": "Dear {{customer.name}}, we are waiting for your answer on #{{ticket.ref}}.\n{{ticket.url}}"},
         ("add_tags", "reminded")],
        kind="automation",
    )  # fmt: skip
    _rule("해결 7일 후 종료", [("status", "is", "solved"), ("hours_since_solved", "gt", "168")],
          [("set_status", "closed")], kind="automation")  # fmt: skip
