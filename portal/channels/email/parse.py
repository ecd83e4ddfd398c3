"""Raw RFC 5322 bytes to a ParsedMail: headers decoded, bodies found, attachments kept, nothing raised.

The lenient compat32 parser reads anything; headers and bodies are decoded here (portal.channels.email.charsets)
rather than by the email package, whose strict header objects reject what broken clients send.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email.message import Message as MimePart
from email.policy import compat32
from email.utils import getaddresses

from portal.channels.email import charsets
from portal.channels.email.htmltext import html_to_text
from portal.customers.identities import normalize_email
from portal.tickets.inbound import InboundAttachment

MAX_DEPTH = 12
MAX_PARTS = 500
_MSGID = re.compile(r"<([^<>\s]{1,490})>")


@dataclass
class ParsedMail:
    """What the email channel reads out of one message."""

    headers: dict[str, str] = field(default_factory=dict)  # lower-cased name → decoded value (first one)
    message_id: str | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    sender_email: str | None = None
    sender_name: str = ""
    to: list[tuple[str, str]] = field(default_factory=list)  # (address, name), normalized addresses
    cc: list[tuple[str, str]] = field(default_factory=list)
    recipient_count: int = 0
    subject: str = ""
    date: str = ""
    text: str = ""
    html: str | None = None
    forwarded: list[str] = field(default_factory=list)  # text blocks of attached (nested) messages
    attachments: list[InboundAttachment] = field(default_factory=list)
    parts: list[MimePart] = field(default_factory=list)  # every leaf part, for bounce detection
    has_headers: bool = True

    @property
    def thread_ids(self) -> list[str]:
        """Ids this message answers, oldest first, In-Reply-To last (the strongest hint)."""
        ids = [i for i in self.references if i not in self.in_reply_to] + self.in_reply_to
        return list(dict.fromkeys(ids))[-50:]


@dataclass
class _Body:
    text: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[InboundAttachment] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    parts: list[MimePart] = field(default_factory=list)


def message_ids(value: str | None) -> list[str]:
    """The <ids> of a Message-ID, In-Reply-To or References header, with brackets, in order."""
    if not value:
        return []
    found = [f"<{m}>" for m in _MSGID.findall(value)]
    if not found:  # some clients drop the brackets
        found = [f"<{t.strip('<>')}>" for t in value.split() if "@" in t and len(t) < 490]
    return list(dict.fromkeys(found))


def addresses(values: list[str]) -> list[tuple[str, str]]:
    """(normalized address, decoded name) pairs of address headers; invalid addresses are left out."""
    result = []
    for name, address in getaddresses(values):
        normalized = normalize_email(charsets.decode_header(address))
        if normalized:
            result.append((normalized, charsets.decode_header(name).strip("\"' ")))
    return result


def _raw_headers(message: MimePart) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        headers.setdefault(str(name).strip().lower(), []).append(str(value))
    return headers


def parse(raw: bytes) -> ParsedMail:
    """Read one message; broken parts are decoded as well as possible, never raised."""
    message = email.message_from_bytes(raw, policy=compat32)
    raw_headers = _raw_headers(message)
    parsed = ParsedMail(headers={k: charsets.decode_header(v[0])[:2000] for k, v in raw_headers.items()})
    parsed.has_headers = bool(
        {"from", "subject", "date", "message-id", "to", "content-type"} & raw_headers.keys()
    )
    _read_envelope(parsed, raw_headers)
    body = _Body()
    _collect(message, body, 0)
    parsed.text = "\n\n".join(t for t in body.text if t.strip()).strip("\n")
    if body.html:
        parsed.html = "\n".join(body.html)
    if not parsed.text.strip() and parsed.html:
        parsed.text = html_to_text(parsed.html)
    parsed.attachments = body.attachments
    parsed.forwarded = body.forwarded
    parsed.parts = body.parts
    return parsed


def _read_envelope(parsed: ParsedMail, headers: dict[str, list[str]]) -> None:
    first = parsed.headers.get
    ids = message_ids(first("message-id"))
    parsed.message_id = ids[0] if ids else None
    parsed.in_reply_to = message_ids(" ".join(headers.get("in-reply-to", [])))
    parsed.references = message_ids(" ".join(headers.get("references", [])))
    parsed.subject = re.sub(r"\s+", " ", first("subject", "")).strip()[:1000]
    parsed.date = first("date", "")[:100]
    for name in ("from", "reply-to", "sender"):
        found = addresses(headers.get(name, []))
        if found:
            parsed.sender_email, parsed.sender_name = found[0]
            break
    if parsed.sender_email is None:  # keep the name even when the address is unusable
        names = getaddresses(headers.get("from", []))
        parsed.sender_name = charsets.decode_header(names[0][0]).strip("\"' ") if names else ""
    parsed.to = addresses(headers.get("to", []))
    parsed.cc = addresses(headers.get("cc", []))
    parsed.recipient_count = len(parsed.to) + len(parsed.cc)


def _filename(part: MimePart) -> str:
    value = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded value)
        label, _lang, text = value
        return charsets.decode(bytes(str(text), "raw-unicode-escape", "replace"), label or "utf-8")
    if not value:
        return ""
    return charsets.decode_header(str(value).encode("utf-8", "surrogateescape"))


def _payload(part: MimePart) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep the bytes as they came
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _collect(part: MimePart, body: _Body, depth: int) -> None:
    if depth > MAX_DEPTH or len(body.parts) > MAX_PARTS:
        return
    ctype = part.get_content_type()
    if ctype == "message/delivery-status":  # read by the bounce detector, not shown as a body
        body.parts.append(part)
    elif ctype == "message/rfc822" or (part.is_multipart() and ctype.startswith("message/")):
        _nested(part, body, depth)
    elif part.is_multipart():
        children = [c for c in part.get_payload() if isinstance(c, MimePart)]
        if ctype == "multipart/alternative" and len(children) > 1:
            _alternative(children, body, depth)
        else:
            for child in children:
                _collect(child, body, depth + 1)
    else:
        _leaf(part, body, ctype)


def _alternative(children: list[MimePart], body: _Body, depth: int) -> None:
    versions = []
    for child in children:
        sub = _Body()
        _collect(child, sub, depth + 1)
        versions.append(sub)
        body.parts.extend(sub.parts)
    text_version = next((v for v in versions if any(t.strip() for t in v.text)), None)
    html_version = next((v for v in reversed(versions) if v.html), None)
    if text_version is not None:
        body.text.extend(text_version.text)
    if html_version is not None:
        body.html.extend(html_version.html)
    chosen = [v for v in (text_version, html_version) if v is not None] or versions[:1]
    for version in {id(v): v for v in chosen}.values():
        body.attachments.extend(version.attachments)
        body.forwarded.extend(version.forwarded)


def _leaf(part: MimePart, body: _Body, ctype: str) -> None:
    body.parts.append(part)
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    filename = _filename(part)
    is_body = disposition != "attachment" and not filename
    if ctype == "text/plain" and is_body:
        body.text.append(charsets.decode(_payload(part), part.get_content_charset()))
    elif ctype == "text/html" and is_body:
        body.html.append(charsets.decode(_payload(part), part.get_content_charset()))
    else:
        content_id = (part.get("Content-ID") or "").strip().strip("<>") or None
        data = _payload(part)
        if not data:
            return
        body.attachments.append(
            InboundAttachment(
                filename=filename or _default_name(ctype, content_id),
                content_type=ctype,
                data=data,
                content_id=content_id,
                inline=bool(content_id) and disposition != "attachment",
            )
        )


def _default_name(ctype: str, content_id: str | None) -> str:
    import mimetypes

    extension = mimetypes.guess_extension(ctype) or ".bin"
    stem = re.sub(r"[^\w.-]", "", (content_id or "").split("@")[0])[:40] or "attachment"
    return f"{stem}{extension}"


def _nested(part: MimePart, body: _Body, depth: int) -> None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, MimePart):
        _leaf(part, body, "application/octet-stream")
        return
    sub = _Body()
    _collect(inner, sub, depth + 1)
    text = "\n\n".join(t for t in sub.text if t.strip()) or (
        html_to_text("\n".join(sub.html)) if sub.html else ""
    )
    decoded = {k: charsets.decode_header(v) for k, v in _raw_headers(inner).items() if len(k) < 40}
    header_lines = [
        f"{label}: {decoded[key]}"
        for key, label in (("from", "From"), ("date", "Date"), ("subject", "Subject"), ("to", "To"))
        if decoded.get(key)
    ]
    body.forwarded.append("\n".join(["---------- Forwarded message ----------", *header_lines, "", text]))
    body.attachments.extend(sub.attachments)
    body.forwarded.extend(sub.forwarded)
    body.parts.append(part)
    body.parts.extend(sub.parts)
