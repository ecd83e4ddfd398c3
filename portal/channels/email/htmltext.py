"""HTML mail as plain text (inscriptis keeps tables and lists readable), and cid: images shown in place."""

from __future__ import annotations

import re
from collections.abc import Callable

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

MAX_HTML_CHARS = 2_000_000  # larger HTML is read in part: the whole message stays in the raw file
_CONFIG = ParserConfig(css=CSS_PROFILES["strict"], display_links=False, display_images=False)
_CID = re.compile(r"""(src\s*=\s*["']?)cid:([^"'\s>]+)""", re.IGNORECASE)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body (scripts and styles dropped), blank-line runs collapsed."""
    if not html or not html.strip():
        return ""
    try:
        text = get_text(html[:MAX_HTML_CHARS], _CONFIG)
    except Exception:  # lxml refuses some inputs (e.g. only a processing instruction)
        text = re.sub(r"<[^>]+>", " ", html[:MAX_HTML_CHARS])
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def rewrite_cids(html: str, url_for_cid: Callable[[str], str | None]) -> str:
    """Point <img src="cid:…"> at our attachment URLs (unknown ids are left as they are)."""

    def replace(match: re.Match[str]) -> str:
        url = url_for_cid(match.group(2).strip("<>"))
        return f"{match.group(1)}{url}" if url else match.group(0)

    return _CID.sub(replace, html or "")
