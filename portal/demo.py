"""Demo data: a Korean telecom with agents in several groups and customers with history on several channels.

Other domains add theirs (articles, catalog items, surveys …) by connecting to signals.demo_seeding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from portal.accounts import service as accounts
from portal.accounts.models import Group, User
from portal.core import signals
from portal.core.db import utcnow
from portal.customers import service as customers
from portal.customers.models import Customer
from portal.extensions import db
from portal.tickets import service as tickets
from portal.tickets.inbound import Inbound
from portal.tickets.intake import receive

LOGINS = (
    ("admin", "admin@hana.example", "hana-admin-1", "이서연", "ko"),
    ("agent", "agent@hana.example", "hana-agent-1", "김민준", "ko"),
    ("agent", "card@hana.example", "hana-agent-1", "박지훈", "ko"),
    ("agent", "emily@hana.example", "hana-agent-1", "Emily Clark", "en"),
    ("customer", "customer@hana.example", "hana-customer-1", "최유나", "ko"),
    ("customer", "james@example.com", "hana-customer-1", "James Wilson", "en"),
)
GROUPS = (
    ("결제·요금 Billing", "요금, 결제, 환불 문의", ["agent@hana.example", "admin@hana.example"]),
    ("기술지원 Tech support", "인터넷, 단말기, 앱 장애", ["agent@hana.example", "emily@hana.example"]),
    ("카드 Card services", "별빛카드 분실, 재발급, 한도", ["card@hana.example"]),
    ("Global support", "English-speaking customers", ["emily@hana.example"]),
)


@dataclass
class Demo:
    """What the core seeded, handed to other domains' seeders."""

    users: dict[str, User] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)

    def agent(self, email: str) -> User:
        return self.users[email]


def _inbound(
    channel: str, who: dict[str, Any], subject: str, text: str, days_ago: float, **extra: Any
) -> Inbound:
    return Inbound(
        channel=channel,
        sender=customers.Hints(**who),
        subject=subject,
        text=text,
        notify=False,
        received_at=utcnow() - timedelta(days=days_ago),
        **extra,
    )


def seed(demo: Demo) -> None:
    """The company, its people and a history that spans channels."""
    for role, email, password, name, locale in LOGINS:
        demo.users[email] = accounts.create_user(email, name, password=password, role=role, locale=locale)
    for name, description, members in GROUPS:
        demo.groups[name.split()[0]] = accounts.save_group(
            None, name=name, description=description, member_ids=[demo.users[m].id for m in members]
        )
    yuna = customers.customer_for_user(demo.users["customer@hana.example"])
    assert yuna is not None
    yuna.tier = "gold"
    customers.add_identity(yuna, "phone", "010-2345-6789")
    customers.add_identity(yuna, "email", "yuna.choi@example.com")
    customers.add_identity(yuna, "chat", "yuna-chat")
    demo.customers["yuna"] = yuna
    james = customers.customer_for_user(demo.users["james@example.com"])
    assert james is not None
    demo.customers["james"] = james
    _history(demo)


