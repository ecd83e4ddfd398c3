"""Demo mail: real messages through the real ingest, so the mail log, threading and refusals show in `make run`."""

from __future__ import annotations

import base64
from typing import Any

from portal.core import signals

CP949_MAIL = (
    "From: =?ks_c_5601-1987?B?{name}?= <minseo.han@example.kr>\r\nTo: support@hana.example\r\n"
    "Subject: =?ks_c_5601-1987?B?{subject}?=\r\nMessage-ID: <demo-mail-1@example.kr>\r\nMIME-Version: 1.0\r\n"
    'Content-Type: text/plain; charset="ks_c_5601-1987"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n'
)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("cp949")).decode()


def _plain(sender: str, subject: str, text: str, message_id: str, **headers: str) -> bytes:
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Message-ID"] = (
        sender,
        "support@hana.example",
        subject,
        message_id,
    )
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    return mail.as_bytes()


def messages() -> list[bytes]:
    """A Korean Outlook mail (CP949), its reply threaded by headers, an out-of-office answer and a read receipt."""
    first = CP949_MAIL.format(
        name=_b64("한민서"),
        subject=_b64("똠양꿍 가게 카드 단말기 문의"),
        body=_b64(
            "안녕하세요. 가게 카드 단말기가 어제부터 결제 승인이 안 됩니다. 확인 부탁드립니다.\r\n\r\n한민서 드림"
        ),
    ).encode()
    reply = _plain(
        "한민서 <minseo.han@example.kr>",
        "RE: 똠양꿍 가게 카드 단말기 문의",
        "재부팅했는데도 같아요. 오후 3시 이후에 전화 주세요.\n\n-----Original Message-----\n"
        "보낸 사람: 한민서 <minseo.han@example.kr>\n제목: 똠양꿍 가게 카드 단말기 문의\n\n안녕하세요...",
        "<demo-mail-2@example.kr>",
        In_Reply_To="<demo-mail-1@example.kr>",
        References="<demo-mail-1@example.kr>",
    )
    away = _plain(
        "Daniel Park <daniel@corp.example>",
        "자동 회신: 법인 회선 견적",
        "3월 15일까지 부재중입니다. 급한 일은 팀 메일로 연락 주세요.",
        "<demo-mail-3@corp.example>",
        Auto_Submitted="auto-replied",
    )
    own = _plain("Hana <support@hana.example>", "loop test", "our own mail", "<demo-mail-4@hana.example>")
    return [first, reply, away, own]


@signals.demo_seeding.connect
def seed(app: Any, demo: Any = None, **_: Any) -> None:
    """Ingest the demo mail (the caller commits)."""
    from portal.channels.email.ingest import ingest
    from portal.extensions import db

    for data in messages():
        ingest(data, source="pipe")
    db.session.flush()
