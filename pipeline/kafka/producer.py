"""kafka-python producers configured for no loss: acks=all, idempotent, bounded retries."""

from __future__ import annotations

from typing import Any

from kafka import KafkaProducer
from kafka.serializer import DefaultSerializer

from pipeline.config import Settings
from pipeline.kafka.security import client_kwargs


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A producer whose sends are acknowledged by all in-sync replicas and never duplicated by
    its own retries; callers still ``.get()`` or ``flush()`` before marking anything done."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka.bootstrap_servers.split(","),
        "client_id": settings.kafka.client_id,
        "acks": "all",
        "enable_idempotence": True,
        "retries": 2**31 - 1,
        "max_in_flight_requests_per_connection": 5,
        "linger_ms": 5,
        "compression_type": None,
        "request_timeout_ms": settings.kafka.request_timeout_ms,
        "delivery_timeout_ms": 120_000,
        # str keys -> UTF-8, bytes/None unchanged. A Serializer instance, not a lambda:
        # kafka-python 3.0 deprecates plain callables here (DeprecationWarning on every producer).
        "key_serializer": DefaultSerializer("utf-8"),
        **client_kwargs(settings.kafka),
    }
    options.update(overrides)
    return KafkaProducer(**options)
