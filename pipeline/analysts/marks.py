"""Publishing analysts' marks to ``alerts.feedback`` and finding the alert a mark is about.

Shared by ``newsmon alerts mark`` and the page's buttons, so both put a mark on the partition of
its event's identity key (see :mod:`pipeline.alerts.feedback`).
"""

from __future__ import annotations

import time
from typing import Any

from pipeline.alerts.feedback import Mark, feedback_partition
from pipeline.config import Settings
from pipeline.kafka.consumer import all_partitions, make_consumer
from pipeline.kafka.producer import make_producer
from pipeline.logs import get_logger, log_event
from pipeline.schema import Alert, SchemaError, loads

log = get_logger("newsmon.analysts.marks")


class MarkTargetError(LookupError):
    """No alert with that event id on the alert topics."""


def publish_mark(settings: Settings, mark: Mark, producer: Any = None) -> int:
    """Send ``mark`` and wait for the broker's acknowledgement; returns the partition."""
    partition = feedback_partition(mark.key, settings.topics.partitions)
    own = producer is None
    producer = producer or make_producer(settings)
    try:
        import json

        value = json.dumps(mark.to_dict(), ensure_ascii=False).encode()
        producer.send(
            settings.topics.feedback, key=mark.record_key(), value=value, partition=partition
        ).get(30)
    finally:
        if own:
            producer.close()
    log_event(log, "mark_published", event_id=mark.event_id, kind=mark.kind, key=mark.key,
              partition=partition)
    return partition


def read_topics(settings: Settings, topics: list[str], timeout_s: float = 30.0) -> list[Any]:
    """Every record now on ``topics``, from the beginning to the end offsets seen at start."""
    consumer = make_consumer(settings, "scan")
    try:
        parts = all_partitions(consumer, topics)
        missing = set(topics) - {tp.topic for tp in parts}
        if missing:
            raise MarkTargetError(
                f"topics {sorted(missing)} not found on {settings.kafka.bootstrap_servers}"
            )
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        todo = {tp for tp in parts if end[tp] > 0}
        out: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while todo and time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=500).items():
                out += [r for r in records if r.offset < end[tp]]
                if consumer.position(tp) >= end[tp]:
                    todo.discard(tp)
        return out
    finally:
        consumer.close()


def alerts_on_topics(settings: Settings) -> list[Alert]:
    t = settings.topics
    alerts = []
    for rec in read_topics(settings, [t.alerts_mediation, t.alerts_sanctions]):
        try:
            alerts.append(loads(rec.value or b"", Alert))
        except SchemaError:
            continue
    return alerts


def find_alert(settings: Settings, event_id: str) -> Alert:
    """The latest alert of ``event_id``; raises :class:`MarkTargetError`."""
    found = [a for a in alerts_on_topics(settings) if a.event_id == event_id]
    if not found:
        raise MarkTargetError(
            f"no alert with event id {event_id!r} on {settings.topics.alerts_mediation} or "
            f"{settings.topics.alerts_sanctions}"
        )
    return max(found, key=lambda a: a.detected)
