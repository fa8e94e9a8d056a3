"""The analysts' index: recent alerts in SQLite, built by consuming the alert topics.

Why SQLite and not a rebuild from the topics at every start: the alert topics keep weeks of
alerts, and replaying them all before the page answers would make a restart slow and its cost
grow with retention. Each consumed batch is written *with the next offsets in the same
transaction*, so after a crash or kill -9 the index resumes exactly after what it holds:
nothing missing, nothing doubled (alerts are also upserted by event id, so even a replay would
not double a row). Bounded: only the ``max_alerts`` most recently detected events are kept.
Deleting the file is always safe: the next start rebuilds it from the topics (as far as their
retention reaches).

One row per *event* (its latest alert), because the Atom feed must have one entry per event
id and the page shows an event's current state; ``n_alerts`` counts the new/update alerts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.alerts.feedback import Mark
from pipeline.schema import ROLES, Alert

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    event_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    action TEXT NOT NULL,
    kind TEXT NOT NULL,
    detected TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    actors TEXT NOT NULL,       -- ' RUS USA PRK ': space-delimited canonical ids
    search TEXT NOT NULL,       -- lower-case headline, evidence, actor names, source
    n_alerts INTEGER NOT NULL,
    record TEXT NOT NULL        -- the latest alert's JSON, as on the topic
);
CREATE INDEX IF NOT EXISTS alerts_detected ON alerts(detected);
CREATE TABLE IF NOT EXISTS offsets (
    topic TEXT NOT NULL, part INTEGER NOT NULL, next_offset INTEGER NOT NULL,
    PRIMARY KEY (topic, part)
);
CREATE TABLE IF NOT EXISTS marks (
    event_id TEXT PRIMARY KEY, kind TEXT NOT NULL, duplicate_of TEXT, marked_at TEXT, by TEXT
);
"""


@dataclass(frozen=True)
class Filters:
    """What the page, the feeds and the API filter by (all optional, combined with AND)."""

    type: str | None = None
    action: str | None = None
    actor: str | None = None
    q: str | None = None
    event_id: str | None = None  # one event (the links in feeds and Alertmanager)
    limit: int = 200


@dataclass
class Entry:
    """One event as the index holds it: its latest alert and what analysts said about it."""

    alert: Alert
    record: dict[str, Any]
    n_alerts: int
    mark: dict[str, Any] | None


def actor_ids(alert: Alert) -> list[str]:
    ev = alert.event
    return [a.id for role in ROLES.get(ev.type, tuple(ev.roles)) for a in ev.roles.get(role, [])]


def _search_text(alert: Alert) -> str:
    names = " ".join(
        f"{a.id} {a.name}" for actors in alert.event.roles.values() for a in actors
    )
    return " ".join([alert.headline, alert.event.evidence, names, alert.event.source]).lower()


class AlertIndex:
    """Thread-safe: one writer (the follower) and many readers (HTTP handler threads)."""

    def __init__(self, path: Path, max_alerts: int = 5000):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_alerts = max_alerts
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def offsets(self) -> dict[tuple[str, int], int]:
        with self._lock:
            rows = self._db.execute("SELECT topic, part, next_offset FROM offsets").fetchall()
        return {(t, p): o for t, p, o in rows}

    def ingest(
        self,
        alerts: Iterable[Alert],
        marks: Iterable[Mark],
        next_offsets: dict[tuple[str, int], int],
    ) -> None:
        """Store a consumed batch and the offsets after it in one transaction."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for alert in alerts:
                    self._upsert(alert)
                for mark in marks:
                    db.execute(
                        "INSERT OR REPLACE INTO marks VALUES (?, ?, ?, ?, ?)",
                        (mark.event_id, mark.kind, mark.duplicate_of, mark.marked_at, mark.by),
                    )
                for (topic, part), offset in next_offsets.items():
                    db.execute(
                        "INSERT OR REPLACE INTO offsets VALUES (?, ?, ?)", (topic, part, offset)
                    )
                db.execute(
                    "DELETE FROM alerts WHERE event_id NOT IN "
                    "(SELECT event_id FROM alerts ORDER BY detected DESC LIMIT ?)",
                    (self.max_alerts,),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _upsert(self, alert: Alert) -> None:
        row = self._db.execute(
            "SELECT detected, n_alerts, json_extract(record, '$.alert_id') FROM alerts "
            "WHERE event_id = ?",
            (alert.event_id,),
        ).fetchone()
        if row and row[2] == alert.alert_id:
            return  # the worker's at-least-once repeat of the latest alert: same deterministic id
        n_alerts = 1 + (row[1] if row else 0)
        if row and row[0] > alert.detected:  # an older alert of a known event: count only
            self._db.execute(
                "UPDATE alerts SET n_alerts = ? WHERE event_id = ?", (n_alerts, alert.event_id)
            )
            return
        self._db.execute(
            "INSERT OR REPLACE INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                alert.event_id,
                alert.event.type,
                alert.event.action,
                alert.kind,
                alert.detected,
                alert.first_seen,
                " " + " ".join(actor_ids(alert)) + " ",
                _search_text(alert),
                n_alerts,
                json.dumps(alert.to_dict(), ensure_ascii=False),
            ),
        )

    def query(self, f: Filters) -> list[Entry]:
        """Events newest first (by their latest alert's detection time)."""
        where: list[str] = []
        args: list[Any] = []
        if f.type:
            where.append("a.type = ?")
            args.append(f.type)
        if f.action:
            where.append("a.action = ?")
            args.append(f.action)
        if f.actor:
            where.append("a.actors LIKE ?")
            args.append(f"% {f.actor.strip()} %")
        if f.event_id:
            where.append("a.event_id = ?")
            args.append(f.event_id)
        if f.q:
            for word in f.q.lower().split():
                where.append("a.search LIKE ? ESCAPE '\\'")
                escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                args.append(f"%{escaped}%")
        sql = (
            "SELECT a.record, a.n_alerts, m.kind, m.duplicate_of, m.marked_at, m.by "
            "FROM alerts a LEFT JOIN marks m ON m.event_id = a.event_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.detected DESC, a.event_id LIMIT ?"
        args.append(max(1, f.limit))
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_entry(*row) for row in rows]

    def get(self, event_id: str) -> Entry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT a.record, a.n_alerts, m.kind, m.duplicate_of, m.marked_at, m.by "
                "FROM alerts a LEFT JOIN marks m ON m.event_id = a.event_id "
                "WHERE a.event_id = ?",
                (event_id,),
            ).fetchone()
        return _entry(*row) if row else None

    def facets(self) -> dict[str, list[str]]:
        """The types, actions and actors present, for the page's filter menus."""
        with self._lock:
            rows = self._db.execute("SELECT type, action, actors FROM alerts").fetchall()
        actors = sorted({a for _, _, ids in rows for a in ids.split()})
        return {
            "type": sorted({r[0] for r in rows}),
            "action": sorted({r[1] for r in rows}),
            "actor": actors,
        }


def _entry(
    record: str, n_alerts: int, kind: str | None, dup: str | None, at: str | None, by: str | None
) -> Entry:
    data = json.loads(record)
    mark = None if kind is None else {"kind": kind, "duplicate_of": dup, "marked_at": at, "by": by}
    return Entry(Alert.from_dict(data), data, n_alerts, mark)
