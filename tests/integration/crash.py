"""A worker crash run: publish generated articles, kill -9 the worker at given points, restart
it, and report what reached ``news.enriched`` and the alert topics.

Shared by the crash test (``test_crash_recovery.py``) and ``benchmarks/crash_soak.py``, so the
suite and the soak measure the same thing the same way.
"""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer

from pipeline.alerts.novelty import decide, event_key
from pipeline.config import Settings
from pipeline.demo.synthetic import carries_event, synthetic_articles
from pipeline.events.detect import detect_events
from pipeline.health import consumer_lag
from pipeline.kafka.producer import make_producer
from pipeline.schema import Article, dumps
from tests.integration.procs import NewsmonProcess
from tests.procinfo import alive, child_pids


@dataclass
class CrashReport:
    produced: int
    distinct: int
    records: int
    lost_ids: list[str]
    lost_ranges: dict[int, list[tuple[int, int]]]
    alerts: list[tuple[str, str]]  # (event id, kind) in arrival order
    final_lag: dict[str, int]
    longest_stall_s: float
    # where it was: input partition, and its start in seconds into the run (as kill_times)
    longest_stall_at: tuple[int, float] = (-1, 0.0)
    kill_times: list[float] = field(default_factory=list)
    recovery_s: list[float] = field(default_factory=list)  # kill -> next new id enriched
    term_exits: list[tuple[float, int]] = field(default_factory=list)  # SIGTERM: (s, status)
    # child processes (inference lanes) of stopped workers still alive when the run ended
    orphans: list[int] = field(default_factory=list)
    lanes_stopped: int = 0  # child processes the stopped workers had
    wall_s: float = 0.0

    @property
    def duplicate_records(self) -> int:
        return self.records - self.distinct

    @property
    def duplicate_new_alerts(self) -> int:
        news = Counter(event_id for event_id, kind in self.alerts if kind == "new")
        return sum(n - 1 for n in news.values() if n > 1)

    @property
    def alert_set(self) -> set[tuple[str, str]]:
        return set(self.alerts)

    @property
    def stuck_lag(self) -> int:
        return sum(self.final_lag.values())

    def summary(self) -> dict[str, Any]:
        return {
            "produced": self.produced,
            "lost": len(self.lost_ids),
            "lost_ranges": {str(p): r for p, r in self.lost_ranges.items() if r},
            "duplicate_records": self.duplicate_records,
            "alerts": len(self.alerts),
            "duplicate_alerts": self.duplicate_new_alerts,
            "stuck_lag": self.stuck_lag,
            "longest_stall_s": round(self.longest_stall_s, 1),
            "longest_stall_at": [self.longest_stall_at[0], round(self.longest_stall_at[1], 1)],
            "recovery_after_kill_s": [round(r, 1) for r in self.recovery_s],
            "wall_s": round(self.wall_s, 1),
        }


def publish_articles(settings: Settings, articles: Sequence[Article]) -> dict[str, tuple[int, int]]:
    """Publish keyed by id; returns ``{id: (partition, offset)}`` as the broker acked them."""
    producer = make_producer(settings)
    futures = [
        (a.id, producer.send(settings.topics.articles, key=a.id, value=dumps(a))) for a in articles
    ]
    producer.flush()
    where = {}
    for article_id, fut in futures:
        meta = fut.get(30)
        where[article_id] = (meta.partition, meta.offset)
    producer.close()
    return where


def expected_alerts(settings: Settings, articles: Sequence[Article]) -> set[tuple[str, str]]:
    """The alert set of a clean run, computed in process with the functions the agents call
    (enrich -> detect_events -> event_key -> decide), in publication order.

    Only the articles the generator wrote events into are enriched (filler names no actor, so
    it yields no event); a filler article that did alert would show as an unexpected alert."""
    from pipeline.nlp.enrich import Enricher

    articles = [a for a in articles if carries_event(a)]
    enricher = Enricher(settings.models)
    states: dict[str, Any] = {}
    out: set[tuple[str, str]] = set()
    batch = settings.worker.batch_size
    for i in range(0, len(articles), batch):
        for enriched in enricher.enrich_batch(list(articles[i : i + batch])):
            for event in detect_events(enriched, settings.events):
                key = event_key(event)
                decision = decide(states.get(key), event, datetime.now(UTC), settings.events)
                states[key] = decision.state
                if decision.alert is not None:
                    out.add((decision.alert.event_id, decision.alert.kind))
    return out


def _ranges(offsets: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for off in sorted(offsets):
        if out and off == out[-1][1] + 1:
            out[-1] = (out[-1][0], off)
        else:
            out.append((off, off))
    return out


def _consumer(settings: Settings, *topics: str) -> KafkaConsumer:
    return KafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )


