"""Community board at scale: board and thread pages, votes and new posts with many posts in the database.

    .venv/bin/python -m bench.community --posts 100000 --replies 200000 [--database-url postgresql+psycopg://…]

Builds a throwaway instance (SQLite in a temporary folder unless --database-url), bulk-loads posts, tags and
replies, then times real requests through the app (test client, full rendering) and service calls. Prints the
median and p95 of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

TOPICS = ("billing", "internet", "mobile", "app", "stories")
TAGS = ("로밍", "esim", "요금", "인터넷", "공유기", "iptv", "환불", "앱", "로그인", "해지")


def measure(label: str, fn: Callable[[], Any], runs: int) -> None:
    """Run `fn` `runs` times and print the median and p95 in milliseconds."""
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{label:<44} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   ({runs} runs)")


def load(posts: int, replies: int) -> dict[str, Any]:
    """Bulk rows: users, topics, posts with tags, replies (plain INSERTs, as a migration would)."""
    from portal.accounts import service as accounts
    from portal.community import configure
    from portal.community.models import Post, PostTag, Reply
    from portal.core.db import utcnow
    from portal.extensions import db

    people = [  # only the first signs in: hashing fifty passwords would time the hash, not the board
        accounts.create_user(
            f"bench{i}@example.com", f"Bench {i}", password="password-123" if i == 1 else None
        )
        for i in range(50)
    ]
    topics = [configure.save_topic(None, slug=s, name=s, name_en=s) for s in TOPICS]
    db.session.commit()
    now = utcnow()
    rng = random.Random(7)
    batch = 5000
    for start in range(0, posts, batch):
        rows = []
        for i in range(start, min(posts, start + batch)):
            at = now - timedelta(minutes=posts - i)
            rows.append(
                {
                    "topic_id": topics[i % len(topics)].id,
                    "author_id": people[i % len(people)].id,
                    "title": f"질문 {i}: 로밍 요금제와 인터넷 속도",
                    "body": "데이터 로밍 요금제를 바꾸고 싶어요.",
                    "body_html": "<p>데이터 로밍 요금제를 바꾸고 싶어요.</p>",
                    "locale": "ko",
                    "state": "published",
                    "needs_review": False,
                    "pinned": False,
                    "locked": False,
                    "score": rng.randint(-2, 40),
                    "flag_count": 0,
                    "staff": False,
                    "fingerprint": f"{i:064x}",
                    "sour_terms": [],
                    "reply_count": 0,
                    "created_at": at,
                    "updated_at": at,
                    "last_activity_at": at,
                }
            )
        db.session.execute(sa.insert(Post), rows)
        db.session.commit()
    ids = db.session.scalars(sa.select(Post.id).order_by(Post.id)).all()
    tag_rows = [{"post_id": pid, "name": TAGS[pid % len(TAGS)]} for pid in ids]
    tag_rows += [{"post_id": pid, "name": TAGS[(pid * 7 + 3) % len(TAGS)]} for pid in ids if pid % 3 == 0]
    for start in range(0, len(tag_rows), 20000):
        db.session.execute(sa.insert(PostTag), tag_rows[start : start + 20000])
    for start in range(0, replies, batch):
        rows = [
            {
                "post_id": ids[rng.randrange(len(ids))],
                "author_id": people[i % len(people)].id,
                "body": "앱에서 바꿀 수 있어요.",
                "body_html": "<p>앱에서 바꿀 수 있어요.</p>",
                "state": "published",
                "needs_review": False,
                "score": 0,
                "flag_count": 0,
                "staff": i % 10 == 0,
                "fingerprint": f"r{i:063x}",
                "sour_terms": [],
                "created_at": now,
                "updated_at": now,
            }
            for i in range(start, min(replies, start + batch))
        ]
        db.session.execute(sa.insert(Reply), rows)
        db.session.commit()
    counts = (
        sa.select(Reply.post_id, sa.func.count()).where(Reply.state == "published").group_by(Reply.post_id)
    )
    for post_id, count in db.session.execute(counts).all():
        db.session.execute(sa.update(Post).where(Post.id == post_id).values(reply_count=count))
    from portal.community.service import recount_topic

    for topic in topics:
        recount_topic(topic.id)
    db.session.commit()
    busiest = db.session.scalar(sa.select(Post.id).order_by(Post.reply_count.desc()).limit(1))
    return {"people": people, "ids": ids, "busiest": busiest}


def main() -> None:
    """Build, load and time."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    folder = tempfile.mkdtemp(prefix="hana-bench-community-")
    app = create_app(
        {
            "PORTAL_INSTANCE": folder,
            "DATABASE_URL": args.database_url or f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench-" + "x" * 30,
            "JOBS_IMMEDIATE": True,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        start = time.perf_counter()
        data = load(args.posts, args.replies)
        print(f"loaded {args.posts} posts and {args.replies} replies in {time.perf_counter() - start:.1f} s")
    client = app.test_client()
    client.post("/login", data={"email": "bench1@example.com", "password": "password-123"})
    deep: dict[str, str] = {}

    def page(path: str) -> Callable[[], None]:
        def get() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return get

    with app.app_context():
        from portal.community import queries
        from portal.core.api import encode_cursor

        rows = db.session.scalars(queries.board_page(queries.BoardFilter(), after=None, limit=5000)).all()
        deep["after"] = encode_cursor(queries.cursor_of(rows[-1], "latest"))
    measure("board, latest (first page)", page("/community/"), args.runs)
    measure("board, page after 5,000 posts (keyset)", page(f"/community/?after={deep['after']}"), args.runs)
    measure("board, most votes", page("/community/?sort=top"), args.runs)
    measure("board, unanswered", page("/community/?sort=unanswered"), args.runs)
    measure("topic page", page("/community/topics/mobile"), args.runs)
    measure("tag page", page("/community/tags/esim"), args.runs)
    measure("thread with the most replies", page(f"/community/posts/{data['busiest']}"), args.runs)
    measure("API list of posts", page("/api/v1/posts?limit=25"), args.runs)
    counter = iter(range(10**9))

    def new_post() -> None:
        n = next(counter)
        response = client.post(
            "/community/new", data={"title": f"벤치 질문 {n}", "body": f"새 질문 내용 {n}"}
        )
        assert response.status_code == 302

    measure("new post (spam checks, timeline, outbox)", new_post, args.runs)
    voters = iter(data["people"][2:])

    def vote() -> None:
        with app.app_context():
            from portal.community import service
            from portal.community.models import Post

            post = db.session.get(Post, data["ids"][len(data["ids"]) // 2])
            service.vote(db.session.merge(next(voters)), post, 1)
            db.session.commit()

    measure("vote (service, one commit)", vote, min(args.runs, len(data["people"]) - 3))


if __name__ == "__main__":
    main()
