"""`search reindex` (CONTRACT.md): rebuild every index with a progress bar; `search evaluate` for analyzers."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.core import searchable


@click.group("search", cls=AppGroup)
def search() -> None:
    """Search indexes."""


@search.command("reindex")
@click.option("--kind", "kinds", multiple=True, help="Only these kinds (default: every declared kind).")
@click.option("--batch", type=int, default=500, show_default=True, help="Records loaded per database query.")
def reindex(kinds: tuple[str, ...], batch: int) -> None:
    """Rebuild the index of every searchable kind aside, then swap it in (search keeps answering)."""
    from portal.search.indexer import rebuild

    declared = searchable.sources()
    for kind in kinds:
        if kind not in declared:
            raise click.BadParameter(f"{kind!r} is not a searchable kind ({', '.join(sorted(declared))})")
    for kind in kinds or sorted(declared):
        total = declared[kind].count()
        with click.progressbar(length=total, label=f"{kind:<10}", show_pos=True, show_eta=True) as bar:
            count = rebuild(kind, progress=bar.update, batch=batch)
        click.echo(f"{kind}: {count} documents indexed")


@search.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate(path: Path) -> None:
    """Compare the analyzers on an evaluation file (recall@1, recall@5, MRR)."""
    from portal.search.evaluation import compare

    for s in compare(path):
        click.echo(
            f"{s.mode:<22} R@1 {s.recall_at_1:.3f}  R@5 {s.recall_at_5:.3f}  MRR {s.mrr:.3f}  "
            f"query {s.query_ms_median:.2f} ms  misses: {', '.join(s.misses) or '-'}"
        )
