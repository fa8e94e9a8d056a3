"""Every Prometheus metric newsmon exports, defined once, so names and labels never drift.

Why one module: the Grafana dashboard and the alerting rules in ``deploy/`` query these names;
if each stage invented its own, a rename in one file would silently blank a panel. Tests check
that every name used in ``deploy/`` exists here.

Conventions (https://prometheus.io/docs/practices/naming/):

* every name starts with ``newsmon_`` and carries its unit (``_seconds``, ``_bytes``,
  ``_records``, ``_messages``) or ``_total`` for counters;
* label values are **bounded**: a feed *id* (from the feeds file), a stage name, a model *role*,
  an event type or action, a topic and partition. Never a URL, an article id or free text: each
  distinct value is a new time series kept in memory forever. The ``*_outcome``/``*_kind``
  helpers below map anything unexpected to ``other`` so a bug cannot explode cardinality.

Which process sets what:

* poller: ``newsmon_poller_*`` and ``newsmon_feed_*``, plus stage ``poll``
  (``newsmon_stage_*{stage="poll"}``);
* worker: stages ``enrich``, ``events``, ``alerts``, ``newsmon_model_*``, ``newsmon_events_*``,
  ``newsmon_alerts_*``, ``newsmon_alert_latency_*``, ``newsmon_consumer_lag_messages``;
* both: ``newsmon_deadletter_messages_total``, ``newsmon_component_ready``,
  ``newsmon_build_info``.

Serve them with :func:`start_metrics_server`, which also serves ``/healthz`` and ``/readyz``
(see :mod:`pipeline.health`).
"""

from __future__ import annotations

import contextlib
import platform
import sys
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, Info, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from pipeline import __version__

if TYPE_CHECKING:
    from pipeline.health import Health, ServiceServer

# ``*_created`` samples double the series count and nothing here queries them.
disable_created_metrics()

# ---------------------------------------------------------------------------------------------
# Bounded label vocabularies
# ---------------------------------------------------------------------------------------------

#: Pipeline stages, in data-flow order. ``poll`` runs in the poller, the rest in the worker.
STAGES = ("poll", "enrich", "events", "alerts")

#: How one poll of one feed ended. ``new``: at least one article not seen before was published;
#: ``unchanged``: HTTP 200 but nothing new; ``not_modified``: HTTP 304 (conditional GET hit);
#: ``error``: see ``newsmon_poller_errors_total`` for the kind.
POLL_OUTCOMES = ("new", "unchanged", "not_modified", "error")

#: Why a poll failed.
POLL_ERROR_KINDS = (
    "timeout",
    "connect",
    "dns",
    "tls",
    "http_4xx",
    "http_5xx",
    "too_large",
    "too_many_redirects",
    "parse",
    "publish",
    "other",
)

#: Model roles (the ``model`` label): the role, not the hub id, so swapping a model keeps the
#: series. The id in use is in ``newsmon_model_info``.
MODEL_ROLES = ("encoder", "topic_classifier", "ner")

EVENT_TYPES = ("mediation", "sanctions")

#: Components whose readiness :class:`pipeline.health.Health` tracks.
COMPONENTS = ("broker", "models", "feeds", "worker")


def bounded(value: str | None, allowed: Iterable[str], other: str = "other") -> str:
    """``value`` if it is one of ``allowed``, else ``other``: a guard against label explosion."""
    return value if value is not None and value in tuple(allowed) else other


# ---------------------------------------------------------------------------------------------
# Buckets
# ---------------------------------------------------------------------------------------------

#: HTTP fetches: tens of ms on a LAN, up to the total timeout (30 s by default).
FETCH_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)
#: How late a scheduled poll started: ideally ~0, minutes when the poller is saturated.
LAG_BUCKETS = (0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0)
#: Batch sizes in records: powers of two up to well above ``worker.batch_size``.
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
#: One model forward pass over a batch on CPU.
INFERENCE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Fetch → alert inside our pipeline: sub-second when idle, minutes when lagging.
PIPELINE_LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
#: Publication → alert: dominated by the feed's own delay and the poll interval.
PUBLICATION_LATENCY_BUCKETS = (
    30.0,
    60.0,
    300.0,
    600.0,
    1800.0,
    3600.0,
    3 * 3600.0,
    6 * 3600.0,
    12 * 3600.0,
    24 * 3600.0,
    3 * 86400.0,
)

