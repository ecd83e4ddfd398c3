"""Words the generator builds names, subjects and messages from (Korean first, some English)."""

from __future__ import annotations

import random

FAMILY = (
    "김",
    "이",
    "박",
    "최",
    "정",
    "강",
    "조",
    "윤",
    "장",
    "임",
    "한",
    "오",
    "서",
    "신",
    "권",
    "황",
    "안",
    "송",
    "류",
    "홍",
)
# Given names from two syllables: about 2,000 combinations, so that namesakes are as rare as in life
# (a few per hundred thousand customers), not hundreds.
SYLLABLES = tuple("민서도하지수예시주유준연윤은호아우원린훈현진영성경재혜정희동상태승채다소나빈")
EN_FIRST = ("James", "Emily", "Olivia", "Noah", "Liam", "Emma", "Ava", "Lucas", "Mia", "Ethan")
EN_LAST = ("Wilson", "Clark", "Smith", "Brown", "Taylor", "Lee", "Park", "Kim", "Walker", "Young")
MAIL_DOMAINS = ("example.com", "example.kr", "mail.example", "corp.example")
CHANNELS = ("email", "chat", "web", "phone", "api", "catalog")
CHANNEL_WEIGHTS = (45, 20, 20, 8, 4, 3)
TAGS = (
    "환불",
    "요금",
    "해지",
    "로밍",
    "와이파이",
    "단말기",
    "분실",
    "카드",
    "vip",
    "billing",
    "refund",
    "outage",
    "5g",
    "인터넷",
    "약정",
    "포인트",
    "배송",
    "개통",
    "명의변경",
    "해외결제",
)
SUBJECTS = (
    "요금이 두 번 청구되었어요",
    "인터넷이 자꾸 끊겨요",
    "카드 분실 신고",
    "로밍 요금 문의",
    "약정 해지 위약금",
    "단말기 수리 접수",
    "포인트 적립이 안 돼요",
    "명의 변경 방법",
    "해외 결제 한도 상향",
    "5G 속도가 느려요",
    "Refund not received",
    "Roaming not working",
    "Invoice in English",
    "Change my plan",
    "App login fails",
)
SENTENCES_IN = (
    "안녕하세요. 확인 부탁드립니다.",
    "지난달 요금이 평소보다 많이 나왔습니다.",
    "저녁마다 와이파이가 끊깁니다. 공유기를 재부팅해도 같아요.",
    "카드를 잃어버렸는데 분실 신고는 어떻게 하나요?",
    "환불은 언제쯤 들어오나요?",
    "앱에서 로그인이 되지 않습니다.",
    "Hi, I still have not received my refund.",
    "My phone shows no service since I landed.",
    "Could you send the invoice in English, please?",
    "세 번째 문의입니다. 빠른 처리 부탁드려요.",
)
SENTENCES_OUT = (
    "고객님, 불편을 드려 죄송합니다.",
    "확인해 보니 중복 결제가 맞습니다. 3영업일 안에 환불됩니다.",
    "공유기 모델명을 알려주시면 원격 점검을 도와드리겠습니다.",
    "분실 신고가 접수되었습니다. 새 카드는 일주일 안에 도착합니다.",
    "Thank you for your patience, we are looking into it.",
    "Could you try selecting the network manually?",
    "추가로 궁금하신 점이 있으면 언제든 말씀해 주세요.",
)


def person_name(rng: random.Random) -> str:
    """A Korean name most of the time, an English one sometimes."""
    if rng.random() < 0.85:
        return rng.choice(FAMILY) + rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def ascii_key(name: str) -> str:
    """Something address-like from a name (Hangul names give a short hash)."""
    key = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())
    return key or f"k{abs(hash(name)) % 9973}"


def subject(rng: random.Random) -> str:
    return rng.choice(SUBJECTS)


def message_text(rng: random.Random, inbound: bool) -> str:
    pool = SENTENCES_IN if inbound else SENTENCES_OUT
    return " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))


def snippet(text: str) -> str:
    return text if len(text) <= 140 else text[:139] + "…"
