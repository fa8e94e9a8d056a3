"""Novelty: one alert per real-world event, an update only when something analysts care about
changes. Pure functions over a JSON-able state, kept by the worker in a changelog-backed Faust
table under :func:`event_key` (so the state survives restarts and rebalances).

State of one key (``NoveltyState``)::

    {"v": 1, "clusters": [cluster, ...]}       # at most MAX_CLUSTERS, most recent last
    cluster = {
      "id": event id, "cls": action class, "action": highest action alerted, "rank": its rank,
      "roles": {role: [actor ids]} (union of all sightings), "first"/"last": ISO times,
      "urls", "url_h", "n_src", "groups", "n_ind": the source ledger (pipeline.alerts.sources),
      "seen": recent sighting ids (replay guard), "alerts": alerts fired, "corr": corroborated?
    }

Decisions, in order: a replay (same sighting id) changes nothing; a negated, hypothetical or
low-confidence sighting is suppressed (no alert, no count) unless settings allow it; a sighting
matching no live cluster opens one and fires ``new``; one matching a cluster counts its source
and fires ``update`` when the action climbs the ladder of its class (see
:mod:`pipeline.alerts.identity`) or when independent sources first reach the corroboration
threshold. Clusters not seen for ``novelty_window_days`` expire (a sliding window in
processing time: an ongoing story stays one event while it keeps being reported).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline.alerts.build import build_alert, iso, make_event_id, parse_time
from pipeline.alerts.feedback import Marks, apply_marks, muted_reason
from pipeline.alerts.identity import (
    action_class,
    action_rank,
    check_event,
    event_key,
    role_ids,
    role_overlap,
    roles_compatible,
    sighting_id,
)
from pipeline.alerts.sources import add_report, fingerprint, new_ledger, outlet_of
from pipeline.config import EventSettings
from pipeline.schema import Alert, Event

__all__ = ["STATE_VERSION", "Decision", "NoveltyState", "decide", "event_key"]

STATE_VERSION = 1
MAX_CLUSTERS = 8  # per key; the least recently seen goes first
MAX_SEEN = 32  # sighting ids kept per cluster for the replay guard

NoveltyState = dict[str, Any]


@dataclass
class Decision:
    """What to do with one sighting: the table's new value, the alert to send (or None), why."""

    state: NoveltyState
    alert: Alert | None
    reason: str
    event_id: str | None = None  # the cluster the sighting joined, when it joined one


def empty_state() -> NoveltyState:
    return {"v": STATE_VERSION, "clusters": []}


def _load(state: NoveltyState | None) -> tuple[NoveltyState, str]:
    """A private copy of the stored state; an unreadable one is replaced, and the reason says so
    (losing the state of one key can at worst repeat one alert, refusing it would stall)."""
    if state is None:
        return empty_state(), ""
    if (
        not isinstance(state, dict)
        or state.get("v") != STATE_VERSION
        or not isinstance(state.get("clusters"), list)
    ):
        return empty_state(), "unreadable state replaced; "
    # a JSON round trip copies 2x faster than copy.deepcopy and keeps the state JSON-pure
    st = json.loads(json.dumps(state))
    good = [c for c in st["clusters"] if _cluster_ok(c)]
    note = "" if len(good) == len(st["clusters"]) else "malformed clusters dropped; "
    st["clusters"] = good
    return st, note


_CLUSTER_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str, "cls": str, "action": str, "rank": int, "roles": dict, "first": str,
    "last": str, "urls": list, "url_h": list, "n_src": int, "groups": list, "n_ind": int,
    "seen": list, "alerts": int, "corr": bool,
}  # fmt: skip


def _cluster_ok(cluster: Any) -> bool:
    """A cluster this code can update without a KeyError (which would dead-letter the event)."""
    return isinstance(cluster, dict) and all(
        isinstance(cluster.get(k), t) for k, t in _CLUSTER_TYPES.items()
    )


def _expire(state: NoveltyState, now: datetime, window: timedelta) -> None:
    live = []
    for cluster in state["clusters"]:
        last = parse_time(cluster.get("last"))
        if last is not None and now - last <= window:
            live.append(cluster)
    state["clusters"] = live


def _describe(event: Event) -> str:
    roles = " ".join(
        f"{r}={'+'.join(sorted({a.id for a in event.roles.get(r, [])})) or '?'}"
        for r in role_ids(event)
    )
    return f"{event.type} {event.action} {roles}"


def _suppressed(event: Event, settings: EventSettings) -> str | None:
    if event.negated and not settings.alert_on_negated:
        return "suppressed: negated"
    if event.hypothetical and not settings.alert_on_hypothetical:
        return "suppressed: hypothetical"
    if event.confidence < settings.min_confidence:
        return f"suppressed: confidence {event.confidence:.2f} < {settings.min_confidence:.2f}"
    return None


