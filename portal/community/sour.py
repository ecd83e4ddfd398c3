"""Sour posts: words that say a customer is angry or that something of ours failed, in Korean and English.

A maintained list lives here; admins add extras (SourTerm rows). Korean is matched on the text with every space
removed, so spacing variants ("환불 안 해주" / "환불안해주" / "환불 안해 주") all match, and between the words of a
phrase a particle may appear ("환불을 안 해주", "환불도 안 해주"). A Korean term matches inside longer words, as
Korean attaches endings and writes compounds without spaces ("최악이에요", "통신장애"), except a few short terms
that hide inside innocent words ("사기" in "조사기관", "화나" in "전화나"): those must begin a word. Known innocent
words that begin with a term ("사기업", "장애인") are blanked out first. English is matched word by word (any
spacing, case, straight or curly apostrophes, optional apostrophes, common endings: "crash" finds "crashed").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from portal.community.content import normalize
from portal.community.models import SourTerm
from portal.extensions import db

ANGRY_KO = (
    "사기", "사기꾼", "사기당", "사기 치", "최악", "환불 안 해주", "환불 안 해 줘", "환불 거부", "환불 불가",
    "환불 못 받", "환불해 주지 않", "돈 돌려", "짜증", "화가 나", "화나", "열받", "빡치", "어이없", "어이가 없",
    "황당", "장난하", "장난치", "고소하겠", "고소할 거", "고소합니다", "법적 대응", "법적 조치", "소비자원",
    "금감원", "방통위", "민원 넣", "해지하겠", "해지할 거", "탈퇴하겠", "쓰레기", "개판", "엉망", "실망", "분노",
    "못 참", "두 번 다시", "무시당", "답변이 없", "연락이 없", "양아치", "날강도", "바가지",
)  # fmt: skip
FAILURE_KO = (
    "작동 안", "작동이 안", "작동하지 않", "먹통", "안 터지", "안 터져", "접속이 안", "접속 안 되", "접속 불가",
    "연결이 안", "연결 안 되", "결제가 안", "결제 안 되", "로그인이 안", "로그인 안 되", "오류가", "에러가",
    "장애", "고장", "끊겨", "끊김", "끊어져", "튕겨", "멈춰", "멈춤", "불통", "안 켜지", "안 열려", "인터넷이 안",
)  # fmt: skip
ANGRY_EN = (
    "scam", "scammed", "scammer", "fraud", "worst", "terrible", "horrible", "awful", "ridiculous",
    "unacceptable", "disgusting", "furious", "angry", "rip-off", "ripoff", "lawyer", "lawsuit",
    "sue you", "cancel my account", "never again", "refund me", "no refund", "won't refund", "refuse to refund",
    "useless", "pathetic", "fed up", "sick of", "garbage", "shame on you", "rubbish", "incompetent",
)  # fmt: skip
FAILURE_EN = (
    "not working", "doesn't work", "does not work", "isn't working", "stopped working", "won't work",
    "broken", "crash", "outage", "service is down", "site is down", "can't log in", "cannot log in",
    "can't login", "can't connect", "cannot connect", "no signal", "no internet", "keeps disconnecting",
    "keeps dropping", "error message", "failed payment", "payment failed",
)  # fmt: skip
BUILTIN: dict[str, tuple[str, ...]] = {"angry": ANGRY_KO + ANGRY_EN, "failure": FAILURE_KO + FAILURE_EN}

# Short Korean terms that hide inside innocent words ("조사기관", "복사기", "전화나", "전화가 나오"): they must
# begin a word. Every other Korean term matches anywhere, as compounds are often written without spaces.
WORD_START_KO = frozenset({"사기", "화나", "화가 나", "고장", "분노", "실망", "황당"})
# Innocent words that begin with a term; blanked out before matching.
INNOCENT_KO = ("사기업", "사기진작", "사기를 높", "사기가 오르", "사기를 북돋", "장애인", "장애물", "장애우")

_PARTICLES = ("을", "를", "이", "가", "은", "는", "도", "좀", "만", "까지", "조차", "마저", "은커녕", "는커녕",
              "이나", "나", "에서", "에", "으로", "로", "이랑", "랑")  # fmt: skip
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_SYLLABLE = r"[\u1100-\u11ff\uac00-\ud7a3]"  # a Hangul syllable, decomposed or not
_SPACE = re.compile(r"\s+")
EN_SUFFIX = r"(?:s|es|ed|d|ing|er|ers)?"
UNSPACED, SPACED = "unspaced", "spaced"


@dataclass(frozen=True)
class Hit:
    """One term found in a text."""

    term: str
    kind: str  # angry, failure


def _nfd(text: str) -> str:
    # Korean is matched on decomposed syllables (jamo), so that a term's last syllable also matches with a final
    # consonant added by conjugation: "해주" finds "해줌" and "해준", "화나" finds "화난".
    return unicodedata.normalize("NFD", text)


PARTICLES = "(?:" + "|".join(_nfd(p) for p in _PARTICLES) + ")?"


def _words(term: str) -> list[str]:
    return [w for w in _SPACE.split(normalize(term).strip()) if w]


def _korean_anywhere(term: str) -> str:
    return PARTICLES.join(re.escape(_nfd(w)) for w in _words(term))


def _korean_word_start(term: str) -> str:
    # On the spaced text: a space may fall between any two syllables, a particle between the words.
    words = [r"\s?".join(re.escape(_nfd(c)) for c in w) for w in _words(term)]
    return f"(?<!{_SYLLABLE})" + (r"\s*" + PARTICLES + r"\s*").join(words)


def _english(term: str) -> str:
    parts = [re.escape(w).replace("'", "'?").replace(r"\-", "[- ]?") for w in _words(term)]
    return r"(?<!\w)" + r"\s+".join(parts) + EN_SUFFIX + r"(?!\w)"


def compile_term(term: str) -> tuple[re.Pattern[str], str]:
    """(pattern, which form of the text it runs on): see the module docstring."""
    if not _HANGUL.search(term):
        return re.compile(_english(term)), SPACED
    if " ".join(_words(term)) in WORD_START_KO:
        return re.compile(_korean_word_start(term)), SPACED
    return re.compile(_korean_anywhere(term)), UNSPACED


@lru_cache(maxsize=1)
def _builtin() -> tuple[tuple[str, str, re.Pattern[str], str], ...]:
    return tuple((term, kind, *compile_term(term)) for kind, terms in BUILTIN.items() for term in terms)


@lru_cache(maxsize=1)
def _innocent() -> re.Pattern[str]:
    return re.compile("|".join(r"\s*".join(re.escape(c) for c in w if not c.isspace()) for w in INNOCENT_KO))


@lru_cache(maxsize=512)
def _compiled(term: str) -> tuple[re.Pattern[str], str]:
    return compile_term(term)


def extras() -> list[tuple[str, str]]:
    """(term, kind) added by admins."""
    return [(t, k) for t, k in db.session.execute(sa.select(SourTerm.term, SourTerm.kind))]


def prepare(text: str) -> dict[str, str]:
    """The spaced and unspaced forms of a text, innocent Korean words blanked out."""
    spaced = _nfd(_innocent().sub(" · ", _SPACE.sub(" ", normalize(text))))
    return {SPACED: spaced, UNSPACED: _SPACE.sub("", spaced)}


def find(text: str, extra_terms: list[tuple[str, str]] | None = None) -> list[Hit]:
    """Every angry or failure term in `text`, once each, in list order (admins' extras included)."""
    forms = prepare(text)
    hits: list[Hit] = []
    seen: set[str] = set()
    candidates = list(_builtin())
    for term, kind in extra_terms if extra_terms is not None else extras():
        if term.strip():
            candidates.append((term, kind, *_compiled(term)))
    for term, kind, pattern, form in candidates:
        if term not in seen and pattern.search(forms[form]):
            seen.add(term)
            hits.append(Hit(term, kind))
    return hits


def kinds(hits: list[Hit]) -> list[str]:
    """The kinds present (angry, failure), in a stable order."""
    present = {h.kind for h in hits}
    return [k for k in ("angry", "failure") if k in present]
