"""Building the alert record from an event and its novelty cluster.

Ids are deterministic (hashes of the table key, the first sighting and the alert's sequence
number in its cluster), never random or time-based: the worker is at-least-once, and a crash
between sending an alert and saving the state replays the same event into the same state, which
must rebuild the *same* alert id so consumers can drop the repeat.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from pipeline.schema import Alert, Event


def iso(ts: datetime) -> str:
    """UTC ISO 8601 with a ``Z`` and whole seconds, the format of every time in the records."""
    return ts.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time as aware UTC; naive times are taken as UTC; junk gives None."""
    if not value:
        return None
    try:
        ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def seconds_since(start: str | None, now: datetime) -> float | None:
    """Latency in seconds, rounded to ms; None when the start time is unknown.

    A negative value (a feed dating an item after we detected it) is reported as 0: the true
    latency cannot be below zero and the poller already flags such items as clamped.
    """
    ts = parse_time(start)
    if ts is None:
        return None
    return round(max(0.0, (now - ts).total_seconds()), 3)


def make_event_id(key: str, first_sighting: str) -> str:
    return hashlib.sha1(f"{key}\x1f{first_sighting}".encode()).hexdigest()[:20]


def make_alert_id(event_id: str, kind: str, seq: int) -> str:
    return hashlib.sha1(f"{event_id}\x1f{kind}\x1f{seq}".encode()).hexdigest()[:20]


def build_alert(
    event: Event,
    cluster: dict[str, Any],
    kind: str,
    reason: str,
    now: datetime,
    previous_action: str | None = None,
) -> Alert:
    """The record for ``alerts.<type>``; ``cluster`` is the novelty cluster after this sighting."""
    seq = int(cluster.get("alerts", 0))
    return Alert(
        alert_id=make_alert_id(cluster["id"], kind, seq),
        kind=kind,
        event_id=cluster["id"],
        event=event,
        headline=event.title or event.evidence[:160],
        sources=list(cluster["urls"]),
        source_count=int(cluster["n_src"]),
        independent_source_count=int(cluster["n_ind"]),
        first_seen=cluster["first"],
        detected=iso(now),
        latency_s=seconds_since(event.published, now),
        latency_fetch_s=seconds_since(event.fetched, now),
        reason=reason,
        previous_action=previous_action,
    )
