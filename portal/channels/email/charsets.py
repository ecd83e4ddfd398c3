"""Bytes to text the way real mailboxes need it: Korean aliases, lying labels, and detection as a last resort.

Python maps `ks_c_5601-1987` and `euc-kr` to the strict EUC-KR codec, but Korean mail clients (Outlook, old
Hanmail) write CP949, its superset: strict EUC-KR fails on common names such as "똠" or "햏". Labels are
therefore read as the codec clients actually use (as browsers do, per the WHATWG Encoding Standard).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# What a label means in practice (WHATWG-style supersets and common misspellings).
ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601_1987": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "korean": "cp949",
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "euckr": "cp949",
    "x-euc-kr": "cp949",
    "windows-949": "cp949",
    "x-windows-949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "tis-620": "cp874",
    "utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
# Labels that say nothing about the bytes: decide by looking at them.
UNKNOWN = {"", "unknown-8bit", "x-unknown", "unknown", "default", "charset", "8bit", "binary", "none"}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SINGLE_BYTE = {"cp1252", "iso-8859-15", "iso8859-15", "cp1250", "iso-8859-2"}


def codec_for(label: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None when the label is unknown or meaningless."""
    name = (label or "").strip().strip("\"'").lower()
    if name in UNKNOWN:
        return None
    name = ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_korean(text: str) -> bool:
    return len(_HANGUL.findall(text)) * 3 >= max(1, len(re.sub(r"[\x00-\x7f\s]", "", text)))


def detect(data: bytes) -> str:
    """Decode bytes of unknown charset: UTF-8, then CP949 if it reads as Korean, then charset-normalizer."""
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    text = _strict(data, "cp949")
    if text is not None and _looks_korean(text):
        return text
    best = from_bytes(data[:200_000]).best() if data else None
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def decode(data: bytes, label: str | None) -> str:
    """Text of a MIME part: the declared charset when it holds, detection when it is missing or lies."""
    if not data:
        return ""
    codec = codec_for(label)
    if not re.search(rb"[\x80-\xff]", data) and codec not in ("utf-16", "utf-32", "utf-7", "iso2022_kr"):
        # Pure ASCII reads the same in every ASCII-compatible charset (and escapes for ISO-2022-KR).
        if b"\x1b$)C" not in data:
            return data.decode("ascii", errors="replace")
        codec = "iso2022_kr"
    if codec is None:
        return detect(data)
    if codec not in ("utf-8", "utf-16", "utf-32", "utf-7") and re.search(rb"[\x80-\xff]", data):
        # Text in another charset is almost never valid multi-byte UTF-8, so valid UTF-8 under another label
        # is UTF-8 mislabelled (webmail forms and relays that re-label do this).
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            return utf8
    text = _strict(data, codec)
    if text is None:
        return detect(data)
    if codec in _SINGLE_BYTE:
        # A single-byte label never fails, so it can hide CP949 bytes: prefer them when they read as Korean.
        korean = _strict(data, "cp949")
        if korean is not None and _looks_korean(korean):
            return korean
    return text


# RFC 2047 encoded words, found anywhere (also inside quotes and words, where broken clients put them).
_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(rb"^[ \t\r\n]*$")


def _word_bytes(encoding: bytes, payload: bytes) -> bytes | None:
    import base64
    import binascii
    import quopri

    try:
        if encoding in (b"b", b"B"):
            payload = re.sub(rb"[^A-Za-z0-9+/]", b"", payload)
            return base64.b64decode(payload + b"=" * (-len(payload) % 4))
        return quopri.decodestring(payload.replace(b"_", b" "), header=False)
    except (binascii.Error, ValueError):
        return None


def decode_header(value: str | bytes | None) -> str:
    """A header value as text: RFC 2047 words (also broken ones), raw 8-bit bytes, folded lines."""
    if value is None:
        return ""
    if (
        isinstance(value, str)
        and value.isascii()
        and "=?" not in value
        and "\n" not in value
        and "\x1b" not in value
    ):
        return _CONTROL.sub("", value).strip()  # most headers: plain ASCII, nothing to decode
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogateescape")
    raw = re.sub(rb"\r?\n[ \t]*", b" ", raw)
    pieces: list[tuple[bytes, str | None]] = []  # (bytes, charset label or None for plain)
    position = 0
    for match in _ENCODED_WORD.finditer(raw):
        between = raw[position : match.start()]
        decoded = _word_bytes(match.group(2), match.group(3))
        if decoded is None:
            continue
        label = match.group(1).split(b"*")[0].decode("ascii", "replace")  # RFC 2231 language suffix
        if between and not (_BETWEEN_WORDS.match(between) and pieces and pieces[-1][1] is not None):
            pieces.append((between, None))
        if pieces and pieces[-1][1] is not None and codec_for(pieces[-1][1]) == codec_for(label):
            # Adjacent words of one charset are decoded together: clients split multibyte characters.
            pieces[-1] = (pieces[-1][0] + decoded, pieces[-1][1])
        else:
            pieces.append((decoded, label))
        position = match.end()
    if position < len(raw):
        pieces.append((raw[position:], None))
    text = "".join(decode(data, label) for data, label in pieces)
    return _CONTROL.sub("", text).strip()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
