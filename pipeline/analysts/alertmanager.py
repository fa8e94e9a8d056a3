"""Forwarding alerts to Prometheus Alertmanager (API v2, ``POST /api/v2/alerts``).

Why Alertmanager: routing to mail, chat and webhooks, grouping, inhibition and silences are
what analysts' teams already run there; newsmon only has to post each alert with good labels.

Why its own consumer group with offsets committed after delivery: an Alertmanager that is
down must neither block the index, the page and the feeds (they follow the topics on their
own) nor lose alerts. The forwarder retries one alert with exponential backoff for
``alertmanager_retry_for_s``; only then does it write a dead-letter record
(``news.deadletter``, stage ``alertmanager``) and move on. Offsets are committed only after an
alert was delivered or dead-lettered, so a killed forwarder re-posts at most the alerts it had
not committed yet, which Alertmanager de-duplicates by their label set.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from pipeline.alerts.build import iso, parse_time
from pipeline.config import Settings
from pipeline.kafka.consumer import make_consumer
from pipeline.kafka.deadletter import deadletter_record
from pipeline.kafka.producer import make_producer
from pipeline.logs import get_logger, log_event
from pipeline.schema import ROLES, Alert, SchemaError, loads

log = get_logger("newsmon.analysts.alertmanager")
STAGE = "alertmanager"
MAX_ANNOTATION = 1000


class DeliveryError(RuntimeError):
    """Alertmanager did not accept an alert; the message names the URL and the answer."""


def alertname(event_type: str) -> str:
    return {"mediation": "NewsmonMediation", "sanctions": "NewsmonSanctions"}.get(
        event_type, "NewsmonEvent"
    )


def labels(alert: Alert) -> dict[str, str]:
    """Labels to route, group and silence by: one value per role (ids joined by ``+``,
    sorted), so ``target="PRK"`` silences sanctions on North Korea alone."""
    ev = alert.event
    out = {
        "alertname": alertname(ev.type),
        "type": ev.type,
        "action": ev.action,
        "event_id": alert.event_id,
        "kind": alert.kind,
        "severity": "info",
    }
    for role in ROLES.get(ev.type, tuple(ev.roles)):
        ids = sorted({a.id for a in ev.roles.get(role, []) if a.id})
        out[role] = "+".join(ids) if ids else "none"
    return out


def payload(
    alert: Alert, page_url: str, now: datetime, hold: timedelta
) -> dict[str, Any]:
    """One element of the ``POST /api/v2/alerts`` body.

    ``startsAt`` is when newsmon detected the alert; ``endsAt`` lies ``hold`` after the post,
    so a news alert stays active long enough to be routed and seen, and then resolves."""
    detected = parse_time(alert.detected) or now
    return {
        "labels": labels(alert),
        "annotations": {
            "summary": alert.headline[:MAX_ANNOTATION],
            "headline": alert.headline[:MAX_ANNOTATION],
            "evidence": alert.event.evidence[:MAX_ANNOTATION],
            "source_url": alert.event.url,
            "source": alert.event.source,
            "sources": " ".join(alert.sources)[:MAX_ANNOTATION],
            "source_count": str(alert.source_count),
            "reason": alert.reason[:MAX_ANNOTATION],
            "page": f"{page_url}/?event={alert.event_id}#e-{alert.event_id}",
        },
        "startsAt": iso(min(detected, now)),
        "endsAt": iso(now + hold),
        "generatorURL": f"{page_url}/?event={alert.event_id}#e-{alert.event_id}",
    }


def post_alerts(client: httpx.Client, base_url: str, body: list[dict[str, Any]]) -> None:
    url = f"{base_url.rstrip('/')}/api/v2/alerts"
    try:
        resp = client.post(url, json=body)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"POST {url}: {type(exc).__name__}: {exc}") from exc
    if resp.status_code >= 300:
        raise DeliveryError(f"POST {url}: HTTP {resp.status_code} {resp.text[:200]}")


def deliver_with_retry(
    send: Callable[[], None],
    retry_for_s: float,
    backoff_max_s: float,
    stopped: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryError | None:
    """Call ``send`` until it succeeds (None) or ``retry_for_s`` passed (the last error).
    Backoff doubles from 0.5 s up to ``backoff_max_s``. Raises InterruptedError when stopped."""
    deadline = clock() + retry_for_s
    delay = 0.5
    while True:
        try:
            send()
            return None
        except DeliveryError as exc:
            last = exc
        if stopped():
            raise InterruptedError("forwarder stopped while retrying")
        left = deadline - clock()
        if left <= 0:
            return last
        sleep(min(delay, left))
        delay = min(delay * 2, backoff_max_s)


class AlertmanagerForwarder:
    """Consumes the alert topics (group ``<app_id>-alertmanager``) and posts each alert."""

    def __init__(self, settings: Settings, page_url: str):
        a = settings.analysts
        if not a.alertmanager_url:
            raise ValueError("analysts.alertmanager_url is not set")
        self.settings = settings
        self.url = a.alertmanager_url
        self.page_url = page_url
        self.topics = [settings.topics.alerts_mediation, settings.topics.alerts_sanctions]
        self.group = f"{settings.worker.app_id}-alertmanager"
        self._stop = threading.Event()
        self.delivered = 0
        self.dead_lettered = 0
        self._producer: Any = None

    def stop(self) -> None:
        self._stop.set()

    def _sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def run(self) -> None:
        from kafka import OffsetAndMetadata
        from kafka.errors import KafkaError

        retry_s = self.settings.analysts.alertmanager_retry_for_s
        consumer = make_consumer(
            self.settings,
            "alertmanager",
            group_id=self.group,
            # retrying one alert must not count as a stalled consumer and cost the partitions
            max_poll_interval_ms=int((retry_s + 120) * 1000),
        )
        consumer.subscribe(self.topics)
        client = httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0))
        try:
            while not self._stop.is_set():
                batches = consumer.poll(timeout_ms=500, max_records=50)
                for tp, records in sorted(batches.items(), key=lambda kv: kv[0]):
                    for rec in records:
                        if not self._forward(client, tp.topic, rec):
                            return  # stopped mid-retry: not committed, posted again next start
                        try:
                            consumer.commit({tp: OffsetAndMetadata(rec.offset + 1, "", -1)})
                        except KafkaError as exc:  # rebalanced: the new owner re-posts it
                            log_event(log, "alertmanager_commit_failed", error=str(exc)[:300])
        finally:
            client.close()
            consumer.close()
            if self._producer is not None:
                self._producer.close()

    def _forward(self, client: httpx.Client, topic: str, rec: Any) -> bool:
        """Post one record (or dead-letter it); False when stopped before it was settled."""
        a = self.settings.analysts
        try:
            alert = loads(rec.value or b"", Alert)
        except SchemaError as exc:
            log_event(log, "alertmanager_skipped", where=f"{topic}[{rec.partition}]@{rec.offset}",
                      error=str(exc)[:300])
            return True
        body = [payload(alert, self.page_url, datetime.now(UTC),
                        timedelta(seconds=a.alertmanager_hold_s))]
        try:
            error = deliver_with_retry(
                lambda: post_alerts(client, self.url, body),
                a.alertmanager_retry_for_s,
                a.alertmanager_backoff_max_s,
                stopped=self._stop.is_set,
                sleep=self._sleep,
            )
        except InterruptedError:
            return False
        if error is None:
            self.delivered += 1
            log_event(log, "alertmanager_posted", event_id=alert.event_id, kind=alert.kind)
            return True
        self._producer = self._producer or make_producer(self.settings)
        self._producer.send(
            self.settings.topics.deadletter,
            key=alert.event_id.encode(),
            value=deadletter_record(STAGE, topic, rec.value, error, rec.key),
        ).get(30)
        self.dead_lettered += 1
        log_event(log, "alertmanager_dead_lettered", event_id=alert.event_id,
                  error=str(error)[:300])
        return True