# ---------------------------------------------------------------------------------------------
# Poller
# ---------------------------------------------------------------------------------------------

POLLS = Counter(
    "newsmon_poller_polls",
    "Feed polls by feed id and outcome (new, unchanged, not_modified, error).",
    ["feed", "outcome"],
)
POLL_ERRORS = Counter(
    "newsmon_poller_errors",
    "Failed feed polls by feed id and error kind (timeout, http_5xx, parse, ...).",
    ["feed", "kind"],
)
FETCH_DURATION = Histogram(
    "newsmon_poller_fetch_duration_seconds",
    "Wall time of one HTTP fetch of a feed, including redirects and body download.",
    buckets=FETCH_BUCKETS,
)
FETCHED_BYTES = Counter(
    "newsmon_poller_fetched_bytes",
    "Response body bytes downloaded, by feed id (after decompression).",
    ["feed"],
)
ARTICLES_PUBLISHED = Counter(
    "newsmon_poller_articles_published",
    "New articles produced to the articles topic, by feed id.",
    ["feed"],
)
SCHEDULER_LAG = Histogram(
    "newsmon_poller_scheduler_lag_seconds",
    "How late a poll started relative to when it was due (saturation of the poller).",
    buckets=LAG_BUCKETS,
)
CYCLE_COMPLETED = Gauge(
    "newsmon_poller_cycle_completed_timestamp_seconds",
    "Unix time when the poller last finished a scheduling pass over all due feeds.",
)
FEEDS_CONFIGURED = Gauge(
    "newsmon_poller_feeds",
    "Feeds the poller schedules (from the feeds file).",
)
FEED_LAST_SUCCESS = Gauge(
    "newsmon_feed_last_success_timestamp_seconds",
    "Unix time of the last successful poll of the feed (0 = never succeeded).",
    ["feed"],
)
FEED_CONSECUTIVE_FAILURES = Gauge(
    "newsmon_feed_consecutive_failures",
    "Failed polls of the feed since its last success.",
    ["feed"],
)

# ---------------------------------------------------------------------------------------------
# Stages (poll, enrich, events, alerts)
# ---------------------------------------------------------------------------------------------

STAGE_IN = Counter(
    "newsmon_stage_input_records",
    "Records a stage consumed (poll: feed entries parsed; others: messages from their topic).",
    ["stage"],
)
STAGE_OUT = Counter(
    "newsmon_stage_output_records",
    "Records a stage produced to its output topic.",
    ["stage"],
)
STAGE_BATCH_SIZE = Histogram(
    "newsmon_stage_batch_size_records",
    "Records per processed batch, by stage.",
    ["stage"],
    buckets=BATCH_BUCKETS,
)
STAGE_ERRORS = Counter(
    "newsmon_stage_errors",
    "Records a stage failed to process (each is also dead-lettered or retried), by stage.",
    ["stage"],
)
DEADLETTERED = Counter(
    "newsmon_deadletter_messages",
    "Messages written to the dead-letter topic, by the stage that gave up on them.",
    ["stage"],
)
LAST_PROCESSED = Gauge(
    "newsmon_stage_last_output_timestamp_seconds",
    "Unix time a stage last produced a record.",
    ["stage"],
)

# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------

INFERENCE_DURATION = Histogram(
    "newsmon_model_inference_duration_seconds",
    "Wall time of one model call over a batch, by model role.",
    ["model"],
    buckets=INFERENCE_BUCKETS,
)
MODEL_LOADED = Gauge(
    "newsmon_model_loaded",
    "1 when the model role is ready to serve (the configured model or its fallback).",
    ["model"],
)
MODEL_INFO = Gauge(
    "newsmon_model_info",
    "Always 1; the labels say which model serves each role (id is a hub id or 'builtin:...').",
    ["model", "id"],
)

# ---------------------------------------------------------------------------------------------
# Events and alerts
# ---------------------------------------------------------------------------------------------

