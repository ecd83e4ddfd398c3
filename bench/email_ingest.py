"""Ingest many varied messages through the email channel (parse, dedupe, thread, store, outbox) and report speed;
then the peak memory of one 30 MB message.

    .venv/bin/python -m bench.email_ingest --messages 10000
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python -m bench.email_ingest

Runs in a throwaway instance folder (SQLite unless DATABASE_URL is set), with threading on, the real task queue
(Huey on SQLite; no consumer runs, so acknowledgements wait in the outbox as they would for a busy worker).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

SUBJECTS = ["요금이 두 번 청구됐어요", "인터넷이 자주 끊겨요", "Roaming in Japan", "카드 분실 신고", "해지 위약금 문의",
            "Invoice copy please", "배송 지연", "비밀번호 재설정", "단말기 할부", "Refund status"]  # fmt: skip
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def corpus(count: int, seed: int = 7) -> list[bytes]:
    """Varied mail: new questions, header replies, [#ref]-less subject replies, HTML-only, files, Korean
    charsets, auto-replies and duplicates, from a population of returning customers."""
    rng = random.Random(seed)
    sent: list[tuple[str, str, str]] = []  # (sender, subject, message id)
    out = []
    for n in range(count):
        kind = rng.random()
        sender = f"customer{rng.randrange(count // 3 + 1)}@example.kr"
        subject = f"{rng.choice(SUBJECTS)} {rng.randrange(count // 2)}"
        mail = EmailMessage()
        headers = {}
        if sent and kind < 0.30:  # a reply by headers
            sender, subject, parent = rng.choice(sent)
            subject = "Re: " + subject
            headers = {"In-Reply-To": parent, "References": parent}
        elif sent and kind < 0.40:  # a reply without headers: subject match
            sender, subject, _ = rng.choice(sent)
            subject = "회신: " + subject
        elif sent and kind < 0.43:  # the same message delivered twice
            out.append(out[rng.randrange(len(out))])
            continue
        mail["From"] = f"고객 {n} <{sender}>"
        mail["To"] = "support@hana.example"
        mail["Subject"] = subject
        mail["Message-ID"] = f"<bench-{n}@example.kr>"
        for name, value in headers.items():
            mail[name] = value
        if kind > 0.97:
            mail["Auto-Submitted"] = "auto-replied"
        text = f"안녕하세요. {subject} 관련 문의입니다. 주문번호 {n}.\n\n2024년 3월 5일 (화) 오후 2:13, 하나 <support@hana.example>님이 작성:\n> 이전 메일"
        if 0.85 < kind <= 0.90:
            mail.set_content(f"<p>{text}</p><p><b>HTML</b> only</p>", subtype="html")
        elif 0.90 < kind <= 0.94:
            mail.set_content(text)
            mail.add_attachment(PNG, maintype="image", subtype="png", filename=f"화면{n}.png")
        else:
            mail.set_content(text)
        raw = mail.as_bytes()
        if 0.94 < kind <= 0.97:  # an old Korean client: CP949 labelled ks_c_5601-1987
            raw = raw.replace(b'charset="utf-8"', b'charset="ks_c_5601-1987"')
        out.append(raw)
        sent.append((sender, subject.removeprefix("Re: ").removeprefix("회신: "), mail["Message-ID"]))
    return out


def _app(instance: Path):
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({"PORTAL_INSTANCE": str(instance), "DATABASE_URL": os.environ.get("DATABASE_URL")})
    with app.app_context():
        upgrade()
    return app


def run_ingest(count: int, batch: int = 1) -> dict:
    """Ingest `count` messages, one commit each (batch 1, as the webhook and a single pipe do) or `batch`
    messages per commit (as `mail ingest` of many files does); per-message times and the overall rate."""
    import sqlalchemy as sa

    from portal.channels.email.batch import committed
    from portal.channels.email.ingest import ingest
    from portal.extensions import db

    instance = Path(tempfile.mkdtemp(prefix="hana-bench-mail-"))
    app = _app(instance)
    messages = corpus(count)
    times: list[float] = []
    outcomes: dict[str, int] = {}
    statements = [0]
    with app.app_context():
        sa.event.listen(
            db.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1)
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        mark = started
        for done in committed(messages, lambda data: ingest(data, source="pipe"), size=batch):
            now = time.perf_counter()
            times.append(now - mark)
            mark = now
            outcome = done.result.outcome if done.result else "error"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        # A batch's messages come out together once it committed: each gets an equal share of its time.
        chunks = [times[i : i + batch] for i in range(0, len(times), batch)]
        times = [sum(chunk) / len(chunk) for chunk in chunks for _ in chunk]
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    times.sort()
    return {
        "messages": count,
        "batch": batch,
        "seconds": round(total, 2),
        "per_second": round(count / total, 1),
        # On a shared machine wall time includes waiting for a core; CPU time says what one idle core does.
        "per_cpu_second": round(count / cpu, 1),
        "cpu_ms_per_message": round(cpu * 1000 / count, 2),
        "statements_per_message": round(statements[0] / count, 2),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 2),
        "outcomes": outcomes,
        "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
    }


def big_message_memory() -> dict:
    """In a fresh process: peak memory (RSS and Python allocations) while ingesting one 30 MB message."""
    code = """
import json, resource, tempfile, time, tracemalloc
from email.message import EmailMessage
from pathlib import Path
from bench.email_ingest import _app
from portal.channels.email.ingest import ingest
from portal.extensions import db
app = _app(Path(tempfile.mkdtemp(prefix="hana-bench-big-")))
big = EmailMessage()
big["From"] = "big@example.kr"; big["To"] = "support@hana.example"; big["Subject"] = "30 MB"
big.set_content("동영상과 문서를 보냅니다.")
big.add_attachment(bytes(range(256)) * (12 * 4096), maintype="video", subtype="mp4", filename="a.mp4")
big.add_attachment(bytes(range(256)) * (11 * 4096), maintype="application", subtype="pdf", filename="b.pdf")
data = big.as_bytes()
with app.app_context():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    t0 = time.perf_counter()
    result = ingest(data, source="pipe"); db.session.commit()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"size_mb": round(len(data) / 2**20, 1), "outcome": result.outcome, "seconds": round(seconds, 2),
    "python_peak_mb": round(peak / 2**20, 1), "rss_before_mb": round(before / 1024, 1), "rss_peak_mb": round(after / 1024, 1)}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1, help="messages per commit (1: one commit each)")
    parser.add_argument("--skip-big", action="store_true", help="skip the 30 MB memory measurement")
    args = parser.parse_args()
    print(json.dumps({"ingest": run_ingest(args.messages, args.batch)}, ensure_ascii=False))
    if not args.skip_big:
        print(json.dumps({"big_message": big_message_memory()}))


if __name__ == "__main__":
    main()
