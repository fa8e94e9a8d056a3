"""kafka-python consumers for newsmon's own readers (analysts' service, feedback, eval).

Why one helper: every plain consumer gets the same bootstrap, client id and timeouts here (and
any future client setting in one place); callers choose group, offsets and assignment.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer, TopicPartition

from pipeline.config import Settings


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
    }
    options.update(overrides)
    return KafkaConsumer(**options)


def all_partitions(consumer: KafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    """Every partition of ``topics`` (as the metadata lists them now), sorted."""
    out: list[TopicPartition] = []
    for topic in topics:
        found = consumer.partitions_for_topic(topic) or set()
        out += [TopicPartition(topic, p) for p in sorted(found)]
    return out
