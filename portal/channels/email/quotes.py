"""The customer's new words, apart from the quoted earlier mail and the signature.

Recognises the quote headers of English and Korean clients: Gmail ("On … wrote:", "2024년 3월 5일 (화) 오후 2:13,
… 님이 작성:"), Outlook ("-----Original Message-----", "From:/Sent:" and "보낸 사람:/보낸 날짜:" blocks), Naver
("-----Original Message-----"), Daum/Kakao ("----- 원본 메일 -----"), Apple Mail and iPhone ("2024. 3. 5. 오후
2:13, … 작성:"), '>' quoting, our own "reply above this line" marker, and phone-app signatures.
"""

from __future__ import annotations

import re

# The marker our outgoing mail carries above the quoted conversation.
REPLY_MARKER = "##- 이 줄 위에 답장을 써 주세요 · Please type your reply above this line -##"
_MARKER = re.compile(r"^\s*>?\s*##-.*-##\s*$")

_SEPARATOR = re.compile(
    r"^\s*[-=_*]{2,}\s*(original message|원본 메시지|원본 메일|원본메일|forwarded message|전달된 메시지|전달 메일|"
    r"전달된 메일|begin forwarded message|message transféré|ursprüngliche nachricht)\s*[-=_*]{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD_START = re.compile(r"^\s*(begin forwarded message|전달된 메시지)\s*:\s*$", re.IGNORECASE)
_WROTE_EN = re.compile(
    r"^\s*(on|le|am|el)\s.{4,300}\b(wrote|a écrit|schrieb|escribió)\s*:\s*$", re.IGNORECASE
)
_WROTE_KO = re.compile(
    r"^\s*(20\d\d\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일|20\d\d\.\s?\d{1,2}\.\s?\d{1,2}\.?|\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2})"
    r".{0,300}(작성|님이 작성|님의 말|님이 씀|wrote)\s*:?\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(from|보낸\s?사람|발신자|발신|보낸이)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|cc|subject|보낸\s?날짜|날짜|받는\s?사람|수신자|수신|참조|제목)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_UNDERLINE = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = re.compile(
    r"^\s*(--\s?|sent from my .{1,40}|sent from .{1,30} for (ios|android)|get outlook for (ios|android).*|"
    r".{0,40}(에서|앱에서) 보냄\.?|.{0,40}에서 보냈습니다\.?|android용 outlook 다운로드.*|ios용 outlook 다운로드.*)$",
    re.IGNORECASE,
)
SIGNATURE_MAX_LINES = 15


def _quote_start(lines: list[str]) -> int | None:
    """Index of the first line of the quoted part, if any."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if _MARKER.match(line) or _SEPARATOR.match(line) or _FORWARD_START.match(line):
            return index
        joined = line if index + 1 >= len(lines) else f"{line} {lines[index + 1].strip()}"
        for candidate in (line, joined):
            if len(candidate) < 400 and (_WROTE_EN.match(candidate) or _WROTE_KO.match(candidate)):
                return index
        if _HEADER_FROM.match(line) and any(_HEADER_NEXT.match(n) for n in lines[index + 1 : index + 5]):
            previous = index - 1
            while previous >= 0 and not lines[previous].strip():
                previous -= 1
            return previous if previous >= 0 and _UNDERLINE.match(lines[previous]) else index
        if line.lstrip().startswith(">") and _only_quotes_follow(lines, index):
            return index
    return None


def _only_quotes_follow(lines: list[str], start: int) -> bool:
    """'>' lines up to the end (a signature may follow): not an answer written between quotes."""
    rest = [line for line in lines[start:] if line.strip()]
    for position, line in enumerate(rest):
        if not line.lstrip().startswith(">"):
            return bool(_SIGNATURE.match(line)) and len(rest) - position <= SIGNATURE_MAX_LINES
    return True


def _signature_start(lines: list[str]) -> int | None:
    """Index of a signature near the end of the new text."""
    for index in range(max(0, len(lines) - SIGNATURE_MAX_LINES), len(lines)):
        if _SIGNATURE.match(lines[index]) and index > 0:
            return index
    return None


def split(text: str) -> tuple[str, str | None]:
    """(new text, quoted text and signature or None); all of it stays new text when nothing new is left."""
    if not text:
        return "", None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _quote_start(lines)
    head = lines if cut is None else lines[:cut]
    signature = _signature_start(head)
    if signature is not None:
        cut = signature
    if cut is None:
        return text.strip(), None
    new = "\n".join(lines[:cut]).strip()
    quoted = "\n".join(lines[cut:]).strip()
    if not new:
        return text.strip(), None
    return new, quoted or None
