"""The ``pending`` marker: closes the window in which a crash could repeat an alert.

Why: the alert and the novelty state go to two topics, and no order of two separate writes
survives a kill between them (alert first: a repeat; state first: a loss). So the state that
says "alerted" is written *before* the alert with a marker naming the alert and the end
offsets of its topic just before the send; the marker is cleared after the broker acked the
alert. A state that still carries the marker after a crash means "this alert may or may not
be on its topic": the alert agent reads the topic from the noted offsets (a short range: only
what was produced since), and these pure functions say what to do with what it found.

Marker in the novelty state (absent in a state written before the marker existed)::

    "pending": {"alert_id", "event_id", "kind", "topic", "offsets": {"<partition>": offset},
                "record": the alert record exactly as sent (JSON text)}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pipeline.schema import Alert

__all__ = ["PENDING", "Pending", "Resolution", "is_this_alert", "pending_of", "resolve",
           "with_pending", "without_pending"]  # fmt: skip

PENDING = "pending"
NoveltyState = dict[str, Any]


@dataclass(frozen=True)
class Pending:
    """An alert that was about to be sent when its state was written."""

    alert_id: str
    event_id: str
    kind: str
    topic: str
    offsets: dict[int, int]  # partition -> end offset noted before the send
    record: bytes


@dataclass(frozen=True)
class Resolution:
    """The state to store (marker cleared) and the record to send again, if any."""

    state: NoveltyState
    resend: Pending | None
    reason: str


def with_pending(
    state: NoveltyState, alert: Alert, record: bytes, topic: str, offsets: dict[int, int]
) -> NoveltyState:
    """``state`` plus the marker of ``alert`` (not yet sent); the input is not mutated."""
    return {
        **state,
        PENDING: {
            "alert_id": alert.alert_id,
            "event_id": alert.event_id,
            "kind": alert.kind,
            "topic": topic,
            "offsets": {str(p): int(o) for p, o in sorted(offsets.items())},
            "record": record.decode("utf-8"),
        },
    }


def without_pending(state: NoveltyState) -> NoveltyState:
    return {k: v for k, v in state.items() if k != PENDING}


def pending_of(state: NoveltyState | None) -> Pending | None:
    """The marker of a stored state; None when there is none (also every state written before
    the marker existed) or when it is unreadable (then nothing can be checked, and keeping it
    would only stall the key: the alert is then treated as sent, as before the marker)."""
    if not isinstance(state, dict):
        return None
    raw = state.get(PENDING)
    if not isinstance(raw, dict):
        return None
    try:
        offsets = {int(p): int(o) for p, o in raw["offsets"].items()}
        fields = [raw[k] for k in ("alert_id", "event_id", "kind", "topic", "record")]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if not all(isinstance(f, str) and f for f in fields) or not offsets:
        return None
    alert_id, event_id, kind, topic, record = fields
    return Pending(alert_id, event_id, kind, topic, offsets, record.encode("utf-8"))


def is_this_alert(pending: Pending, value: bytes | None) -> bool:
    """Whether a record read from the alert topic is the pending alert (same alert id, which
    is deterministic: event id, kind and sequence number)."""
    if not value:
        return False
    try:
        data = json.loads(value)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("alert_id") == pending.alert_id


def resolve(state: NoveltyState, found: bool) -> Resolution:
    """What to do with a stored state that carries a marker, given whether the alert topic
    holds the alert at or after the noted offsets: clear the marker, and send the alert again
    only if it is not there (it was never sent, or never acknowledged)."""
    pending = pending_of(state)
    cleared = without_pending(state)
    if pending is None:
        return Resolution(cleared, None, "no readable pending marker")
    if found:
        return Resolution(cleared, None, f"pending alert {pending.alert_id} found: not resent")
    return Resolution(cleared, pending, f"pending alert {pending.alert_id} missing: resent")