def run_crash(
    settings: Settings,
    articles: Sequence[Article],
    kill_at: Sequence[int],
    log_dir: Path,
    *,
    workers: int = 1,
    sigterm_at: Sequence[int] = (),
    idle_timeout_s: float = 90.0,
    lag_timeout_s: float = 60.0,
) -> CrashReport:
    """Publish ``articles``, run ``workers`` workers and kill -9 one of them (in turn) each time
    the number of distinct ids on ``news.enriched`` reaches the next of ``kill_at``, restarting
    it at once, until every id arrived or nothing new arrived for ``idle_timeout_s``. At the
    counts in ``sigterm_at`` the first worker gets SIGTERM instead (and is restarted).

    Stalls are measured per partition of the input topic: the longest time a partition with
    articles still to do went without a new one on ``news.enriched`` (from the first article
    enriched on, so the first start's model load is not counted), by the timestamps the worker
    wrote on its records, not by when this loop read them. ``recovery_s`` has, per
    kill, how long until every partition with work left had a new article enriched again."""
    started = time.monotonic()
    log_dir.mkdir(parents=True, exist_ok=True)
    where = publish_articles(settings, articles)
    wanted = set(where)
    left: Counter[int] = Counter(p for p, _ in where.values())
    enriched = _consumer(settings, settings.topics.enriched)
    t = settings.topics
    alerts_c = _consumer(settings, t.alerts_mediation, t.alerts_sanctions)
    seen: set[str] = set()
    records = 0
    alerts: list[tuple[str, str]] = []
    kills = sorted(kill_at)
    terms = sorted(sigterm_at)
    kill_times: list[float] = []
    stopped_children: list[int] = []
    recovery: list[float] = []
    term_exits: list[tuple[float, int]] = []
    waiting: set[int] = set()  # partitions not yet resumed since the last kill
    killed_at = 0.0
    part_last: dict[int, float] = {}
    longest_stall = 0.0
    stall_at: tuple[int, float] = (-1, 0.0)
    started_wall = time.time() - (time.monotonic() - started)

    def stalled(p: int, since: float, until: float) -> None:
        nonlocal longest_stall, stall_at
        if until - since > longest_stall:
            longest_stall, stall_at = until - since, (p, since - started_wall)
    n_run = 0

    def start() -> NewsmonProcess:
        nonlocal n_run
        n_run += 1
        return NewsmonProcess(settings, log_dir / f"worker-{n_run}.log", "worker")

    pool = [start() for _ in range(workers)]
    last_progress = time.monotonic()
    try:
        while seen != wanted and time.monotonic() - last_progress < idle_timeout_s:
            now = time.monotonic()
            for msgs in enriched.poll(timeout_ms=200).values():
                for m in msgs:
                    records += 1
                    article_id = json.loads(m.value)["article"]["id"]
                    if article_id in seen or article_id not in where:
                        continue
                    seen.add(article_id)
                    p = where[article_id][0]
                    left[p] -= 1
                    last_progress = now
                    # when the worker wrote it, not when this loop read it: a record written
                    # before a kill and read after it is no sign of recovery
                    at = m.timestamp / 1000.0
                    if part_last:
                        stalled(p, part_last.get(p, at), at)
                    else:
                        part_last = dict.fromkeys(left, at)  # processing started
                    part_last[p] = max(part_last[p], at)
                    if p in waiting and at > killed_at:
                        waiting.discard(p)
                        if not waiting:
                            recovery.append(at - killed_at)
            for msgs in alerts_c.poll(timeout_ms=0).values():
                alerts.extend((m.key.decode(), json.loads(m.value)["kind"]) for m in msgs)
            if kills and len(seen) >= kills[0]:
                kills.pop(0)
                victim = len(kill_times) % len(pool)
                stopped_children += child_pids(pool[victim].proc.pid)
                pool[victim].stop(signal.SIGKILL)
                kill_times.append(time.monotonic() - started)
                killed_at = time.time()  # the clock of the records' timestamps
                waiting = {p for p, n in left.items() if n > 0}
                pool[victim] = start()
            elif terms and len(seen) >= terms[0]:
                terms.pop(0)
                t0 = time.monotonic()
                stopped_children += child_pids(pool[0].proc.pid)
                status = pool[0].stop(signal.SIGTERM, timeout=60)
                term_exits.append((time.monotonic() - t0, status))
                pool[0] = start()
        now = time.time()
        for p, n in left.items():  # a partition that never finished stalled until now
            if n > 0 and p in part_last:
                stalled(p, part_last[p], now)
        # lag back to 0 on every input topic (the worker commits at most a second later)
        deadline = time.monotonic() + lag_timeout_s
        lag: dict[str, int] = {}
        while time.monotonic() < deadline:
            per_tp = consumer_lag(
                settings.kafka.bootstrap_servers,
                settings.worker.app_id,
                [t.articles, t.enriched, t.events],
            )
            lag = {f"{topic}[{p}]": v for (topic, p), v in per_tp.items() if v}
            if not lag:
                break
            time.sleep(1.0)
        # the last alerts may still be in flight when the lag reached 0
        end = time.monotonic() + 3
        while time.monotonic() < end:
            for msgs in alerts_c.poll(timeout_ms=200).values():
                alerts.extend((m.key.decode(), json.loads(m.value)["kind"]) for m in msgs)
    finally:
        for worker in pool:
            worker.stop(signal.SIGTERM, timeout=15)
        enriched.close()
        alerts_c.close()
    lost = sorted(wanted - seen)
    per_partition: dict[int, list[int]] = {}
    for article_id in lost:
        p, off = where[article_id]
        per_partition.setdefault(p, []).append(off)
    return CrashReport(
        produced=len(wanted),
        distinct=len(seen),
        records=records,
        lost_ids=lost,
        lost_ranges={p: _ranges(offs) for p, offs in per_partition.items()},
        alerts=alerts,
        final_lag=lag,
        longest_stall_s=longest_stall,
        longest_stall_at=stall_at,
        kill_times=kill_times,
        recovery_s=recovery,
        term_exits=term_exits,
        wall_s=time.monotonic() - started,
        orphans=[pid for pid in stopped_children if alive(pid)],
        lanes_stopped=len(stopped_children),
    )


def generated(count: int, seed: int, pad: int = 0) -> list[Article]:
    return list(synthetic_articles(count, seed=seed, pad=pad))
