"""Indexes: built aside and swapped, rebuilt when lost or corrupt while search keeps answering, one writer."""

from __future__ import annotations

import shutil
import threading
import time

from portal.knowledge import service as knowledge
from portal.search import indexer, service
from portal.search.cli import reindex


def titles(text, **kw):
    return [h.title for h in service.search(text, **kw).groups.get("article", [])]


def test_reindex_rebuilds_every_kind_with_a_progress_bar(app, db, index, make_article, make_ticket):
    make_article("환불 안내", "환불은 3일")
    make_ticket(subject="요금 문의", text="요금")
    shutil.rmtree(index.root)
    assert titles("환불") == []
    result = app.test_cli_runner().invoke(reindex, [])
    assert result.exit_code == 0, result.output
    assert "article: 1 documents indexed" in result.output and "ticket:" in result.output
    assert titles("환불") == ["환불 안내"]


def test_a_rebuild_swaps_in_a_new_generation_and_keeps_changes_made_meanwhile(db, index, make_article, agent):
    first = make_article("환불 안내", "환불은 3일")
    before = index.current("article")
    original_fill = indexer._fill

    def fill_then_change(*args, **kwargs):
        count = original_fill(*args, **kwargs)
        knowledge.update_article(first, agent, title="환불 안내 (개정)")  # a change while the rebuild ran
        db.session.commit()
        return count

    indexer._fill = fill_then_change
    try:
        indexer.rebuild("article")
    finally:
        indexer._fill = original_fill
    assert index.current("article") != before
    assert titles("환불") == ["환불 안내 (개정)"]


def test_a_lost_index_answers_empty_then_is_rebuilt(db, index, make_article):
    make_article("비밀번호 재설정", "비밀번호 찾기")
    shutil.rmtree(index.folder("article") / index.current("article"))
    index.forget()
    results = service.search("비밀번호")  # jobs run inline in tests: the rebuild it asks for runs now
    assert "article" in results.unavailable  # (and any other kind this fresh store never built)
    assert titles("비밀번호") == ["비밀번호 재설정"]


def test_a_corrupt_index_never_breaks_a_page_and_is_replaced(client, db, index, make_article):
    make_article("비밀번호 재설정", "비밀번호 찾기")
    folder = index.folder("article") / index.current("article")
    for path in folder.iterdir():
        path.write_bytes(b"\x00garbage")
    index.forget()
    page = client.get("/search", query_string={"q": "비밀번호"})
    assert page.status_code == 200
    assert titles("비밀번호") == ["비밀번호 재설정"]


def test_a_change_to_a_lost_index_starts_a_fresh_one_and_a_rebuild(db, index, make_article, agent):
    old = make_article("요금제 변경", "요금제")
    shutil.rmtree(index.folder("article"))
    index.forget()
    make_article("로밍 신청", "로밍")  # indexed into a fresh index; the rebuild brings the old one back
    assert titles("로밍") == ["로밍 신청"] and titles("요금제") == [old.title]


def test_writers_of_one_kind_wait_for_each_other(index):
    order: list[str] = []
    entered = threading.Event()

    def hold() -> None:
        with index.write_lock("article"):
            entered.set()
            order.append("first in")
            threading.Event().wait(0.3)
            order.append("first out")

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(2)
    with index.write_lock("article", timeout=5):
        order.append("second in")
    thread.join()
    assert order == ["first in", "first out", "second in"]


def test_deleting_an_article_removes_it_from_search(db, index, make_article):
    article = make_article("삭제될 글", "환불")
    knowledge.delete_article(article)
    db.session.commit()
    assert titles("환불") == []


def test_a_failed_commit_releases_the_index_for_the_next_write(db, index, make_article, monkeypatch):
    from whoosh.writing import SegmentWriter

    make_article("첫 글", "환불")
    real_commit = SegmentWriter.commit

    def broken_commit(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(SegmentWriter, "commit", broken_commit)
    make_article("실패한 글", "환불")  # the change is kept in the outbox for a retry; the lock is let go
    monkeypatch.setattr(SegmentWriter, "commit", real_commit)
    started = time.monotonic()
    make_article("다음 글", "환불")
    assert time.monotonic() - started < 5  # not 30 s waiting on a lock the failed writer kept
    assert "다음 글" in titles("환불")
