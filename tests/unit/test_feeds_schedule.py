"""Scheduling rules: adaptive within clamps, hints as lower bounds, backoff without give-up."""

from __future__ import annotations

import itertools
import random

from pipeline.feeds.schedule import (
    MAX_HINT_S,
    DueQueue,
    IntervalPolicy,
    apply_hints,
    backoff_interval,
    jittered,
    success_interval,
    update_rate,
)

POLICY = IntervalPolicy(
    interval_s=300,
    min_interval_s=60,
    max_interval_s=3600,
    adaptive=True,
    jitter=0.1,
    backoff_base_s=60,
    backoff_max_s=6 * 3600,
)


def test_adaptive_interval_follows_the_publishing_rate_within_clamps() -> None:
    assert success_interval(POLICY, None) == 300  # nothing learnt yet: configured interval
    assert success_interval(POLICY, 1 / 600) == 600  # one item per 10 minutes
    assert success_interval(POLICY, 1.0) == 60  # a firehose: clamped to the minimum
    assert success_interval(POLICY, 0.0) == 3600  # silent feed: clamped to the maximum
    fixed = IntervalPolicy(**{**POLICY.__dict__, "adaptive": False})
    assert success_interval(fixed, 1.0) == 300


def test_rate_is_smoothed() -> None:
    r = update_rate(None, 6, 600)
    assert r == 0.01
    r2 = update_rate(r, 0, 600)
    assert r2 is not None and 0 < r2 < r  # one quiet poll lowers, does not zero, the rate


def test_server_hints_are_lower_bounds_capped_at_a_day() -> None:
    assert apply_hints(300, 900, None) == 900
    assert apply_hints(300, 60) == 300
    assert apply_hints(300, 10 * 86400) == MAX_HINT_S


def test_backoff_grows_caps_and_never_gives_up() -> None:
    waits = [backoff_interval(POLICY, n) for n in range(1, 40)]
    assert waits[:4] == [60, 120, 240, 480]
    assert all(a <= b for a, b in itertools.pairwise(waits))
    assert max(waits) == 6 * 3600 == waits[-1]  # capped, and still a finite retry


def test_jitter_spreads_within_the_fraction() -> None:
    rng = random.Random(1)
    values = [jittered(1000, 0.1, rng) for _ in range(500)]
    assert 900 <= min(values) < 950 and 1050 < max(values) <= 1100
    assert jittered(1000, 0.0, rng) == 1000


def test_due_queue_pops_due_feeds_in_order_and_ignores_stale_entries() -> None:
    q = DueQueue()
    q.push("a", 10)
    q.push("b", 5)
    q.push("a", 20)  # rescheduled: the old entry must not fire
    assert q.pop_due(15) == [("b", 5)]
    assert q.next_due() == 20
    assert q.pop_due(25) == [("a", 20)]
    assert len(q) == 0 and q.next_due() is None