def _history(demo: Demo) -> None:
    agent, card, emily = (
        demo.users[e] for e in ("agent@hana.example", "card@hana.example", "emily@hana.example")
    )
    billing, tech, card_group, global_group = (
        demo.groups[k] for k in ("결제·요금", "기술지원", "카드", "Global")
    )
    yuna_mail = {"email": "yuna.choi@example.com", "name": "최유나"}
    first = receive(
        _inbound(
            "email",
            yuna_mail,
            "지난달 요금이 두 번 청구되었어요",
            "안녕하세요. 10월 요금이 카드에서 두 번 결제되었습니다. 확인 후 환불 부탁드립니다.",
            20,
            external_id="<demo-1@mail.example.com>",
        )
    )
    tickets.update_ticket(first.ticket, agent, group=billing, assignee=agent)
    tickets.add_reply(
        first.ticket, agent, "최유나 고객님, 확인해 보니 중복 결제가 맞습니다. 3영업일 안에 환불됩니다."
    )
    tickets.update_ticket(first.ticket, agent, status="solved")
    chat = receive(
        _inbound(
            "chat",
            {"chat": "yuna-chat", "name": "최유나"},
            "인터넷이 자꾸 끊겨요",
            "저녁마다 와이파이가 끊깁니다. 공유기를 재부팅해도 같아요.",
            6,
        )
    )
    tickets.update_ticket(chat.ticket, agent, group=tech, priority="high")
    tickets.add_reply(chat.ticket, agent, "공유기 모델명을 알려주시면 원격 점검을 도와드리겠습니다.")
    tickets.update_ticket(chat.ticket, agent, status="pending")
    web = receive(
        _inbound(
            "web",
            {"user_id": demo.users["customer@hana.example"].id, "email": "customer@hana.example"},
            "환불은 언제 들어오나요?",
            "지난번 중복 결제 환불이 아직 안 들어왔습니다. 확인 부탁드려요.",
            1,
            context={"searches": ["환불", "중복 결제"], "referrer": "/kb"},
        )
    )
    tickets.update_ticket(web.ticket, agent, group=billing)
    receive(
        _inbound(
            "phone",
            {"phone": "010-2345-6789", "name": "최유나"},
            "카드 분실 문의",
            "(전화 메모) 별빛카드를 잃어버렸다고 하심. 분실 신고 방법 안내 요청.",
            3,
        )
    )
    james_mail = {"email": "james@example.com", "name": "James Wilson"}
    roaming = receive(
        _inbound(
            "email",
            james_mail,
            "Roaming not working in Tokyo",
            "Hi, my phone shows no service since I landed in Tokyo. Roaming is enabled.",
            2,
            external_id="<demo-2@mail.example.com>",
        )
    )
    tickets.update_ticket(roaming.ticket, emily, group=global_group, assignee=emily, priority="urgent")
    tickets.add_reply(
        roaming.ticket, emily, "Hi James, could you try selecting the network manually (NTT DOCOMO)?"
    )
    receive(
        _inbound(
            "email",
            james_mail,
            "Re: Roaming not working in Tokyo",
            "That worked, thank you! Could you also tell me the daily roaming fee?",
            1.5,
            external_id="<demo-3@mail.example.com>",
            reply_to=["<demo-2@mail.example.com>"],
            subject_threading=True,
        )
    )
    receive(
        _inbound(
            "chat",
            {"email": "james@example.com", "name": "James Wilson"},
            "Invoice in English",
            "Can I get my monthly invoice in English?",
            0.5,
        )
    )
    minho = receive(
        _inbound(
            "web",
            {"email": "minho.lee@example.kr", "name": "이민호", "phone": "+82 10 9876 5432"},
            "카드 한도 상향 요청",
            "다음 달 해외 결제가 있어 한도를 200만원으로 올리고 싶습니다.",
            4,
        )
    )
    tickets.update_ticket(minho.ticket, card, group=card_group, assignee=card)
    receive(
        _inbound(
            "email",
            {"email": "lee.minho@example.com", "name": "이 민호"},
            "해외 결제 문의",
            "해외 결제 시 수수료가 얼마인가요?",
            0.2,
            external_id="<demo-4@mail.example.com>",
        )
    )
    receive(
        _inbound(
            "web",
            {"email": "guest.park@example.kr", "name": "박서준"},
            "요금제 변경하고 싶어요",
            "데이터 무제한 요금제로 바꾸려면 어떻게 하나요?",
            0.1,
        )
    )
    receive(
        _inbound(
            "email",
            {"email": "angry@example.kr", "name": "정하늘"},
            "환불 안 해주시나요? 최악입니다",
            "세 번째 문의입니다. 환불 처리가 아직도 안 됐습니다.",
            0.05,
            priority="high",
            external_id="<demo-5@mail.example.com>",
        )
    )


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo company, its agents, customers and their history."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        if if_empty:
            click.echo("demo data: already there")
            return
        raise click.ClickException("the database already has accounts; seed-demo runs on an empty database")
    demo = Demo()
    with click.progressbar(length=2, label="seeding demo data") as bar:
        seed(demo)
        bar.update(1)
        signals.demo_seeding.send(current_app._get_current_object(), demo=demo)  # type: ignore[attr-defined]
        bar.update(1)
    db.session.commit()
    click.echo("demo data loaded")


@click.command("demo-logins")
def demo_logins_command() -> None:
    """Print the demo accounts."""
    click.echo("Demo logins (email / password):")
    for role, email, password, name, _locale in LOGINS:
        click.echo(f"  {role:<9} {email:<24} {password:<16} {name}")
