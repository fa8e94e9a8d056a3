"""Bring a freshly started local broker to the state of a long-running one before timing.

Why: a new JVM compiles its hot paths for its first minute or two of traffic. Measured on
this 2-core machine (per-thread CPU from /proc), the broker's JIT compiler threads took
0.16 cores during a benchmark burst: half of all the broker's CPU, and CPU the inference
lanes then lack. A broker that ops run for days has long finished compiling, so the
benchmark drives produce, fetch and offset-commit traffic through a scratch topic until the
compiler threads go quiet, and reports how much compiling is left during the timed burst.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from pipeline.config import Settings
from pipeline.kafka.consumer import make_consumer
from pipeline.kafka.producer import make_producer
from pipeline.kafka.security import client_kwargs

JIT_THREAD_MARK = "CompilerThre"  # HotSpot names them "C1 CompilerThre", "C2 CompilerThre"


def jit_seconds(pid: int) -> float:
    """CPU seconds the JVM ``pid``'s JIT compiler threads have used so far (live threads)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            stat = (task / "stat").read_text()
        except OSError:  # the thread ended between listing and reading
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if JIT_THREAD_MARK in name:
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class WarmupReport:
    seconds: float
    rounds: int
    first_jit_cores: float
    last_jit_cores: float

    def __str__(self) -> str:
        return (f"broker warm-up: {self.seconds:.0f}s, {self.rounds} rounds; JIT compiler "
                f"{self.first_jit_cores:.2f} -> {self.last_jit_cores:.2f} cores")


def _one_round(settings: Settings, topic: str, group: str, records: int, size: int) -> None:
    """``records`` records of ``size`` bytes produced, then read back by a group member that
    commits after every poll, as a worker does."""
    producer = make_producer(settings)
    payload = os.urandom(size // 2).hex().encode()
    try:
        for i in range(records):
            producer.send(topic, key=str(i), value=payload)
        producer.flush()
    finally:
        producer.close()
    consumer = make_consumer(settings, "bench-warmup", group_id=group, fetch_max_wait_ms=50)
    consumer.subscribe([topic])
    seen = 0
    deadline = time.monotonic() + 60
    try:
        while seen < records and time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=200, max_records=64)
            seen += sum(len(v) for v in batch.values())
            if batch:
                consumer.commit()
    finally:
        consumer.close()


def warm_broker(
    settings: Settings,
    broker_pid: int,
    max_seconds: float = 120.0,
    quiet_cores: float = 0.05,
    records: int = 1500,
    size: int = 6000,
) -> WarmupReport:
    """Rounds of produce/fetch/commit traffic until a round's JIT compiling falls below
    ``quiet_cores`` on average (or ``max_seconds`` pass)."""
    topic = f"newsmon.bench.warmup.{uuid.uuid4().hex[:6]}"
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers.split(","),
                             **client_kwargs(settings.kafka))
    try:
        admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)])
    finally:
        admin.close()
    began = time.monotonic()
    cores: list[float] = []
    while True:
        jit0, t0 = jit_seconds(broker_pid), time.monotonic()
        _one_round(settings, topic, f"{topic}.group", records, size)
        cores.append((jit_seconds(broker_pid) - jit0) / (time.monotonic() - t0))
        if cores[-1] < quiet_cores or time.monotonic() - began > max_seconds:
            break
    return WarmupReport(time.monotonic() - began, len(cores), cores[0], cores[-1])
