"""Follow the alert topics with kafka-python and print one line per alert.

Why a plain consumer and not Faust: an analyst's terminal must not join the worker's consumer
group or create tables. Without ``--group`` the consumer reads every partition by manual
assignment and commits nothing, so any number of tails can run side by side; with a group,
offsets are committed and a restarted tail resumes where it stopped.

A record that is not an alert (bad JSON, another schema version) is reported on stderr with
its topic, partition and offset, and the tail goes on: one poison message must not blind the
analyst to the next real alert.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from pipeline.alerts.colour import paint
from pipeline.alerts.format import format_alert_line
from pipeline.config import Settings
from pipeline.schema import Alert, SchemaError, loads

POLL_MS = 500
METADATA_WAIT_S = 10.0


class TailError(RuntimeError):
    """The tail cannot start (broker unreachable, topic missing); the message says which."""


class _Record(Protocol):
    topic: str
    partition: int
    offset: int
    value: bytes | None


class _Consumer(Protocol):
    def poll(
        self, timeout_ms: int = ..., max_records: int | None = ...
    ) -> dict[Any, list[Any]]: ...

    def close(self) -> None: ...


@dataclass
class TailOptions:
    topics: list[str]
    from_beginning: bool = False
    as_json: bool = False
    max_alerts: int | None = None
    timeout_s: float | None = None
    group: str | None = None
    colour: bool = False  # readable lines coloured by event type (a terminal, not --json)


def render(value: bytes | None, as_json: bool, colour: bool = False) -> str:
    """The output line for one record value; raises :class:`SchemaError` if it is no alert."""
    if value is None:
        raise SchemaError("Alert: empty record (tombstone)")
    alert = loads(value, Alert)  # validate in both modes: --json promises alerts, not any bytes
    if as_json:
        return json.dumps(json.loads(value), ensure_ascii=False, separators=(",", ":"))
    line = format_alert_line(alert)
    return paint(line, alert.event.type, alert.kind) if colour else line


def follow(
    consumer: _Consumer,
    opts: TailOptions,
    out: TextIO,
    err: TextIO,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Poll and print until ``max_alerts`` alerts or ``timeout_s`` seconds; returns how many
    alerts were printed. Records of one poll are printed in (partition, offset) order."""
    deadline = None if opts.timeout_s is None else clock() + opts.timeout_s
    printed = 0
    while opts.max_alerts is None or printed < opts.max_alerts:
        wait_ms = POLL_MS
        if deadline is not None:
            left = deadline - clock()
            if left <= 0:
                break
            wait_ms = max(1, min(POLL_MS, int(left * 1000)))
        # never fetch past --max: with a group, fetched records count as consumed on commit
        left_n = None if opts.max_alerts is None else opts.max_alerts - printed
        batches = consumer.poll(timeout_ms=wait_ms, max_records=left_n)
        records: Iterable[_Record] = sorted(
            (r for recs in batches.values() for r in recs),
            key=lambda r: (r.topic, r.partition, r.offset),
        )
        for rec in records:
            try:
                line = render(rec.value, opts.as_json, opts.colour)
            except SchemaError as exc:
                where = f"{rec.topic}[{rec.partition}]@{rec.offset}"
                print(f"newsmon alerts tail: skipped {where}: {exc}", file=err)
                continue
            print(line, file=out, flush=True)
            printed += 1
            if opts.max_alerts is not None and printed >= opts.max_alerts:
                break
    return printed


def open_consumer(settings: Settings, opts: TailOptions) -> Any:
    """A kafka-python consumer positioned per ``opts``; raises :class:`TailError`."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.errors import KafkaError

    from pipeline.kafka.admin import BrokerUnavailable, wait_for_broker
    from pipeline.kafka.security import BrokerAuthError, SecurityError, client_kwargs

    bootstrap = settings.kafka.bootstrap_servers
    try:
        wait_for_broker(bootstrap, timeout=METADATA_WAIT_S, kafka=settings.kafka)
        security = client_kwargs(settings.kafka)
    except (BrokerUnavailable, BrokerAuthError, SecurityError) as exc:
        raise TailError(str(exc)) from exc
    common: dict[str, Any] = {
        "bootstrap_servers": bootstrap.split(","),
        "client_id": f"{settings.kafka.client_id}-alerts-tail",
        "auto_offset_reset": "earliest" if opts.from_beginning else "latest",
        "request_timeout_ms": settings.kafka.request_timeout_ms,
        # a tail must not create a topic with the broker's default partition count
        "allow_auto_create_topics": False,
        **security,
    }
    try:
        if opts.group:
            consumer = KafkaConsumer(group_id=opts.group, enable_auto_commit=True, **common)
            consumer.subscribe(opts.topics)
            return consumer
        consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, **common)
    except (KafkaError, OSError) as exc:
        raise TailError(f"cannot connect to Kafka at {bootstrap}: {exc}") from exc
    try:
        partitions = []
        for topic in opts.topics:
            found = _partitions(consumer, topic)
            if not found:
                raise TailError(
                    f"topic {topic!r} not found on {bootstrap} "
                    "(create it with `newsmon topics create`)"
                )
            partitions += [TopicPartition(topic, p) for p in sorted(found)]
        consumer.assign(partitions)
        if opts.from_beginning:
            consumer.seek_to_beginning(*partitions)
        else:
            consumer.seek_to_end(*partitions)
            for tp in partitions:  # resolve "end" now, so alerts sent from here on are seen
                consumer.position(tp)
    except BaseException:
        consumer.close()
        raise
    return consumer


def _partitions(consumer: Any, topic: str) -> set[int]:
    deadline = time.monotonic() + METADATA_WAIT_S
    while True:
        found = consumer.partitions_for_topic(topic)
        if found or time.monotonic() >= deadline:
            return set(found or ())
        time.sleep(0.2)


def alert_topics(settings: Settings, event_type: str | None) -> list[str]:
    types = [event_type] if event_type else ["mediation", "sanctions"]
    return [settings.topics.alert_topic(t) for t in types]
