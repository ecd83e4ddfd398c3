"""Attachment files: limits, safe names, and content-addressed storage under <instance>/attachments/."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import unicodedata
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.errors import ValidationFailed

# Shown in the browser when opened; anything else downloads (HTML or SVG never render from our origin).
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def root() -> Path:
    """Where attachment bytes live."""
    return Path(current_app.instance_path) / "attachments"


def path_for(sha256: str) -> Path:
    """The file holding these bytes (two levels of fan-out keep folders small)."""
    return root() / sha256[:2] / sha256[2:4] / sha256


def store(data: bytes) -> str:
    """Write bytes once (same content, same file) and return their SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{digest}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return digest


def clean_filename(name: str | None) -> str:
    """A file name safe to store and to send back: no paths, no control characters; Hangul kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot else name[:200]
    return name or "attachment"


def guess_type(filename: str, given: str | None) -> str:
    """The declared type when it is plausible, else a guess from the name."""
    given = (given or "").split(";")[0].strip().lower()
    if given and "/" in given and given != "application/octet-stream":
        return given[:100]
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def refusal(filename: str, size: int) -> str | None:
    """Why this file may not be attached, or None if it may."""
    config = current_app.config
    blocked = {e.strip().lower() for e in config["ATTACHMENT_BLOCKED_EXTENSIONS"].split(",") if e.strip()}
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if ext in blocked:
        return str(_l("Files of type .%(ext)s are not accepted.", ext=ext))
    if size > config["ATTACHMENT_MAX_BYTES"]:
        return str(
            _l(
                "%(name)s is larger than %(mb)d MB.",
                name=filename,
                mb=config["ATTACHMENT_MAX_BYTES"] // 2**20,
            )
        )
    if size == 0:
        return str(_l("%(name)s is empty.", name=filename))
    return None


def check_uploads(files: list[tuple[str, int]], field: str = "files") -> None:
    """Refuse a set of uploads (name, size) that breaks a limit, with a message per file."""
    errors = [(field, reason) for name, size in files if (reason := refusal(clean_filename(name), size))]
    total = sum(size for _, size in files)
    if total > current_app.config["ATTACHMENTS_PER_MESSAGE_MAX_BYTES"]:
        mb = current_app.config["ATTACHMENTS_PER_MESSAGE_MAX_BYTES"] // 2**20
        errors.append((field, str(_l("All files together may not exceed %(mb)d MB.", mb=mb))))
    if errors:
        raise ValidationFailed(errors)
