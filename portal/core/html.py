"""HTML from outside (mail, Markdown, posts) made safe: sanitized before storage and again on output."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span",
    "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "font": {"color"},
    "*": {"dir", "lang"},
}
_SCHEMES = {"http", "https", "mailto", "cid", "tel"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def sanitize_html(html: str | None) -> str:
    """Keep structure and links; drop scripts, styles, event handlers and javascript: URLs."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> Markup:
    """Markdown to safe HTML (raw HTML in the source is escaped, then the result is sanitized)."""
    return Markup(sanitize_html(_markdown.render(text or "")))  # noqa: S704 - sanitized just above


def safe(html: str | None) -> Markup:
    """Stored HTML sanitized once more on the way out, for templates."""
    return Markup(sanitize_html(html))  # noqa: S704 - sanitized just above