def _match(state: NoveltyState, cls: str, roles: dict[str, list[str]]) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    best_score: tuple[int, str] = (-1, "")
    for cluster in state["clusters"]:
        if cluster["cls"] != cls or not roles_compatible(cluster["roles"], roles):
            continue
        score = (role_overlap(cluster["roles"], roles), cluster["last"])
        if score > best_score:
            best, best_score = cluster, score
    return best


def _count(cluster: dict[str, Any], event: Event, fp_text: str | None) -> tuple[bool, bool]:
    fp = fingerprint(fp_text if fp_text is not None else (event.evidence or event.title))
    return add_report(cluster, event.url, outlet_of(event.source, event.url), fp)


def decide(
    state: NoveltyState | None,
    event: Event,
    now: datetime,
    settings: EventSettings,
    fingerprint_text: str | None = None,
    marks: Marks | None = None,
) -> Decision:
    """Decide about one sighting of ``event`` given the stored state of ``event_key(event)``.

    ``now`` is the processing time (aware; naive is taken as UTC). ``fingerprint_text``
    optionally replaces the evidence sentence as the text compared for wire copies (e.g. the
    article body, when the caller has it). ``marks`` are the analysts' marks of this key
    (:mod:`pipeline.alerts.feedback`): a duplicate is merged into its event first, and a
    sighting of an event marked false (or a duplicate of another key's event) is counted but
    fires nothing. The input state is never mutated. Raises
    :class:`~pipeline.alerts.identity.EventIdentityError` for an event outside the vocabulary.
    """
    check_event(event)
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    key = event_key(event)
    st, note = _load(state)
    _expire(st, now, timedelta(days=settings.novelty_window_days))
    apply_marks(st, marks)

    sid = sighting_id(event)
    for cluster in st["clusters"]:
        if sid in cluster["seen"]:
            reason = f"{note}replay: sighting {sid} already counted"
            return Decision(st, None, reason, cluster["id"])

    suppressed = _suppressed(event, settings)
    if suppressed:
        return Decision(st, None, f"{note}{suppressed} ({_describe(event)})")

    cls = action_class(event.type, event.action)
    rank = action_rank(event.type, event.action)
    roles = role_ids(event)
    cluster = _match(st, cls, roles)

    if cluster is None:
        cluster = {
            "id": make_event_id(key, sid),
            "cls": cls,
            "action": event.action,
            "rank": rank,
            "roles": roles,
            "first": iso(now),
            "last": iso(now),
            **new_ledger(),
            "seen": [sid],
            "alerts": 0,
            "corr": False,
        }
        _count(cluster, event, fingerprint_text)
        reason = f"{note}new: first sighting of {_describe(event)}"
        alert = build_alert(event, cluster, "new", reason, now)
        cluster["alerts"] = 1
        st["clusters"] = [*st["clusters"], cluster][-MAX_CLUSTERS:]
        return Decision(st, alert, reason, cluster["id"])

    new_url, new_independent = _count(cluster, event, fingerprint_text)
    cluster["seen"] = [*cluster["seen"], sid][-MAX_SEEN:]
    cluster["last"] = iso(now)
    cluster["roles"] = {
        r: sorted(set(cluster["roles"].get(r, [])) | set(roles.get(r, [])))
        for r in set(cluster["roles"]) | set(roles)
    }
    # most recently seen last, so the cap drops the stalest cluster
    st["clusters"] = [c for c in st["clusters"] if c is not cluster] + [cluster]

    why: list[str] = []
    previous: str | None = None
    if rank > cluster["rank"]:
        previous = cluster["action"]
        why.append(f"action {previous} -> {event.action}")
        cluster["action"], cluster["rank"] = event.action, rank
    if not cluster["corr"] and cluster["n_ind"] >= settings.corroboration_threshold:
        why.append(f"corroborated by {cluster['n_ind']} independent sources")
        cluster["corr"] = True
    counts = f"{cluster['n_src']} reports, {cluster['n_ind']} independent"
    muted = muted_reason(marks, cluster["id"])
    if muted and why:  # the state still climbs, so an unmark would not replay old news
        return Decision(st, None, f"{note}{muted} ({'; '.join(why)}; {counts})", cluster["id"])
    if not why:
        seen = "new source" if new_url else "known URL"
        if new_url and not new_independent:
            seen = "new URL, same outlet or wire story"
        return Decision(st, None, f"{note}seen: {seen} ({counts})", cluster["id"])

    reason = f"{note}update: {'; '.join(why)} ({counts})"
    alert = build_alert(event, cluster, "update", reason, now, previous_action=previous)
    cluster["alerts"] += 1
    return Decision(st, alert, reason, cluster["id"])
