"""kafka-python consumers for newsmon's own readers (analysts' service, feedback, eval).

Why one helper: every plain consumer gets the same bootstrap, client id and timeouts here (and
any future client setting in one place); callers choose group, offsets and assignment.
"""

from __future__ import annotations

import time
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from pipeline.config import Settings
from pipeline.kafka.security import client_kwargs


def make_consumer(settings: Settings, role: str, **overrides: Any) -> KafkaConsumer:
    """A consumer named ``<client_id>-<role>`` that never auto-creates topics nor commits
    on its own; pass ``group_id`` to join a group (default: none, manual assignment)."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka.bootstrap_servers.split(","),
        "client_id": f"{settings.kafka.client_id}-{role}",
        "group_id": None,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "request_timeout_ms": settings.kafka.request_timeout_ms,
        "allow_auto_create_topics": False,
        **client_kwargs(settings.kafka),
    }
    options.update(overrides)
    return KafkaConsumer(**options)


def all_partitions(
    consumer: KafkaConsumer, topics: list[str], wait_s: float = 10.0
) -> list[TopicPartition]:
    """Every partition of ``topics``, sorted; a topic the metadata does not list within
    ``wait_s`` (a fresh client may not have metadata yet) is left out, for the caller to name."""
    out: list[TopicPartition] = []
    deadline = time.monotonic() + wait_s
    for topic in topics:
        found = consumer.partitions_for_topic(topic)
        while not found and time.monotonic() < deadline:
            time.sleep(0.2)
            found = consumer.partitions_for_topic(topic)
        out += [TopicPartition(topic, p) for p in sorted(found or ())]
    return out
