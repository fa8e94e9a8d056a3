"""Keeps the analysts' index up to date from the alert topics and ``alerts.feedback``.

Manual assignment, no consumer group: the index stores its own offsets (see
:mod:`pipeline.analysts.index`), so several ``alerts serve`` processes can run side by side,
each with its own complete index. A record that is no alert or mark is logged with its topic,
partition and offset and skipped; its offset still advances, so it cannot stall the page.
"""

from __future__ import annotations

import threading
from typing import Any

from pipeline.alerts.feedback import Mark, MarkError
from pipeline.analysts.index import AlertIndex
from pipeline.config import Settings
from pipeline.kafka.consumer import all_partitions, make_consumer
from pipeline.logs import get_logger, log_event
from pipeline.schema import Alert, SchemaError, loads

log = get_logger("newsmon.analysts.follow")
POLL_MS = 500


class IndexFollower:
    """Consumes into ``index`` until :meth:`stop`; run it in a thread."""

    def __init__(self, settings: Settings, index: AlertIndex):
        t = settings.topics
        self.alert_topics = [t.alerts_mediation, t.alerts_sanctions]
        self.topics = [*self.alert_topics, t.feedback]
        self.settings = settings
        self.index = index
        self.caught_up = threading.Event()  # set once the first poll found nothing left
        self._stop = threading.Event()
        self.error: BaseException | None = None

    def stop(self) -> None:
        self._stop.set()

    def _open(self) -> Any:
        from kafka.errors import KafkaError

        bootstrap = self.settings.kafka.bootstrap_servers
        try:
            consumer = make_consumer(self.settings, "analysts-index")
        except (KafkaError, OSError) as exc:
            raise RuntimeError(f"cannot reach Kafka at {bootstrap}: {exc!r}") from exc
        parts = all_partitions(consumer, self.topics)
        missing = set(self.topics) - {tp.topic for tp in parts}
        if missing:
            consumer.close()
            raise RuntimeError(
                f"topics {sorted(missing)} not found on {bootstrap} "
                "(create them with `newsmon topics create`)"
            )
        consumer.assign(parts)
        stored = self.index.offsets()
        for tp in parts:
            offset = stored.get((tp.topic, tp.partition))
            if offset is None:
                consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, offset)
        return consumer

    def run(self) -> None:
        try:
            consumer = self._open()
        except BaseException as exc:
            self.error = exc
            log_event(log, "index_follow_failed", error=str(exc))
            self.caught_up.set()
            return
        try:
            while not self._stop.is_set():
                batches = consumer.poll(timeout_ms=POLL_MS, max_records=500)
                if not batches:
                    self.caught_up.set()
                    continue
                self._ingest(batches)
        finally:
            consumer.close()

    def _ingest(self, batches: dict[Any, list[Any]]) -> None:
        alerts: list[Alert] = []
        marks: list[Mark] = []
        offsets: dict[tuple[str, int], int] = {}
        for tp, records in batches.items():
            for rec in records:
                offsets[(tp.topic, tp.partition)] = rec.offset + 1
                try:
                    if tp.topic in self.alert_topics:
                        alerts.append(loads(rec.value or b"", Alert))
                    else:
                        marks.append(Mark.from_bytes(rec.value))
                except (SchemaError, MarkError) as exc:
                    where = f"{tp.topic}[{tp.partition}]@{rec.offset}"
                    log_event(log, "index_record_skipped", where=where, error=str(exc)[:300])
        self.index.ingest(alerts, marks, offsets)
        if alerts or marks:
            log_event(log, "index_updated", alerts=len(alerts), marks=len(marks))
