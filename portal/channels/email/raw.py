"""Every raw message kept, gzip-compressed and content-addressed, under <instance>/mail-raw/."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from flask import current_app

FOLDER = "mail-raw"


def root() -> Path:
    """Where raw messages live."""
    return Path(current_app.instance_path) / FOLDER


def keep(raw: bytes) -> str:
    """Write the message once (same bytes, same file); returns its path relative to the instance folder."""
    digest = hashlib.sha256(raw).hexdigest()
    relative = f"{FOLDER}/{digest[:2]}/{digest[2:4]}/{digest}.eml.gz"
    target = Path(current_app.instance_path) / relative
    if not target.exists():
        tmp = target.with_name(f".{digest}.{os.getpid()}.tmp")
        try:
            _write(tmp, raw)
        except FileNotFoundError:  # the first message in this folder (most folders exist after a while)
            target.parent.mkdir(parents=True, exist_ok=True)
            _write(tmp, raw)
        os.replace(tmp, target)
    return relative


def _write(path: Path, raw: bytes) -> None:
    with gzip.open(path, "wb", compresslevel=5) as handle:
        handle.write(raw)


def load(relative: str) -> bytes:
    """The raw bytes of a kept message."""
    path = (Path(current_app.instance_path) / relative).resolve()
    if root().resolve() not in path.parents:
        raise FileNotFoundError(relative)
    with gzip.open(path, "rb") as handle:
        return handle.read()
