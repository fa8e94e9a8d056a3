"""Reads the alert topics for the alert agent's ``pending`` marker (pipeline/alerts/pending.py).

Why a plain kafka-python consumer, run in a thread: the two calls are rare (one end-offset
request per alert sent, one short scan per marker found after a crash) and blocking, so they
stay off the event loop; and reading from explicit offsets needs no group, so this reader
never takes part in Faust's rebalances.
"""

from __future__ import annotations

import threading
import time

from kafka import KafkaConsumer, TopicPartition

from pipeline.alerts.pending import Pending, is_this_alert
from pipeline.config import Settings
from pipeline.kafka.consumer import all_partitions, make_consumer

SCAN_TIMEOUT_S = 60.0


class AlertTopicReader:
    def __init__(self, settings: Settings):
        self._settings = settings
        self._consumer: KafkaConsumer | None = None
        self._lock = threading.Lock()

    def _client(self) -> KafkaConsumer:
        if self._consumer is None:
            self._consumer = make_consumer(self._settings, "alert-scan")
        return self._consumer

    def end_offsets(self, topic: str) -> dict[int, int]:
        """The end offset of every partition of ``topic``: where an alert sent next will be."""
        with self._lock:
            consumer = self._client()
            tps = all_partitions(consumer, [topic])
            if not tps:
                raise RuntimeError(f"alert topic {topic!r} has no partitions in the metadata")
            return {tp.partition: off for tp, off in consumer.end_offsets(tps).items()}

    def contains(self, pending: Pending) -> bool:
        """Whether the alert topic holds ``pending``'s alert at or after the noted offsets."""
        with self._lock:
            consumer = self._client()
            tps = [TopicPartition(pending.topic, p) for p in sorted(pending.offsets)]
            ends = consumer.end_offsets(tps)
            todo = {tp for tp in tps if ends[tp] > pending.offsets[tp.partition]}
            if not todo:
                return False
            consumer.assign(list(todo))
            for tp in todo:
                consumer.seek(tp, pending.offsets[tp.partition])
            deadline = time.monotonic() + SCAN_TIMEOUT_S
            try:
                while todo:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"reading {pending.topic} for {pending.alert_id}")
                    for msgs in consumer.poll(timeout_ms=500).values():
                        if any(is_this_alert(pending, m.value) for m in msgs):
                            return True
                    todo = {tp for tp in todo if consumer.position(tp) < ends[tp]}
                return False
            finally:
                consumer.unsubscribe()
