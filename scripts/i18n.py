"""Message catalogs per domain: `extract` refreshes every portal/<domain>/translations/ko catalog from the code and
templates of that domain; `fill FILE.json` puts translations ({english: korean}) into the catalogs; `check` lists
Korean strings still missing (the test suite runs the same check).

A domain is a folder with a translations/ sub-folder. Its sources are its own Python files (minus sub-folders that
are domains of their own) and the template globs in translations/sources.txt (one per line, from the checkout).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "lazy_pgettext": ((1, "c"), 2),
}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "true"}
LOCALES = ("ko",)


def domains() -> list[Path]:
    """Every folder under portal/ that keeps a catalog."""
    return sorted(p.parent for p in PORTAL.rglob("translations") if p.is_dir())


def sources(domain: Path) -> Iterator[tuple[Path, str]]:
    """(file, extraction method) of the domain."""
    others = [d for d in domains() if d != domain and domain in d.parents]
    for path in sorted(domain.rglob("*.py")):
        if not any(o in path.parents for o in others):
            yield path, "python"
    listing = domain / "translations" / "sources.txt"
    if listing.exists():
        for line in listing.read_text().splitlines():
            pattern = line.strip()
            if pattern and not pattern.startswith("#"):
                for path in sorted(ROOT.glob(pattern)):
                    yield path, "jinja2"


def extract(domain: Path) -> Catalog:
    """A template catalog of every string the domain shows."""
    catalog = Catalog(project="hana", charset="utf-8")
    for path, method in sources(domain):
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            catalog.add(
                message,
                None,
                [(str(path.relative_to(ROOT)), lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def po_path(domain: Path, locale: str) -> Path:
    return domain / "translations" / locale / "LC_MESSAGES" / "messages.po"


def update(domain: Path) -> None:
    """Refresh each locale's catalog: new strings added empty, vanished ones dropped, translations kept."""
    template = extract(domain)
    for locale in LOCALES:
        path = po_path(domain, locale)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="hana", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(
                handle,
                catalog,
                width=120,
                omit_header=False,
                sort_output=True,
                include_lineno=False,
                no_location=True,
            )


def message_key(message: object) -> str:
    """msgid, or "context|msgid" for a message with a context (pgettext)."""
    raw = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")  # type: ignore[attr-defined]
    context = getattr(message, "context", None)
    return f"{context}|{raw}" if context and raw else raw


def missing(domain: Path) -> list[str]:
    """Strings of the domain with no Korean translation (or a fuzzy one)."""
    template = extract(domain)
    path = po_path(domain, "ko")
    translated: dict = {}
    if path.exists():
        with path.open("rb") as handle:
            for message in read_po(handle, locale="ko"):
                if message.id and message.string and not message.fuzzy:
                    translated[message_key(message)] = True
    result = []
    for message in template:
        key = message_key(message)
        if message.id and key not in translated:
            result.append(key)
    return result


def fill(translations: dict[str, str]) -> int:
    """Put Korean translations (msgid → msgstr) into every catalog that has the msgid untranslated."""
    filled = 0
    for domain in domains():
        path = po_path(domain, "ko")
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="ko")
        for message in catalog:
            key = message_key(message)
            if key and key in translations and (not message.string or message.fuzzy):
                message.string = translations[key]
                message.flags.discard("fuzzy")
                filled += 1
        with path.open("wb") as handle:
            write_po(handle, catalog, width=120, sort_output=True, include_lineno=False, no_location=True)
    return filled


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "fill":
        import json

        print(f"filled {fill(json.loads(Path(argv[2]).read_text()))} messages")
        return 0
    if command == "extract":
        for domain in domains():
            update(domain)
            print(f"{domain.relative_to(ROOT)}: updated")
        return 0
    gaps = {d: missing(d) for d in domains()}
    for domain, ids in gaps.items():
        for message_id in ids:
            print(f"{domain.relative_to(ROOT)}: {message_id!r}")
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
