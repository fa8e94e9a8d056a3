"""Analysts' feedback: marks that mute a false alert or merge a duplicate into another event.

Why the mark carries the event's identity key: the novelty state lives in a Faust table keyed
by :func:`~pipeline.alerts.identity.event_key` and partitioned like ``news.events``. A mark is
only useful on the worker (and table partition) that owns that key, so the mark is produced to
``alerts.feedback`` on the partition Kafka's default partitioner gives the identity key, the
same partition ``news.events`` uses for it. The record key is ``<identity key>#<event id>``:
one compacted entry per marked event (a later mark of the same event replaces it), while
several marked events of one identity key never compact each other away.

The worker keeps ``{"v": 1, "marks": {event_id: mark}}`` per identity key in its ``feedback``
table (:func:`merge_mark`); :func:`apply_marks` and :func:`muted_reason` are what
:func:`pipeline.alerts.novelty.decide` does with them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.alerts.build import iso
from pipeline.alerts.identity import event_key
from pipeline.schema import Alert

MARK_KINDS = ("false", "duplicate")
MARKS_VERSION = 1
_EVENT_ID = re.compile(r"^[0-9a-f]{20}$")

Marks = dict[str, Any]


class MarkError(ValueError):
    """A mark that cannot be applied; the message names the field."""


@dataclass(frozen=True)
class Mark:
    """One analyst's verdict on one event (the value on ``alerts.feedback``)."""

    event_id: str
    kind: str  # false | duplicate
    key: str  # identity key of the event (the novelty table key)
    type: str
    action: str
    duplicate_of: str | None = None
    marked_at: str = ""
    by: str = ""
    schema: int = 1

    def record_key(self) -> bytes:
        return f"{self.key}#{self.event_id}".encode()

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "event_id": self.event_id,
            "kind": self.kind,
            "duplicate_of": self.duplicate_of,
            "key": self.key,
            "type": self.type,
            "action": self.action,
            "marked_at": self.marked_at,
            "by": self.by,
        }

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Mark:
        if raw is None:
            raise MarkError("Mark: empty record (tombstone)")
        try:
            d = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MarkError(f"Mark: not valid JSON ({exc})") from exc
        if not isinstance(d, dict) or d.get("schema") != 1:
            raise MarkError("Mark: expected a JSON object with schema 1")
        for name in ("event_id", "kind", "key", "type", "action"):
            if not isinstance(d.get(name), str) or not d[name]:
                raise MarkError(f"Mark: missing field {name!r}")
        mark = cls(
            event_id=d["event_id"],
            kind=d["kind"],
            key=d["key"],
            type=d["type"],
            action=d["action"],
            duplicate_of=d.get("duplicate_of"),
            marked_at=str(d.get("marked_at", "")),
            by=str(d.get("by", "")),
        )
        check_mark(mark)
        return mark


def check_mark(mark: Mark) -> None:
    if mark.kind not in MARK_KINDS:
        raise MarkError(f"Mark: field 'kind' is {mark.kind!r}, expected one of {MARK_KINDS}")
    if not _EVENT_ID.match(mark.event_id):
        raise MarkError(f"Mark: field 'event_id' is {mark.event_id!r}, not an event id")
    if mark.kind == "duplicate":
        if not mark.duplicate_of or not _EVENT_ID.match(mark.duplicate_of):
            raise MarkError("Mark: a duplicate needs 'duplicate_of', another event id")
        if mark.duplicate_of == mark.event_id:
            raise MarkError("Mark: an event cannot be a duplicate of itself")


def make_mark(
    alert: Alert,
    kind: str,
    duplicate_of: str | None = None,
    by: str = "",
    now: datetime | None = None,
) -> Mark:
    """The mark of ``alert``'s event; raises :class:`MarkError` for a bad kind or target."""
    mark = Mark(
        event_id=alert.event_id,
        kind=kind,
        key=event_key(alert.event),
        type=alert.event.type,
        action=alert.event.action,
        duplicate_of=duplicate_of if kind == "duplicate" else None,
        marked_at=iso(now or datetime.now(UTC)),
        by=by,
    )
    check_mark(mark)
    return mark


def empty_marks() -> Marks:
    return {"v": MARKS_VERSION, "marks": {}}


def _load(marks: Marks | None) -> Marks:
    if not isinstance(marks, dict) or not isinstance(marks.get("marks"), dict):
        return empty_marks()
    return {"v": MARKS_VERSION, "marks": dict(marks["marks"])}