EVENTS = Counter(
    "newsmon_events_detected",
    "Events detected in enriched articles, by type (mediation, sanctions) and action.",
    ["type", "action"],
)
ALERTS = Counter(
    "newsmon_alerts_emitted",
    "Alerts produced to the alert topics, by event type and kind (e.g. new, corroborated).",
    ["type", "kind"],
)
ALERTS_SUPPRESSED = Counter(
    "newsmon_alerts_suppressed",
    "Events that produced no alert, by type and reason (duplicate, low_confidence, ...).",
    ["type", "reason"],
)
LATENCY_FROM_PUBLICATION = Histogram(
    "newsmon_alert_latency_from_publication_seconds",
    "Article publication time (feed's date) to alert produced, by event type.",
    ["type"],
    buckets=PUBLICATION_LATENCY_BUCKETS,
)
LATENCY_FROM_FETCH = Histogram(
    "newsmon_alert_latency_from_fetch_seconds",
    "Article fetched by the poller to alert produced (our own pipeline delay), by event type.",
    ["type"],
    buckets=PIPELINE_LATENCY_BUCKETS,
)

# ---------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------

CONSUMER_LAG = Gauge(
    "newsmon_consumer_lag_messages",
    "Messages between the group's committed offset and the log end, by topic and partition.",
    ["group", "topic", "partition"],
)
STALLED_PARTITIONS = Gauge(
    "newsmon_stalled_partitions",
    "Partitions assigned to this worker with lag > 0 whose committed offset has not moved for "
    "worker.stall_after_s (pipeline/progress.py).",
    ["group"],
)
BROKER_CONNECTED = Gauge(
    "newsmon_broker_connected",
    "1 when the last broker connectivity check succeeded.",
)
COMPONENT_READY = Gauge(
    "newsmon_component_ready",
    "1 when a component this process needs is ready (broker, models, ...); see /readyz.",
    ["component"],
)

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------

BUILD_INFO = Info("newsmon_build", "newsmon version and runtime; always 1.")
BUILD_INFO.info({"version": __version__, "python": platform.python_version()})


# ---------------------------------------------------------------------------------------------
# Feed staleness, computed at scrape time
# ---------------------------------------------------------------------------------------------


