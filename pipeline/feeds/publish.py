"""Send articles to Kafka and report which ones the broker acknowledged.

Why per-article acknowledgement: the caller marks an article seen only once its own send
future resolved (acks=all, idempotent producer from :func:`pipeline.kafka.producer.make_producer`);
anything not acked stays in the outbox and is sent again later. Blocking calls (``send`` waits
for metadata when the broker is away, ``get`` waits for the ack) run in a worker thread, so the
poller's event loop keeps fetching meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from kafka.errors import KafkaError

from pipeline.config import Settings
from pipeline.kafka.producer import make_producer
from pipeline.logs import get_logger, log_event
from pipeline.schema import Article, dumps

logger = get_logger(__name__)

RECONNECT_EVERY_S = 15.0  # after a failed connect, wait this long before the next try


class Publisher:
    """A lazily created producer that survives a broker that is not there yet."""

    def __init__(
        self,
        settings: Settings,
        producer_factory: Callable[..., Any] = make_producer,
        ack_timeout_s: float | None = None,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        """``prepare`` runs once before the first producer is made (the poller passes
        ``ensure_topics``): nothing is sent before it succeeded, so a topic is never
        auto-created with the broker's default partition count."""
        self.settings = settings
        self.topic = settings.topics.articles
        self._factory = producer_factory
        req_ms = settings.kafka.request_timeout_ms
        self.ack_timeout_s = ack_timeout_s or (req_ms / 1000.0 + 10.0)
        # A bounded delivery time turns a dead broker into failed futures (articles stay in
        # the outbox) instead of sends that hang; max_block bounds the wait for metadata.
        self._overrides = {
            "delivery_timeout_ms": int(self.ack_timeout_s * 1000) - 1000,
            "max_block_ms": min(10_000, req_ms),
            "bootstrap_timeout_ms": min(10_000, req_ms),
        }
        self._prepare = prepare
        self._producer: Any = None
        self._lock = threading.Lock()
        self._last_attempt = 0.0
        # Sends not yet resolved, by article version: a retry from the outbox waits on these
        # instead of sending again, so a slow ack during an outage cannot become a duplicate.
        self._inflight: dict[tuple[str, str, int], Any] = {}
        self.last_error: str | None = None
        # False after a publish that was not fully acked: the poller then stops sending per
        # feed (each attempt would hold a thread for the ack timeout) and leaves the outbox
        # to its periodic retry until one succeeds.
        self.available = True

    def _ensure(self) -> Any:
        with self._lock:
            if self._producer is not None:
                return self._producer
            if self._last_attempt and time.monotonic() - self._last_attempt < RECONNECT_EVERY_S:
                return None
            try:
                if self._prepare is not None:
                    self._prepare()
                    self._prepare = None
                self._producer = self._factory(self.settings, **self._overrides)
            except Exception as exc:  # broker down, topics not creatable: retry later
                self._last_attempt = time.monotonic()
                self.last_error = f"{type(exc).__name__}: {exc}"
                log_event(
                    logger,
                    "producer_unavailable",
                    level=30,
                    bootstrap=self.settings.kafka.bootstrap_servers,
                    error=self.last_error,
                )
                return None
            return self._producer

    def publish(self, articles: Sequence[Article]) -> list[Article]:
        """Send ``articles`` keyed by id; return those the broker acknowledged (blocking)."""
        if not articles:
            return []
        producer = self._ensure()
        if producer is None:
            self.available = False
            return []
        acked: list[Article] = []
        deadline = time.monotonic() + self.ack_timeout_s
        todo = list(articles)
        # A send that fails for good (e.g. expired while the broker was away) is sent again at
        # once while time is left; one still unresolved at the deadline stays in flight.
        while todo and deadline - time.monotonic() > 0.5:
            failed = []
            for article, version, fut in self._send_or_reuse(producer, todo):
                try:
                    fut.get(timeout=max(0.1, deadline - time.monotonic()))
                except KafkaError as exc:
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    if fut.is_done:
                        self._inflight.pop(version, None)
                        failed.append(article)
                    continue
                self._inflight.pop(version, None)
                acked.append(article)
            todo = failed
        self.available = len(acked) == len(articles)
        if not self.available:
            log_event(
                logger,
                "publish_incomplete",
                level=30,
                topic=self.topic,
                acked=len(acked),
                attempted=len(articles),
                error=self.last_error,
            )
        return acked

    def _send_or_reuse(
        self, producer: Any, articles: Sequence[Article]
    ) -> list[tuple[Article, tuple[str, str, int], Any]]:
        """Futures for ``articles``: the unresolved send of the same version if there is one
        (so a retry cannot duplicate it), else a new send."""
        futures = []
        for article in articles:
            version = (article.id, article.content_hash, article.revision)
            fut = self._inflight.get(version)
            if fut is None or (fut.is_done and fut.failed()):
                try:
                    fut = producer.send(self.topic, key=article.id, value=dumps(article))
                except KafkaError as exc:  # metadata not available within max_block_ms
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    break
                self._inflight[version] = fut
            futures.append((article, version, fut))
        return futures

    def close(self, timeout_s: float = 10.0) -> None:
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.flush(timeout=timeout_s)
            except KafkaError as exc:
                log_event(logger, "producer_flush_failed", level=30, error=str(exc))
            producer.close(timeout=timeout_s)
