"""Demo threads for the board: Korean and English questions, a staff answer that was accepted, an experience,
a pinned guide, a held spam post, a flagged reply, and one angry post that is raised to the agents' queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.accounts import service as accounts
from portal.community import configure, moderation, notify, service
from portal.community.models import Post, Reply
from portal.core import signals
from portal.core.db import utcnow

TOPICS = (
    ("billing", "요금·결제", "Billing & payments", "요금제, 청구서, 환불", "Plans, bills and refunds", "credit-card"),
    ("internet", "인터넷·TV", "Internet & TV", "기가인터넷, 와이파이, IPTV", "Fibre, Wi-Fi and TV", "wifi"),
    ("mobile", "모바일·로밍", "Mobile & roaming", "휴대폰, eSIM, 해외 로밍", "Phones, eSIM, roaming", "phone"),
    ("app", "앱·계정", "App & account", "하나 앱, 로그인, 개인정보", "The Hana app, sign-in, privacy", "person-badge"),
    ("stories", "사용 후기", "Experiences", "써 보니 이랬어요", "What it was like for you", "chat-heart"),
)  # fmt: skip
MEMBERS = (
    ("minji@example.com", "박민지", "ko"),
    ("haneul@example.com", "정하늘", "ko"),
    ("sarah@example.com", "Sarah Kim", "en"),
    ("taesik@example.com", "오태식", "ko"),
    ("deals4u@example.com", "특가알림", "ko"),
)


def _age(item: Post | Reply, days: float) -> None:
    when = utcnow() - timedelta(days=days)
    item.created_at = when
    if isinstance(item, Post):
        item.last_activity_at = when


def _touch(post: Post, days: float) -> None:
    post.last_activity_at = utcnow() - timedelta(days=days)


def seed(demo: Any) -> None:
    """Topics, members and threads (through the real services, so that everything is consistent)."""
    users = dict(demo.users)
    for email, name, locale in MEMBERS:
        users[email] = accounts.create_user(
            email, name, password="hana-customer-1", role="customer", locale=locale
        )
    topics = {
        slug: configure.save_topic(
            None,
            slug=slug,
            name=ko,
            name_en=en,
            description=dko,
            description_en=den,
            icon=icon,
            position=i * 10,
        )
        for i, (slug, ko, en, dko, den, icon) in enumerate(TOPICS)
    }
    yuna, james = users["customer@hana.example"], users["james@example.com"]
    minji, haneul, sarah = users["minji@example.com"], users["haneul@example.com"], users["sarah@example.com"]
    agent, emily, admin = (
        users["agent@hana.example"],
        users["emily@hana.example"],
        users["admin@hana.example"],
    )

    guide = service.create_post(
        admin,
        title="커뮤니티 이용 안내 · Community guidelines",
        body="서로 존중해 주세요. 카드 번호나 주민등록번호 같은 **개인정보는 올리지 마세요**.\n\n"
        "Be kind, and never post card or account numbers. Our staff answer with a blue **Staff** badge.",
        tags=["안내", "guide"],
    )
    moderation.pin(admin, guide, True)
    moderation.lock(admin, guide, True)
    _age(guide, 30)

    roaming = service.create_post(
        yuna,
        title="일본 여행 갈 때 로밍 요금제 뭐가 좋아요?",
        body="다음 달에 5일 동안 도쿄에 가요. 데이터 로밍 **하루 요금제**와 며칠짜리 요금제 중 어떤 게 나을까요?\n\n"
        "- 지도랑 메신저 정도만 써요\n- 테더링도 가끔 할 것 같아요",
        topic=topics["mobile"],
        tags=["로밍", "일본"],
    )
    _age(roaming, 6)
    tip = service.add_reply(
        minji,
        roaming,
        "저는 지난번에 하루 요금제를 썼는데 3일 넘어가니 오히려 비싸더라고요. 며칠권이 나아요!",
    )
    _age(tip, 5.8)
    answer = service.add_reply(
        agent,
        roaming,
        "안녕하세요, 하나 고객센터 김민준입니다.\n\n5일 일정이면 **로밍 데이터 5일권**(2만 2천 원)이 하루 요금제를 "
        "5번 쓰는 것보다 1만 원가량 저렴합니다. 테더링도 그대로 됩니다.\n\n하나 앱 → *로밍* 메뉴에서 출국 전날까지 신청하세요.",
    )
    _age(answer, 5.5)
    service.vote(minji, answer, 1)
    service.vote(james, answer, 1)
    service.vote(minji, roaming, 1)
    service.accept_answer(yuna, roaming, answer)
    _touch(roaming, 5.5)

    esim = service.create_post(
        james,
        title="How do I set up eSIM on my iPhone?",
        body="I just switched to Hana and got an email about eSIM. Where do I find the QR code, and can I keep my "
        "old physical SIM as a second line?",
        topic=topics["mobile"],
        tags=["esim", "iphone"],
    )
    _age(esim, 3)
    sarah_tip = service.add_reply(
        sarah,
        esim,
        "The QR code is in the Hana app under *My line → eSIM*. Scan it from Settings → Mobile Service.",
    )
    _age(sarah_tip, 2.9)
    staff_tip = service.add_reply(
        emily,
        esim,
        "Hi James, Emily from Hana support here. Sarah is right. And yes: iPhones keep the physical SIM as a "
        "second line. Choose **Secondary** when iOS asks which line to use for data.",
    )
    _age(staff_tip, 2.5)
    service.vote(yuna, staff_tip, 1)
    _touch(esim, 2.5)
    notify.follow(james, "tag", "esim")

    story = service.create_post(
        haneul,
        title="기가인터넷으로 바꾼 후기",
        body="500M에서 1기가로 바꿨어요. 설치 기사님이 30분 만에 끝내 주셨고, 와이파이 공유기도 새 걸로 바꿔 주셨어요. "
        "게임 다운로드가 확실히 빨라요. 요금은 월 5천 원 더 나와요.",
        topic=topics["stories"],
        tags=["기가인터넷", "후기"],
    )
    _age(story, 2)
    for voter in (yuna, minji, james):
        service.vote(voter, story, 1)
    service.add_reply(yuna, story, "저도 바꿀까 고민 중이었는데 도움이 됐어요. 공유기 교체는 무료였나요?")
    promo = service.add_reply(
        users["deals4u@example.com"], story, "이 링크에서 상품권 받아 가세요 https://deals4u.example/gift"
    )
    moderation.flag(yuna, promo, "spam", "광고예요")
    moderation.flag(haneul, promo, "spam")
    _touch(story, 1.5)

    router = service.create_post(
        sarah,
        title="Router lights blinking orange after the firmware update",
        body="Since last night the router's WAN light blinks orange every few minutes. Is there a way to roll "
        "back the update myself, or should I wait?",
        topic=topics["internet"],
        tags=["router"],
    )
    _age(router, 0.6)

    service.create_post(
        users["deals4u@example.com"],
        title="통신비 반값 이벤트 모음",
        body="https://deals4u.example/1 https://deals4u.example/2 https://deals4u.example/3 "
        "https://deals4u.example/4 여기서 확인하세요",
        topic=topics["billing"],
    )

    angry = service.create_post(
        users["taesik@example.com"],
        title="해지했는데 환불 안 해주네요. 이거 사기 아닌가요?",
        body="지난달에 해지 신청을 했는데 이번 달 요금이 또 빠져나갔어요. 고객센터는 30분째 연결도 안 되고, "
        "정말 최악입니다. 돈 돌려주세요.",
        topic=topics["billing"],
        tags=["환불"],
    )
    notify.follow(yuna, "topic", topics["mobile"].id)
    _ = angry


@signals.demo_seeding.connect
def _seed(_app: Any, *, demo: Any, **_: Any) -> None:
    seed(demo)
