"""Community posts as searchable documents: the question with its answers (accepted first, then staff, then by
votes), public to everyone; held, hidden and merged posts leave the index."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from portal.community.content import plain_text
from portal.community.links import post_path
from portal.community.models import Post, Reply
from portal.core import searchable
from portal.core.searchable import Document
from portal.extensions import db

BODY_CHARS = 20000


class PostSource:
    """Kind "post": one document per thread, so that a search finds the question and the answer together."""

    kind = "post"

    def load(self, ids: list[int]) -> list[Document]:
        posts = db.session.scalars(sa.select(Post).where(Post.id.in_(ids), Post.state == "published")).all()
        if not posts:
            return []
        answers: dict[int, list[Reply]] = {p.id: [] for p in posts}
        rows = db.session.scalars(
            sa.select(Reply)
            .where(Reply.post_id.in_(list(answers)), Reply.state == "published")
            .order_by(Reply.post_id, Reply.id)
        )
        for reply in rows:
            answers[reply.post_id].append(reply)
        return [self._document(post, answers[post.id]) for post in posts]

    def _document(self, post: Post, replies: list[Reply]) -> Document:
        def rank(reply: Reply) -> tuple[int, int, int]:
            return (reply.id != post.accepted_reply_id, not reply.staff, -reply.score)

        texts = [plain_text(post.body_html)] + [plain_text(r.body_html) for r in sorted(replies, key=rank)]
        accepted = next((r for r in replies if r.id == post.accepted_reply_id), None)
        return Document(
            kind="post",
            id=post.id,
            title=post.title,
            body="\n\n".join(texts)[:BODY_CHARS],
            url=post_path(post.id),
            visibility=["public"],
            updated_at=post.updated_at,
            locale=post.locale,
            tags=post.tags,
            category=post.topic.name if post.topic else None,
            extra={
                "score": post.score,
                "replies": post.reply_count,
                "solved": accepted is not None,
                "accepted_reply_id": post.accepted_reply_id,
                "accepted_answer": plain_text(accepted.body_html)[:500] if accepted else None,
                "staff_answered": any(r.staff for r in replies),
                "topic": post.topic.slug if post.topic else None,
            },
        )

    def batches(self, size: int) -> Iterator[list[int]]:
        return searchable.id_batches(Post.id, size, Post.state == "published")

    def count(self) -> int:
        return searchable.row_count(Post.id, Post.state == "published")


searchable.register(PostSource())
