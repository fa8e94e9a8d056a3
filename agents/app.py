"""The Faust application: topics, the novelty table and the three agents, built from settings.

Agents are thin: they move records and call pure functions from ``pipeline``. Guarantees:
at-least-once (Faust acks a ``take`` batch only after the loop body finished), idempotent
outputs (records keyed by article/event id; the novelty decision ignores replays), and every
failing record goes to the dead-letter topic instead of stopping the stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import faust

from agents.consumer import NewsmonApp
from pipeline.config import Settings, resolve_path
from pipeline.kafka.security import faust_credentials
from pipeline.schema import Article


class BatchEnricher(Protocol):
    """What the enrich agent needs: ``pipeline.nlp.enrich.Enricher`` in this process, or
    ``pipeline.nlp.lanes.InferenceLanes`` handing batches to child processes."""

    @property
    def models(self) -> dict[str, str]: ...

    @property
    def fallback_active(self) -> bool: ...

    def enrich_encoded(self, articles: Sequence[Article]) -> list[bytes]: ...


@dataclass
class WorkerContext:
    """What the agents share: settings, the models, one inference thread and one
    event-detection thread (so neither runs on the event loop).

    The models may still be loading when the app starts (``loading_models``): a restarted
    worker joins its group and recovers its tables meanwhile, instead of after. Only the
    inference thread touches ``enricher``, so its first batch simply waits for the load."""

    settings: Settings
    loading_models: Future[BatchEnricher]
    executor: ThreadPoolExecutor  # the inference thread, the one ``loading_models`` runs in
    events_executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="events")
    )

    @property
    def enricher(self) -> BatchEnricher:
        """Blocks until the models are loaded; call it off the event loop only."""
        return self.loading_models.result()


def _broker_urls(bootstrap: str) -> list[str]:
    return [f"kafka://{host.strip()}" for host in bootstrap.split(",") if host.strip()]


def create_app(settings: Settings, **overrides: Any) -> faust.App:
    """A Faust app whose topic partitions match ``settings.topics.partitions``.

    The novelty table's changelog is co-partitioned with ``news.events``, so both must have the
    same partition count; the memory store is rebuilt from the changelog on restart.
    """
    options: dict[str, Any] = {
        "broker": _broker_urls(settings.kafka.bootstrap_servers),
        "store": "memory://",
        "topic_partitions": settings.topics.partitions,
        "topic_replication_factor": settings.topics.replication_factor,
        "web_enabled": settings.worker.web_enabled,
        "web_port": settings.worker.web_port,
        "datadir": str(resolve_path(settings.worker.data_dir)),
        "key_serializer": "raw",
        "value_serializer": "raw",
        "producer_acks": -1,
        "consumer_auto_offset_reset": "earliest",
        "broker_commit_interval": 1.0,
        "table_standby_replicas": 0,
        # SASL / TLS for every aiokafka consumer and producer Faust opens (None: PLAINTEXT)
        "broker_credentials": faust_credentials(settings.kafka),
        # failover in seconds (pipeline.config.WorkerSettings says why these values)
        "broker_session_timeout": settings.worker.session_timeout_s,
        "broker_heartbeat_interval": settings.worker.heartbeat_interval_s,
        "broker_rebalance_timeout": settings.worker.rebalance_timeout_s,
        # partitions interleaved after a restart (pipeline.config.WorkerSettings says why)
        "stream_buffer_maxsize": settings.worker.prefetch_records,
        "consumer_max_fetch_size": settings.worker.fetch_partition_kib * 1024,
    }
    options.update(overrides)
    # NewsmonApp: Faust's consumer with the read/commit corrections of agents/consumer.py
    return NewsmonApp(settings.worker.app_id, **options)
