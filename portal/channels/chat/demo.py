"""Demo data for chat: canned responses, chat settings, and a finished chat in 최유나's history."""

from __future__ import annotations

from typing import Any

from portal.channels.chat import agents, service, settings_store
from portal.core import signals
from portal.extensions import db
from portal.tickets.models import Macro

CANNED = (
    (
        "인사 Greeting",
        "안녕하세요 {{ customer.name }} 고객님, 하나 고객센터 {{ agent.name }}입니다. 무엇을 도와드릴까요?",
    ),
    ("잠시만요 One moment", "확인해 보겠습니다. 잠시만 기다려 주세요."),
    ("더 필요하신 것 Anything else", "더 도와드릴 일이 있을까요?"),
    (
        "Greeting (English)",
        "Hi {{ customer.name }}, this is {{ agent.name }} from Hana support. How can I help?",
    ),
    ("Closing (English)", "Thank you for chatting with us. Have a great day!"),
)


@signals.demo_seeding.connect
def seed(app: Any, *, demo: Any, **_: Any) -> None:
    """Canned responses for every agent, open hours, and one chat that went from the bot to an agent."""
    for name, body in CANNED:
        db.session.add(Macro(name=name, body=body))
    settings_store.save(
        origins_text="http://localhost:8000\nhttp://127.0.0.1:8000",
        business_hours="",
        closed_on_holidays=False,
        actor=demo.users["admin@hana.example"],
    )
    yuna = demo.users["customer@hana.example"]
    agent = demo.users["agent@hana.example"]
    chat, _key, _event = service.start_chat(
        text="인터넷 요금제 바꾸면 위약금이 있나요?", user=yuna, locale="ko", origin="", page_url="/"
    )
    agents.set_presence(agent, "online")
    service.handoff(chat, reason="asked")
    agents.accept(chat, agent)
    agents.agent_says(
        chat, agent, "최유나 고객님, 약정 기간 중 변경은 위약금이 없습니다. 같은 약정으로 이어집니다."
    )
    service.customer_says(chat, "다행이네요. 그럼 오늘 바로 바꿀게요. 감사합니다!")
    agents.agent_says(chat, agent, "변경 후 확인 문자가 발송됩니다. 좋은 하루 되세요!")
    service.end(chat, by="agent", actor=agent, solve=True)
    agents.set_presence(agent, "offline")
    db.session.flush()
