"""The poller's durable state in one SQLite file: seen ids, an outbox, validators, feed health.

Why an outbox: an article is *seen* only once the broker acknowledged it, but the HTTP
validators (ETag, Last-Modified) must advance as soon as a body was read, or a broker outage
would make the poller refetch (and re-parse) everything. So new and changed articles go to the
outbox in the same transaction that stores the validators; they leave it, becoming seen, only
when Kafka acked them. Nothing is lost across a broker outage or a restart, nothing acked is
sent again, and the outbox is retried at start and on every cycle.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.schema import Article, dumps

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    feed_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_attempt REAL,
    last_success REAL,
    last_new REAL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error_kind TEXT,
    last_error TEXT,
    last_status INTEGER,
    next_due REAL,
    interval_s REAL,
    rate_per_s REAL,
    articles_published INTEGER NOT NULL DEFAULT 0,
    moved_to TEXT,
    body_hash TEXT,
    ttl_s REAL
);
CREATE TABLE IF NOT EXISTS seen (
    article_id TEXT PRIMARY KEY,
    feed_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    revision INTEGER NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_last_seen ON seen(last_seen);
CREATE TABLE IF NOT EXISTS outbox (
    article_id TEXT PRIMARY KEY,
    feed_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    revision INTEGER NOT NULL,
    payload BLOB NOT NULL,
    enqueued REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_feed ON outbox(feed_id, enqueued);
"""

TOUCH_EVERY_S = 86_400.0  # refresh seen.last_seen at most daily: retention, not bookkeeping


