"""What people write on the board: Markdown made safe, plain text for search and snippets, and the measures the
spam checks use (links, repetition, a fingerprint of the normalized text)."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

import nh3
from flask_babel import lazy_gettext as _l

from portal.core.errors import ValidationFailed
from portal.core.html import render_markdown

TITLE_MIN, TITLE_MAX = 4, 200
BODY_MIN, BODY_MAX = 2, 20000
REPLY_MAX = 10000

_LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SPACES = re.compile(r"\s+")


def render(body: str) -> str:
    """Markdown to sanitized HTML (raw HTML escaped; no script, no event handler, no javascript: link)."""
    return str(render_markdown(body))


def plain_text(body_html: str) -> str:
    """The words of sanitized HTML, without markup (for search, snippets and mail)."""
    text = nh3.clean(body_html or "", tags=set(), attributes={})
    return _SPACES.sub(" ", html.unescape(text)).strip()


def snippet(text: str, length: int = 160) -> str:
    """A one-line excerpt."""
    flat = _SPACES.sub(" ", text or "").strip()
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def normalize(text: str) -> str:
    """NFKC, case-folded, typographic apostrophes straightened: the form every comparison uses."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return text.replace("\u2019", "'").replace("\u2018", "'")


def fingerprint(title: str, body: str) -> str:
    """The same words in the same order give the same fingerprint, whatever the spacing and punctuation."""
    words = _WORD.findall(normalize(f"{title} {body}"))
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def count_links(body: str) -> int:
    """Distinct web addresses in the text (Markdown links and bare addresses alike)."""
    return len({m.group(0).rstrip(".,;:!?").casefold() for m in _LINK.finditer(body or "")})


def is_repetitive(body: str) -> bool:
    """Long text made of very few different words ("buy now buy now buy now …")."""
    words = _WORD.findall(normalize(body))
    if len(words) < 12:
        return False
    return len(set(words)) / len(words) < 0.25


def guess_locale(text: str) -> str:
    """Korean when the text has Hangul, else English."""
    return "ko" if _HANGUL.search(text or "") else "en"


def check_post(title: str, body: str) -> tuple[str, str]:
    """The title and body stripped, or per-field reasons in the reader's language."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = []
    if not title:
        errors.append(("title", _l("Write a title.")))
    elif not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors.append(
            ("title", _l("The title needs %(min)d to %(max)d characters.", min=TITLE_MIN, max=TITLE_MAX))
        )
    errors.extend(_body_errors(body, BODY_MAX))
    if errors:
        raise ValidationFailed(errors)
    return title, body


def check_reply(body: str) -> str:
    """The reply stripped, or the reason it cannot be sent."""
    body = (body or "").strip()
    errors = _body_errors(body, REPLY_MAX)
    if errors:
        raise ValidationFailed(errors)
    return body


def _body_errors(body: str, maximum: int) -> list[tuple[str, object]]:
    if not body:
        return [("body", _l("Write something first."))]
    if len(body) < BODY_MIN:
        return [("body", _l("Write at least %(min)d characters.", min=BODY_MIN))]
    if len(body) > maximum:
        return [("body", _l("Keep it under %(max)d characters.", max=maximum))]
    if not plain_text(render(body)):
        return [("body", _l("Write some words, not only markup."))]
    return []
