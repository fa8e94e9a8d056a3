"""When to poll each feed next: adaptive interval, server hints, backoff, jitter.

Why these rules: a feed that publishes every few minutes deserves frequent polls and one that
publishes weekly does not (adaptive, clamped to a configured range); servers say how often they
may be asked (``Retry-After``, ``Cache-Control: max-age``, ``Expires``, RSS ``<ttl>``), which
are lower bounds; failures back off exponentially to a cap but never stop the feed for good
(a site down for a week comes back); jitter keeps thousands of feeds from firing together.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass

# A server hint longer than this is treated as a misconfiguration, not as an order.
MAX_HINT_S = 24 * 3600.0
RATE_SMOOTHING = 0.3  # EWMA weight of the newest observation of the publishing rate
TARGET_NEW_PER_POLL = 1.0


@dataclass(frozen=True)
class IntervalPolicy:
    interval_s: float
    min_interval_s: float
    max_interval_s: float
    adaptive: bool
    jitter: float
    backoff_base_s: float
    backoff_max_s: float


def clamp(value: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, value))


def update_rate(old: float | None, new_items: int, elapsed_s: float) -> float | None:
    """Smoothed publishing rate (items per second) after one successful poll."""
    if elapsed_s <= 0:
        return old
    observed = new_items / elapsed_s
    if old is None:
        return observed
    return (1 - RATE_SMOOTHING) * old + RATE_SMOOTHING * observed


def success_interval(policy: IntervalPolicy, rate_per_s: float | None) -> float:
    """Base interval after a success: configured, or following the publishing rate."""
    if not policy.adaptive or rate_per_s is None:
        return clamp(policy.interval_s, policy.min_interval_s, policy.max_interval_s)
    if rate_per_s <= 0:
        return policy.max_interval_s
    return clamp(TARGET_NEW_PER_POLL / rate_per_s, policy.min_interval_s, policy.max_interval_s)


def apply_hints(interval_s: float, *hints: float | None) -> float:
    """Server hints are lower bounds (each capped at a day)."""
    for hint in hints:
        if hint is not None and hint > 0:
            interval_s = max(interval_s, min(hint, MAX_HINT_S))
    return interval_s


def backoff_interval(policy: IntervalPolicy, failures: int) -> float:
    """Exponential backoff from the feed's normal interval, capped; never infinite."""
    base = max(policy.backoff_base_s, policy.min_interval_s)
    exp = min(max(failures - 1, 0), 30)
    return min(base * (2.0**exp), max(policy.backoff_max_s, base))


def jittered(interval_s: float, jitter: float, rng: random.Random | None = None) -> float:
    """``interval_s`` spread by ±``jitter`` (a fraction), so feeds drift apart."""
    if jitter <= 0:
        return interval_s
    r = (rng or random).uniform(-jitter, jitter)
    return max(0.0, interval_s * (1.0 + r))


class DueQueue:
    """Feeds ordered by next-due time; the poller pops what is due and pushes it back."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str]] = []
        self._due: dict[str, float] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._due)

    def push(self, feed_id: str, due: float) -> None:
        self._due[feed_id] = due
        self._seq += 1
        heapq.heappush(self._heap, (due, self._seq, feed_id))

    def discard(self, feed_id: str) -> None:
        self._due.pop(feed_id, None)

    def next_due(self) -> float | None:
        while self._heap and self._due.get(self._heap[0][2]) != self._heap[0][0]:
            heapq.heappop(self._heap)  # stale entry from an earlier push
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> list[tuple[str, float]]:
        """Every feed due at ``now`` with the time it was due (for scheduler-lag metrics)."""
        out: list[tuple[str, float]] = []
        while True:
            due = self.next_due()
            if due is None or due > now:
                return out
            _, _, feed_id = heapq.heappop(self._heap)
            del self._due[feed_id]
            out.append((feed_id, due))