@dataclass
class FeedState:
    feed_id: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: float | None = None
    last_success: float | None = None
    last_new: float | None = None
    consecutive_failures: int = 0
    last_error_kind: str | None = None
    last_error: str | None = None
    last_status: int | None = None
    next_due: float | None = None
    interval_s: float | None = None
    rate_per_s: float | None = None
    articles_published: int = 0
    moved_to: str | None = None
    body_hash: str | None = None  # of the last body parsed: an identical body is not re-parsed
    ttl_s: float | None = None  # the feed's <ttl>, still honoured on 304 / identical bodies

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class StateStore:
    """Synchronous and single-threaded by design: the poller calls it from its event loop and
    each call is a few indexed statements, far cheaper than the network work around it."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Add columns that newer versions introduced to a state file made by an older one."""
        have = {row[1] for row in self.conn.execute("PRAGMA table_info(feeds)")}
        for name, decl in (("body_hash", "TEXT"), ("ttl_s", "REAL")):
            if name not in have:
                self.conn.execute(f"ALTER TABLE feeds ADD COLUMN {name} {decl}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ feeds

    def feed(self, feed_id: str) -> FeedState | None:
        cur = self.conn.execute("SELECT * FROM feeds WHERE feed_id = ?", (feed_id,))
        row = cur.fetchone()
        if row is None:
            return None
        names = [c[0] for c in cur.description]
        return FeedState(**dict(zip(names, row, strict=True)))

    def feeds(self) -> list[FeedState]:
        cur = self.conn.execute("SELECT * FROM feeds ORDER BY feed_id")
        names = [c[0] for c in cur.description]
        return [FeedState(**dict(zip(names, row, strict=True))) for row in cur.fetchall()]

    def save_feed(self, state: FeedState) -> None:
        d = state.to_dict()
        cols = ", ".join(d)
        marks = ", ".join("?" for _ in d)
        self.conn.execute(
            f"INSERT OR REPLACE INTO feeds ({cols}) VALUES ({marks})", tuple(d.values())
        )

    # ------------------------------------------------------------------ articles

    def diff(
        self, articles: Sequence[Article], now: float | None = None
    ) -> tuple[list[Article], list[str]]:
        """Which articles are new or changed (read-only). Returns them with ``revision`` set,
        plus the ids seen unchanged (to refresh their ``last_seen``).

        An article whose id is seen with the same content hash, or already pending with it,
        is not returned; a changed one is an update with revision + 1."""
        ids = [a.id for a in articles]
        seen = self._lookup("seen", ids)
        pending = self._lookup("outbox", ids)
        changed: list[Article] = []
        unchanged: list[str] = []
        for a in articles:
            p = pending.get(a.id)
            if p is not None and p[0] == a.content_hash:
                continue
            s = seen.get(a.id)
            if s is not None and s[0] == a.content_hash:
                unchanged.append(a.id)
                continue
            revision = 0
            if s is not None:
                revision = s[1] + 1
            if p is not None:
                revision = max(revision, p[1])
            a.revision = revision
            changed.append(a)
        return changed, unchanged

    def enqueue(
        self,
        state: FeedState,
        changed: Sequence[Article],
        unchanged: Sequence[str] = (),
        now: float | None = None,
    ) -> None:
        """Put ``changed`` in the outbox and save ``state`` (its validators) in one transaction."""
        now = time.time() if now is None else now
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT OR REPLACE INTO outbox"
                " (article_id, feed_id, content_hash, revision, payload, enqueued, attempts)"
                " VALUES (?, ?, ?, ?, ?, ?, 0)",
                [(a.id, a.feed_id, a.content_hash, a.revision, dumps(a), now) for a in changed],
            )
            if unchanged:
                self.conn.executemany(
                    "UPDATE seen SET last_seen = ? WHERE article_id = ? AND last_seen < ?",
                    [(now, aid, now - TOUCH_EVERY_S) for aid in unchanged],
                )
            self.save_feed(state)

    def diff_and_enqueue(
        self, state: FeedState, articles: Sequence[Article], now: float | None = None
    ) -> list[Article]:
        """:meth:`diff` then :meth:`enqueue`; returns the articles enqueued."""
        changed, unchanged = self.diff(articles, now)
        self.enqueue(state, changed, unchanged, now)
        return changed

    def _lookup(self, table: str, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" for _ in chunk)
            rows = self.conn.execute(
                f"SELECT article_id, content_hash, revision FROM {table}"
                f" WHERE article_id IN ({marks})",
                chunk,
            )
            for aid, h, rev in rows:
                found[aid] = (h, rev)
        return found

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are seen or pending."""
        return set(self._lookup("seen", ids)) | set(self._lookup("outbox", ids))

    def pending(self, feed_id: str | None = None, limit: int = 10_000) -> list[Article]:
        """Articles enqueued but not yet acknowledged, oldest first."""
        if feed_id is None:
            rows = self.conn.execute(
                "SELECT payload FROM outbox ORDER BY enqueued LIMIT ?", (limit,)
            )
        else:
            rows = self.conn.execute(
                "SELECT payload FROM outbox WHERE feed_id = ? ORDER BY enqueued LIMIT ?",
                (feed_id, limit),
            )
        return [Article.from_dict(json.loads(p)) for (p,) in rows]

    def pending_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def mark_published(self, articles: Iterable[Article], now: float | None = None) -> int:
        """The broker acked these: move them from the outbox to seen. Returns how many."""
        now = time.time() if now is None else now
        rows = [(a.id, a.feed_id, a.content_hash, a.revision) for a in articles]
        if not rows:
            return 0
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT INTO seen (article_id, feed_id, content_hash, revision, first_seen,"
                " last_seen) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(article_id) DO UPDATE SET content_hash = excluded.content_hash,"
                " revision = excluded.revision, last_seen = excluded.last_seen",
                [(*r, now, now) for r in rows],
            )
            # Only the acked version leaves the outbox; a newer one enqueued meanwhile stays.
            self.conn.executemany(
                "DELETE FROM outbox WHERE article_id = ? AND content_hash = ?",
                [(r[0], r[2]) for r in rows],
            )
            counts: dict[str, int] = {}
            for r in rows:
                counts[r[1]] = counts.get(r[1], 0) + 1
            self.conn.executemany(
                "UPDATE feeds SET articles_published = articles_published + ? WHERE feed_id = ?",
                [(n, fid) for fid, n in counts.items()],
            )
        return len(rows)

    def note_attempt(self, articles: Iterable[Article]) -> None:
        self.conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1 WHERE article_id = ?",
            [(a.id,) for a in articles],
        )

    def seen_count(self, feed_id: str | None = None) -> int:
        if feed_id is None:
            return int(self.conn.execute("SELECT COUNT(*) FROM seen").fetchone()[0])
        row = self.conn.execute("SELECT COUNT(*) FROM seen WHERE feed_id = ?", (feed_id,))
        return int(row.fetchone()[0])

    def prune(self, retention_s: float, now: float | None = None) -> int:
        """Forget seen ids not observed in any feed for ``retention_s``; keeps the file small."""
        now = time.time() if now is None else now
        cur = self.conn.execute("DELETE FROM seen WHERE last_seen < ?", (now - retention_s,))
        return cur.rowcount
