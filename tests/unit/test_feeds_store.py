"""The state file: outbox semantics, revisions, retention, and upgrades of older files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.feeds.store import FeedState, StateStore
from pipeline.schema import Article


def art(aid: str, h: str) -> Article:
    return Article(id=aid, feed_id="f", source="s", url="https://x/", title="t", content_hash=h)


def test_only_the_acked_version_leaves_the_outbox(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite") as st:
        state = FeedState(feed_id="f", url="https://x/")
        (v1,) = st.diff_and_enqueue(state, [art("f:1", "h1")])
        (v2,) = st.diff_and_enqueue(state, [art("f:1", "h2")])  # edited before v1 was acked
        assert v2.revision == 0  # still never published
        st.mark_published([v1])  # the ack for the old version arrives late
        pending = st.pending()
        assert [(a.id, a.content_hash) for a in pending] == [("f:1", "h2")]
        st.mark_published(pending)
        assert st.pending_count() == 0
        (v3,) = st.diff_and_enqueue(state, [art("f:1", "h3")])
        assert v3.revision == 1  # an update of a published article
        assert st.diff_and_enqueue(state, [art("f:1", "h3")]) == []  # pending: not twice


def test_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with StateStore(path) as st:
        state = FeedState(feed_id="f", url="https://x/", etag='"e"', consecutive_failures=2)
        st.mark_published(st.diff_and_enqueue(state, [art("f:1", "h")]))
    with StateStore(path) as st:
        again = st.feed("f")
        assert again is not None and again.etag == '"e"' and again.consecutive_failures == 2
        assert st.diff_and_enqueue(again, [art("f:1", "h")]) == []
        assert st.feed("f").articles_published == 1  # type: ignore[union-attr]


def test_prune_forgets_ids_not_seen_for_the_retention(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite") as st:
        state = FeedState(feed_id="f", url="https://x/")
        st.mark_published(st.diff_and_enqueue(state, [art("f:old", "h")], now=1000), now=1000)
        st.mark_published(st.diff_and_enqueue(state, [art("f:new", "h")], now=9000), now=9000)
        assert st.prune(retention_s=5000, now=10_000) == 1
        assert st.seen_count() == 1


def test_a_state_file_from_before_body_hash_and_ttl_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE feeds (feed_id TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT,"
        " last_modified TEXT, last_attempt REAL, last_success REAL, last_new REAL,"
        " consecutive_failures INTEGER NOT NULL DEFAULT 0, last_error_kind TEXT,"
        " last_error TEXT, last_status INTEGER, next_due REAL, interval_s REAL,"
        " rate_per_s REAL, articles_published INTEGER NOT NULL DEFAULT 0, moved_to TEXT)"
    )
    conn.execute("INSERT INTO feeds (feed_id, url, etag) VALUES ('f', 'https://x/', '\"e\"')")
    conn.commit()
    conn.close()
    with StateStore(path) as st:
        state = st.feed("f")
        assert state is not None and state.etag == '"e"' and state.body_hash is None
        state.ttl_s = 60.0
        st.save_feed(state)
        assert st.feed("f").ttl_s == 60.0  # type: ignore[union-attr]
