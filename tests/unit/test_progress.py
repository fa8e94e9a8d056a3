"""The progress watchdog: a stalled partition is one with lag whose commit does not move."""

from __future__ import annotations

from pipeline.health import Health
from pipeline.progress import ProgressWatchdog

P0 = ("news.articles", 0)
P1 = ("news.articles", 1)


def test_lag_with_a_frozen_commit_is_a_stall_after_the_limit_and_names_the_partition() -> None:
    dog = ProgressWatchdog(stall_after_s=60)
    assert dog.observe(0, {P0: (500, 12), P1: (80, 3)}) == []
    assert dog.observe(59, {P0: (500, 40), P1: (90, 3)}) == []
    stalls = dog.observe(61, {P0: (500, 41), P1: (95, 0)})
    assert [(s.topic, s.partition) for s in stalls] == [P0]
    assert "news.articles[0]" in stalls[0].describe() and "500" in stalls[0].describe()


def test_moving_commits_idle_partitions_and_unassigned_ones_never_stall() -> None:
    dog = ProgressWatchdog(stall_after_s=10)
    dog.observe(0, {P0: (1, 5), P1: (7, 0)})
    assert dog.observe(100, {P0: (2, 5), P1: (7, 0)}) == []  # P0 moved, P1 has no lag
    assert dog.observe(200, {P0: (2, 5), P1: (7, 0)}, assigned={P1}) == []  # P0 not ours
    # P0 comes back to us: its clock starts again rather than counting the time it was away
    assert dog.observe(205, {P0: (2, 5)}, assigned={P0}) == []
    assert len(dog.observe(216, {P0: (2, 5)}, assigned={P0})) == 1


def test_a_stall_turns_readiness_off_and_recovery_turns_it_back_on() -> None:
    from pipeline.health import ConsumerLagMonitor
    from pipeline.metrics import STALLED_PARTITIONS

    health = Health()
    monitor = ConsumerLagMonitor("127.0.0.1:1", "g-progress-test", ["news.articles"])
    monitor.watch_progress(health, stall_after_s=5)
    assert health.is_ready()
    monitor._report_stalls({P0: (3, 9)}, now=0)
    monitor._report_stalls({P0: (3, 9)}, now=6)  # committed offset 3 frozen for 6 s, lag 9
    ready, report = health.readiness()
    assert not ready
    assert "news.articles[0]" in report["components"]["progress"]["detail"]
    assert STALLED_PARTITIONS.labels(group="g-progress-test")._value.get() == 1
    monitor._report_stalls({P0: (4, 8)}, now=7)
    assert health.is_ready()
    assert STALLED_PARTITIONS.labels(group="g-progress-test")._value.get() == 0