def merge_mark(marks: Marks | None, mark: Mark) -> Marks:
    """The feedback table's new value for ``mark.key`` (input not mutated; the latest mark of
    an event wins, as on the compacted topic)."""
    out = _load(marks)
    out["marks"][mark.event_id] = {"kind": mark.kind, "of": mark.duplicate_of, "at": mark.marked_at}
    return out


def _union(a: list[Any], b: list[Any], limit: int) -> list[Any]:
    return [*a, *(x for x in b if x not in a)][-limit:]


def _merge_cluster(into: dict[str, Any], dup: dict[str, Any]) -> None:
    """Fold the duplicate's ledger and roles into ``into`` (mutated): its reports now count
    for the surviving event, its sighting ids still guard against replays."""
    into["urls"] = _union(into["urls"], dup["urls"], 10)
    into["url_h"] = _union(into["url_h"], dup["url_h"], 64)
    into["n_src"] = max(into["n_src"], len(into["url_h"]))
    into["groups"] = [*into["groups"], *dup["groups"]][-32:]
    into["n_ind"] = into["n_ind"] + dup["n_ind"]
    into["seen"] = _union(into["seen"], dup["seen"], 32)
    into["roles"] = {
        r: sorted(set(into["roles"].get(r, [])) | set(dup["roles"].get(r, [])))
        for r in set(into["roles"]) | set(dup["roles"])
    }
    into["first"] = min(into["first"], dup["first"])
    into["last"] = max(into["last"], dup["last"])


def apply_marks(state: dict[str, Any], marks: Marks | None) -> dict[str, Any]:
    """Merge every cluster marked as a duplicate of another cluster *of the same key* into that
    one (mutates and returns ``state``). A duplicate whose target lives under another key stays,
    and :func:`muted_reason` keeps it from alerting."""
    table = _load(marks)["marks"]
    if not table:
        return state
    by_id = {c["id"]: c for c in state["clusters"]}
    for cluster in list(state["clusters"]):
        mark = table.get(cluster["id"])
        if not mark or mark.get("kind") != "duplicate":
            continue
        target, seen = mark.get("of"), {cluster["id"]}
        while target in table and table[target].get("kind") == "duplicate" and target not in seen:
            seen.add(target)  # A dup of B, B dup of C: A goes to C
            target = table[target].get("of")
        into = by_id.get(target) if isinstance(target, str) else None
        if into is None or into is cluster:
            continue
        _merge_cluster(into, cluster)
        state["clusters"] = [c for c in state["clusters"] if c is not cluster]
        by_id.pop(cluster["id"], None)
    return state


def muted_reason(marks: Marks | None, event_id: str) -> str | None:
    """Why no alert may fire for ``event_id`` any more, or None."""
    mark = _load(marks)["marks"].get(event_id)
    if not mark:
        return None
    if mark.get("kind") == "false":
        return f"muted: analyst marked event {event_id} as a false alert"
    return f"muted: analyst marked event {event_id} as a duplicate of {mark.get('of')}"


def feedback_partition(key: str, partitions: int) -> int:
    """The partition Kafka's default (murmur2) partitioner gives ``key``, which is where
    ``news.events`` puts that identity key, and so where its table partition lives."""
    from kafka.partitioner.default import murmur2

    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def feedback_report(
    alerts: list[Alert], marks: list[Mark]
) -> list[dict[str, Any]]:
    """Per (type, action of the event's first alert): events alerted, marked false, marked
    duplicate and the marked share, so the team sees where detection fails."""
    first: dict[str, tuple[str, str]] = {}
    for alert in alerts:
        if alert.kind == "new" or alert.event_id not in first:
            first.setdefault(alert.event_id, (alert.event.type, alert.event.action))
    latest = {m.event_id: m for m in marks}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for event_id, (etype, action) in first.items():
        row = rows.setdefault(
            (etype, action),
            {"type": etype, "action": action, "events": 0, "false": 0, "duplicate": 0},
        )
        row["events"] += 1
        mark = latest.get(event_id)
        if mark is not None:
            row[mark.kind] += 1
    out = []
    for key in sorted(rows):
        row = rows[key]
        row["marked_share"] = round((row["false"] + row["duplicate"]) / row["events"], 3)
        out.append(row)
    return out