class _FeedStaleness(Collector):
    """``newsmon_feed_staleness_seconds{feed}``: seconds since the feed's last success.

    Why computed at scrape time: a gauge set by the poller would freeze exactly when the poller
    stalls, which is when staleness matters. A feed that never succeeded counts from when the
    poller first scheduled it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: dict[str, float] = {}

    def track(self, feed: str, since: float | None = None) -> None:
        with self._lock:
            self._since.setdefault(feed, time.time() if since is None else since)

    def success(self, feed: str, at: float) -> None:
        with self._lock:
            self._since[feed] = at

    def forget(self, feed: str) -> None:
        with self._lock:
            self._since.pop(feed, None)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "newsmon_feed_staleness_seconds",
            "Seconds since the feed last polled successfully (or since it was scheduled).",
            labels=["feed"],
        )
        now = time.time()
        with self._lock:
            items = list(self._since.items())
        for feed, since in items:
            family.add_metric([feed], max(0.0, now - since))
        yield family

    def describe(self) -> Iterable[GaugeMetricFamily]:
        # Describing without collecting keeps registration free of side effects.
        yield GaugeMetricFamily("newsmon_feed_staleness_seconds", "", labels=["feed"])


FEED_STALENESS = _FeedStaleness()
REGISTRY.register(FEED_STALENESS)


class _ModelFallback(Collector):
    """``newsmon_model_fallback_active{model}``: 1 while a model role runs on its fallback.

    Why a collector and not a Gauge: :mod:`pipeline.nlp.models` keeps its own record of which
    settings fell back (``fallback_status()``, keyed ``models.<role>``) and, in some versions,
    registers a gauge of the same name itself. Reading that record at scrape time means the
    metric is right whichever module is imported first and whoever reports the fallback; roles
    reported through :func:`set_model_state` are merged in. The NLP module is read from
    ``sys.modules`` only, so scraping never imports torch.
    """

    NAME = "newsmon_model_fallback_active"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._explicit: dict[str, bool] = {}
        self._seen: set[str] = set()

    def set(self, role: str, active: bool) -> None:
        with self._lock:
            self._explicit[role] = active

    def state(self) -> dict[str, bool]:
        active: set[str] = set()
        nlp = sys.modules.get("pipeline.nlp.models")
        status = getattr(nlp, "fallback_status", None)
        if callable(status):
            try:
                for setting in status():
                    active.add(bounded(str(setting).removeprefix("models."), MODEL_ROLES))
            except Exception:  # a scrape must never fail because of a stage's bookkeeping
                pass
        with self._lock:
            # A role once reported stays exported (at 0 when it recovers) so alerts resolve.
            self._seen |= active
            out = {role: False for role in self._seen}
            out.update(self._explicit)
        for role in active:
            out[role] = True
        return out

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            self.NAME,
            "1 when the configured model could not be loaded and a fallback is in use, "
            "by model role.",
            labels=["model"],
        )
        for role, active in sorted(self.state().items()):
            family.add_metric([role], 1.0 if active else 0.0)
        yield family

    def describe(self) -> Iterable[GaugeMetricFamily]:
        yield GaugeMetricFamily(self.NAME, "", labels=["model"])


def _take_over(name: str) -> None:
    """Unregister a collector another module registered under ``name`` (see _ModelFallback).

    prometheus-client has no public lookup by name; its private map is stable across 0.x.
    """
    existing = getattr(REGISTRY, "_names_to_collectors", {}).get(name)
    if existing is not None:
        with contextlib.suppress(KeyError):
            REGISTRY.unregister(existing)


MODEL_FALLBACK = _ModelFallback()
_take_over(_ModelFallback.NAME)
REGISTRY.register(MODEL_FALLBACK)


# ---------------------------------------------------------------------------------------------
# Helpers that keep labels bounded and related series consistent
# ---------------------------------------------------------------------------------------------


def track_feed(feed: str) -> None:
    """Declare a scheduled feed so its series exist (at 0) before its first poll."""
    FEED_STALENESS.track(feed)
    FEED_CONSECUTIVE_FAILURES.labels(feed=feed)
    FEED_LAST_SUCCESS.labels(feed=feed)
    for outcome in POLL_OUTCOMES:
        POLLS.labels(feed=feed, outcome=outcome)
    ARTICLES_PUBLISHED.labels(feed=feed)


def restore_feed(feed: str, last_success_at: float | None, consecutive_failures: int) -> None:
    """Seed a feed's health series from the poller's durable state after a restart, so
    staleness and failures continue where they were instead of restarting from zero."""
    track_feed(feed)
    FEED_CONSECUTIVE_FAILURES.labels(feed=feed).set(consecutive_failures)
    if last_success_at:
        FEED_LAST_SUCCESS.labels(feed=feed).set(last_success_at)
        FEED_STALENESS.success(feed, last_success_at)


def forget_feed(feed: str) -> None:
    """Drop a feed removed from the feeds file, so its series stop being exported."""
    FEED_STALENESS.forget(feed)
    for metric in (FEED_CONSECUTIVE_FAILURES, FEED_LAST_SUCCESS, ARTICLES_PUBLISHED, FETCHED_BYTES):
        with contextlib.suppress(KeyError):
            metric.remove(feed)
    for outcome in POLL_OUTCOMES:
        with contextlib.suppress(KeyError):
            POLLS.remove(feed, outcome)
    for kind in POLL_ERROR_KINDS:
        with contextlib.suppress(KeyError):
            POLL_ERRORS.remove(feed, kind)


def record_poll(
    feed: str,
    outcome: str,
    *,
    duration_s: float | None = None,
    fetched_bytes: int = 0,
    published: int = 0,
    error_kind: str | None = None,
    at: float | None = None,
) -> None:
    """Record one poll of ``feed``: outcome counter, fetch time, bytes, articles, feed health.

    ``outcome`` is one of :data:`POLL_OUTCOMES`; for ``error`` give ``error_kind`` (one of
    :data:`POLL_ERROR_KINDS`). Anything else is counted as ``other`` rather than minting a
    new series.
    """
    outcome = bounded(outcome, POLL_OUTCOMES, other="error")
    POLLS.labels(feed=feed, outcome=outcome).inc()
    if duration_s is not None:
        FETCH_DURATION.observe(duration_s)
    if fetched_bytes:
        FETCHED_BYTES.labels(feed=feed).inc(fetched_bytes)
    if published:
        ARTICLES_PUBLISHED.labels(feed=feed).inc(published)
    now = time.time() if at is None else at
    FEED_STALENESS.track(feed, now)
    if outcome == "error":
        POLL_ERRORS.labels(feed=feed, kind=bounded(error_kind, POLL_ERROR_KINDS)).inc()
        FEED_CONSECUTIVE_FAILURES.labels(feed=feed).inc()
    else:
        FEED_CONSECUTIVE_FAILURES.labels(feed=feed).set(0)
        FEED_LAST_SUCCESS.labels(feed=feed).set(now)
        FEED_STALENESS.success(feed, now)


def record_stage(stage: str, n_in: int, n_out: int, *, batch: bool = True) -> None:
    """Count a processed batch of a stage: records in and out, the batch size, last output."""
    stage = bounded(stage, STAGES)
    STAGE_IN.labels(stage=stage).inc(n_in)
    STAGE_OUT.labels(stage=stage).inc(n_out)
    if batch:
        STAGE_BATCH_SIZE.labels(stage=stage).observe(n_in)
    if n_out:
        LAST_PROCESSED.labels(stage=stage).set_to_current_time()


def record_deadletter(stage: str, n: int = 1) -> None:
    """Count messages dead-lettered by ``stage`` (also counted as stage errors)."""
    stage = bounded(stage, STAGES)
    DEADLETTERED.labels(stage=stage).inc(n)
    STAGE_ERRORS.labels(stage=stage).inc(n)


def record_alert(
    event_type: str,
    kind: str,
    *,
    published_at: float | None = None,
    fetched_at: float | None = None,
    now: float | None = None,
) -> None:
    """Count an alert and observe its end-to-end latencies (Unix times; ``None`` = unknown).

    Negative latencies (clock skew, feeds dating items in the future) are clamped to 0 so
    one bad feed cannot hide in the histogram's sum.
    """
    event_type = bounded(event_type, EVENT_TYPES)
    ALERTS.labels(type=event_type, kind=kind).inc()
    t = time.time() if now is None else now
    if published_at is not None:
        LATENCY_FROM_PUBLICATION.labels(type=event_type).observe(max(0.0, t - published_at))
    if fetched_at is not None:
        LATENCY_FROM_FETCH.labels(type=event_type).observe(max(0.0, t - fetched_at))


def set_model_state(role: str, model_id: str | None, *, loaded: bool, fallback: bool) -> None:
    """Publish which model serves ``role`` and whether it is the fallback."""
    role = bounded(role, MODEL_ROLES)
    MODEL_LOADED.labels(model=role).set(1 if loaded else 0)
    MODEL_FALLBACK.set(role, fallback)
    for labels in list(_model_info_labels(role)):
        MODEL_INFO.remove(*labels)
    MODEL_INFO.labels(model=role, id=model_id or "none").set(1)


def _model_info_labels(role: str) -> Iterable[tuple[str, str]]:
    for metric in MODEL_INFO.collect():
        for sample in metric.samples:
            if sample.labels.get("model") == role:
                yield (role, sample.labels["id"])


def set_consumer_lag(group: str, topic: str, partition: int, lag: int) -> None:
    CONSUMER_LAG.labels(group=group, topic=topic, partition=str(partition)).set(max(0, lag))


# ---------------------------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------------------------


def start_metrics_server(host: str, port: int, health: Health | None = None) -> ServiceServer:
    """Serve ``/metrics``, ``/healthz`` and ``/readyz`` on ``host:port`` in a daemon thread.

    ``port=0`` binds a free ephemeral port (tests, several workers on one host); read the real
    one from the returned server's ``.port``. To switch metrics off use
    ``metrics.enabled: false`` and do not call this. ``health`` defaults to the process-wide
    :func:`pipeline.health.default_health`. Raises ``OSError`` naming the address if the port
    is taken.
    """
    from pipeline.health import default_health, serve

    return serve(host, port, health or default_health(), registry=REGISTRY)
