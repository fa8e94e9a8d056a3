"""Liveness and readiness for the poller and the worker, served beside ``/metrics``.

Why both probes, and why they differ:

* ``/healthz`` (liveness) answers "is this process stuck?". It fails only when a registered
  liveness check fails (e.g. a loop heartbeat is older than its limit). A broker outage must
  **not** fail liveness: restarting every pod because Kafka is down only adds load.
* ``/readyz`` (readiness) answers "can it do its job now?": the broker is reachable and the
  models are loaded (worker). It turns 503 when the broker goes away and 200 again when it
  returns, and 503 for good once shutdown starts, so a load balancer or an operator sees it.

Why one threaded HTTP server for the three paths: one port per process to expose, probe and
scrape (the Kubernetes probes and the Prometheus scrape share the Service port), and a
stuck asyncio loop in the worker cannot block the probes: the server runs in its own threads,
and liveness consults heartbeats the loop must keep fresh.

Usage in a process (the worker; the poller passes no components and no consumer group)::

    t = settings.topics
    svc = start_service_health(
        settings, settings.metrics.worker_port, components=["models"],
        consumer_group=settings.worker.app_id, consumer_topics=[t.articles, t.enriched, t.events],
    )
    ... load models ...; svc.health.set_ready("models", True)
    ... optionally svc.health.heartbeat("loop", max_age_s=60) from the main loop ...
    on SIGTERM: svc.close()   # readiness 503 first, then stop serving
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

from pipeline.logs import get_logger
from pipeline.metrics import BROKER_CONNECTED, COMPONENT_READY

if TYPE_CHECKING:
    from pipeline.config import KafkaSettings, Settings

log = get_logger(__name__)

#: How long stopping a monitor waits for its thread; see PeriodicMonitor.stop.
STOP_JOIN_S = 1.0


def _log(event: str, level: int = logging.INFO, **fields: Any) -> None:
    log.log(level, event, extra=fields)


@dataclass
class ComponentState:
    ready: bool
    detail: str
    since: float


class Health:
    """Thread-safe readiness of named components plus liveness checks.

    The process is ready when every *required* component has reported ready and shutdown has
    not started. A required component that never reported counts as not ready (``"pending"``),
    so a process is never ready by accident before its first broker check.
    """

    def __init__(self, required: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._required: set[str] = set(required)
        self._states: dict[str, ComponentState] = {}
        self._liveness: dict[str, Callable[[], tuple[bool, str]]] = {}
        self._beats: dict[str, tuple[float, float]] = {}
        self._stopping = False
        for name in self._required:
            COMPONENT_READY.labels(component=name).set(0)

    # -- readiness -----------------------------------------------------------------------------

    def require(self, *components: str) -> None:
        """Declare components that must be ready before the process is."""
        with self._lock:
            self._required.update(components)
        for name in components:
            if name not in self._states:
                COMPONENT_READY.labels(component=name).set(0)

    def set_ready(self, component: str, ready: bool, detail: str = "") -> None:
        """Report a component's readiness; transitions are logged once, not on every check."""
        now = time.time()
        with self._lock:
            old = self._states.get(component)
            changed = old is None or old.ready != ready
            since = now if changed or old is None else old.since
            self._states[component] = ComponentState(bool(ready), detail, since)
        COMPONENT_READY.labels(component=component).set(1 if ready else 0)
        if changed:
            _log(
                "component_ready" if ready else "component_not_ready",
                logging.INFO if ready else logging.WARNING,
                component=component,
                detail=detail,
            )

    def mark_stopping(self) -> None:
        """Shutdown began: readiness fails from now on so traffic and probes drain."""
        with self._lock:
            self._stopping = True
        _log("health_stopping")

    @property
    def stopping(self) -> bool:
        return self._stopping

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        """``(ready, report)``; the report is what ``/readyz`` returns as JSON."""
        with self._lock:
            names = sorted(self._required | set(self._states))
            components: dict[str, Any] = {}
            ready = not self._stopping
            for name in names:
                state = self._states.get(name)
                if state is None:
                    components[name] = {"ready": False, "detail": "pending", "since": None}
                else:
                    components[name] = {
                        "ready": state.ready,
                        "detail": state.detail,
                        "since": state.since,
                    }
                if name in self._required and not (state and state.ready):
                    ready = False
            return ready, {"ready": ready, "stopping": self._stopping, "components": components}

    def is_ready(self) -> bool:
        return self.readiness()[0]

    # -- liveness ------------------------------------------------------------------------------

    def add_liveness_check(self, name: str, check: Callable[[], tuple[bool, str]]) -> None:
        """Register ``check() -> (alive, detail)``; it must be fast and never block."""
        with self._lock:
            self._liveness[name] = check

    def heartbeat(self, name: str, max_age_s: float) -> None:
        """Record that loop ``name`` is making progress; liveness fails if it stops for longer
        than ``max_age_s``. Call it from the loop being watched (e.g. a Faust timer)."""
        with self._lock:
            self._beats[name] = (time.monotonic(), max_age_s)

    def liveness(self) -> tuple[bool, dict[str, Any]]:
        with self._lock:
            checks = dict(self._liveness)
            beats = dict(self._beats)
        report: dict[str, Any] = {}
        alive = True
        now = time.monotonic()
        for name, (at, max_age) in beats.items():
            age = now - at
            ok = age <= max_age
            report[name] = {"alive": ok, "detail": f"last beat {age:.1f}s ago (max {max_age}s)"}
            alive = alive and ok
        for name, check in checks.items():
            try:
                ok, detail = check()
            except Exception as exc:  # a broken check must show, not crash the probe server
                ok, detail = False, f"check raised {type(exc).__name__}: {exc}"
            report[name] = {"alive": bool(ok), "detail": detail}
            alive = alive and bool(ok)
        return alive, {"alive": alive, "checks": report}


_DEFAULT: Health | None = None
_DEFAULT_LOCK = threading.Lock()


def default_health() -> Health:
    """The process-wide :class:`Health` the poller or worker reports into."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Health()
        return _DEFAULT


# ---------------------------------------------------------------------------------------------
# HTTP server: /metrics, /healthz, /readyz
# ---------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        health = self.server.health
        if path == "/metrics":
            encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
            body = encoder(self.server.registry)
            self._send(200, body, content_type, send_body)
        elif path in ("/healthz", "/livez"):
            alive, report = health.liveness()
            self._json(200 if alive else 503, report, send_body)
        elif path == "/readyz":
            ready, report = health.readiness()
            self._json(200 if ready else 503, report, send_body)
        elif path == "/":
            body = b"newsmon: /metrics /healthz /readyz\n"
            self._send(200, body, "text/plain; charset=utf-8", send_body)
        else:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", send_body)

    def _json(self, status: int, payload: dict[str, Any], send_body: bool) -> None:
        body = (json.dumps(payload, sort_keys=True) + "\n").encode("utf-8")
        self._send(status, body, "application/json", send_body)

    def _send(self, status: int, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # Probes every few seconds would flood the JSON log; errors still surface via
        # log_error -> here at debug, and failures show in /readyz itself.
        log.debug("http_request", extra={"client": self.client_address[0], "line": format % args})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], health: Health, registry: CollectorRegistry):
        self.health = health
        self.registry = registry
        super().__init__(address, _Handler)


class ServiceServer:
    """A running metrics + health server; ``.port`` is the bound port (useful with port 0)."""

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.host = str(server.server_address[0])
        self.port = int(server.server_address[1])

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=STOP_JOIN_S)


def serve(
    host: str, port: int, health: Health, registry: CollectorRegistry | None = None
) -> ServiceServer:
    """Start the server in a daemon thread. Raises ``OSError`` naming ``host:port`` on failure."""
    from prometheus_client import REGISTRY

    try:
        server = _Server((host, port), health, registry or REGISTRY)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot serve metrics/health on {host}:{port}: {exc}") from exc
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},  # shutdown() waits up to one poll interval
        name=f"newsmon-http-{port}",
        daemon=True,
    )
    thread.start()
    out = ServiceServer(server, thread)
    _log("metrics_server_started", host=out.host, port=out.port)
    return out


# ---------------------------------------------------------------------------------------------
# Broker connectivity
# ---------------------------------------------------------------------------------------------


def check_broker(
    bootstrap_servers: str, timeout_s: float = 3.0, kafka: KafkaSettings | None = None
) -> tuple[bool, str]:
    """Bootstrap a throwaway kafka-python client against ``bootstrap_servers`` (comma-separated)
    and fetch cluster metadata within ``timeout_s``. Returns ``(ok, detail)``; never raises.

    Why a fresh client each time: a long-lived client keeps cached metadata and reconnect
    back-off, so it can report "connected" for a while after the broker died; a fresh bootstrap
    is the honest answer to "can a new connection reach the cluster now?".
    """
    from kafka import KafkaConsumer

    from pipeline.kafka.security import client_kwargs, redact

    servers = [s.strip() for s in bootstrap_servers.split(",") if s.strip()]
    timeout_ms = max(100, int(timeout_s * 1000))
    consumer = None
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=servers,
            client_id="newsmon-health",
            bootstrap_timeout_ms=timeout_ms,
            request_timeout_ms=max(timeout_ms, 1000),
            enable_auto_commit=False,
            **(client_kwargs(kafka) if kafka else {}),
        )
        topics = consumer.topics()
        return True, f"connected to {','.join(servers)} ({len(topics)} topics)"
    except Exception as exc:
        detail = f"cannot reach broker {','.join(servers)}: {type(exc).__name__}: {exc}"
        return False, redact(detail, kafka) if kafka else detail
    finally:
        if consumer is not None:
            # closing a half-open client must not mask the result
            with contextlib.suppress(Exception):
                consumer.close()


class PeriodicMonitor:
    """Calls :meth:`check_once` every ``interval_s`` in a daemon thread until :meth:`stop`.

    Why a base: the broker and consumer-lag monitors need the same loop (a failed check must
    never end the thread; stop is bounded by :data:`STOP_JOIN_S`) and differ only in what a
    check does and how a failure is reported (:meth:`_on_success`, :meth:`_on_failure`).
    """

    #: Name of the monitoring thread (seen in thread dumps).
    thread_name = "newsmon-monitor"

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check_once(self) -> object:
        raise NotImplementedError

    def _on_success(self) -> None:
        """Called after a check that did not raise."""

    def _on_failure(self, exc: Exception) -> None:
        """Called with what a check raised; the loop goes on."""

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check_once()
                self._on_success()
            except Exception as exc:  # keep monitoring whatever a check does
                self._on_failure(exc)
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            # Bounded: shutdown has a budget (SIGTERM -> exit within seconds). A check still
            # in flight runs on in its daemon thread and ends with the process.
            self._thread.join(timeout=STOP_JOIN_S)
            self._thread = None


class BrokerMonitor(PeriodicMonitor):
    """Checks the broker every ``interval_s`` in a daemon thread and reports it to ``health``
    as component ``broker`` (and ``newsmon_broker_connected``)."""

    thread_name = "newsmon-broker-monitor"

    def __init__(
        self,
        bootstrap_servers: str,
        health: Health | None = None,
        *,
        interval_s: float = 10.0,
        timeout_s: float = 3.0,
        check: Callable[[str, float], tuple[bool, str]] | None = None,
        kafka: KafkaSettings | None = None,
    ) -> None:
        """``kafka``: the security settings for the default check (None: PLAINTEXT)."""
        super().__init__(interval_s)
        self.bootstrap_servers = bootstrap_servers
        self.health = health or default_health()
        self.timeout_s = timeout_s
        self._check = check or functools.partial(check_broker, kafka=kafka)
        self.health.require("broker")

    def check_once(self) -> bool:
        ok, detail = self._check(self.bootstrap_servers, self.timeout_s)
        BROKER_CONNECTED.set(1 if ok else 0)
        from pipeline.quiet import client_log_gate

        client_log_gate().broker_checked(ok, detail)
        self.health.set_ready("broker", ok, detail)
        return ok

    def _on_failure(self, exc: Exception) -> None:
        self.health.set_ready("broker", False, f"check failed: {exc}")


# ---------------------------------------------------------------------------------------------
# One call for a process
# ---------------------------------------------------------------------------------------------


class ServiceHealth:
    """What :func:`start_service_health` started: close it on shutdown."""

    def __init__(
        self,
        health: Health,
        server: ServiceServer | None,
        monitor: BrokerMonitor | None,
        lag: ConsumerLagMonitor | None = None,
    ) -> None:
        self.health = health
        self.server = server
        self.monitor = monitor
        self.lag = lag

    @property
    def port(self) -> int | None:
        return self.server.port if self.server else None

    def close(self) -> None:
        """Mark not ready, stop the broker checks, then stop serving (in that order, so the
        last probe answers 503 rather than connection refused)."""
        self.health.mark_stopping()
        if self.lag is not None:
            self.lag.stop()
        if self.monitor is not None:
            self.monitor.stop()
        if self.server is not None:
            self.server.close()


def start_service_health(
    settings: Settings,
    port: int,
    *,
    components: Iterable[str] = (),
    health: Health | None = None,
    broker_interval_s: float = 10.0,
    broker_timeout_s: float = 3.0,
    consumer_group: str | None = None,
    consumer_topics: Iterable[str] = (),
    lag_interval_s: float = 15.0,
) -> ServiceHealth:
    """Start what every long-running newsmon process needs: the ``/metrics`` + ``/healthz`` +
    ``/readyz`` server on ``settings.metrics.host:port`` (unless ``metrics.enabled`` is false)
    and a :class:`BrokerMonitor` on ``settings.kafka.bootstrap_servers``.

    ``components`` are extra readiness requirements beyond ``broker`` (the worker passes
    ``("models",)`` and reports ``health.set_ready("models", True)`` once they are loaded).
    With ``consumer_group`` and ``consumer_topics`` (the worker: ``worker.app_id`` and its
    input topics) a :class:`ConsumerLagMonitor` exports the group's lag as well.
    """
    from pipeline.metrics import start_metrics_server

    health = health or default_health()
    health.require("broker", *components)
    server = None
    if settings.metrics.enabled:
        server = start_metrics_server(settings.metrics.host, port, health)
    monitor = BrokerMonitor(
        settings.kafka.bootstrap_servers,
        health,
        interval_s=broker_interval_s,
        timeout_s=broker_timeout_s,
        kafka=settings.kafka,
    ).start()
    lag = None
    topics = list(consumer_topics)
    if consumer_group and topics:
        lag = ConsumerLagMonitor(
            settings.kafka.bootstrap_servers,
            consumer_group,
            topics,
            interval_s=lag_interval_s,
            timeout_s=broker_timeout_s,
            kafka=settings.kafka,
        ).start()
    return ServiceHealth(health, server, monitor, lag)


# ---------------------------------------------------------------------------------------------
# Consumer lag
# ---------------------------------------------------------------------------------------------


def consumer_lag(
    bootstrap_servers: str,
    group: str,
    topics: Iterable[str],
    timeout_s: float = 5.0,
    kafka: KafkaSettings | None = None,
) -> dict[tuple[str, int], int]:
    """``{(topic, partition): lag}`` of consumer ``group`` on ``topics``, asked of the broker
    (see :func:`consumer_progress`)."""
    progress = consumer_progress(bootstrap_servers, group, topics, timeout_s, kafka=kafka)
    return {tp: lag for tp, (_committed, lag) in progress.items()}


def consumer_progress(
    bootstrap_servers: str,
    group: str,
    topics: Iterable[str],
    timeout_s: float = 5.0,
    kafka: KafkaSettings | None = None,
) -> dict[tuple[str, int], tuple[int | None, int]]:
    """``{(topic, partition): (committed offset or None, lag)}`` of ``group`` on ``topics``.

    Lag is the log-end offset minus the group's committed offset; a partition the group has
    never committed counts from the earliest offset (everything in it is still to do). Asking
    the broker rather than the consumer means the number is right whichever replica owns a
    partition, and still moves when the consumers are stuck. Raises ``KafkaError``/``OSError``
    when the broker cannot be asked.
    """
    from kafka import KafkaAdminClient, OffsetSpec, TopicPartition

    from pipeline.kafka.security import client_kwargs

    servers = [s.strip() for s in bootstrap_servers.split(",") if s.strip()]
    ms = max(1000, int(timeout_s * 1000))
    admin = KafkaAdminClient(
        bootstrap_servers=servers,
        client_id="newsmon-lag",
        bootstrap_timeout_ms=ms,
        request_timeout_ms=ms,
        **(client_kwargs(kafka) if kafka else {}),
    )
    try:
        wanted = list(topics)
        partitions: list[TopicPartition] = []
        for topic in admin.describe_topics(wanted):
            name = topic.get("name") or topic.get("topic")
            for p in topic.get("partitions") or []:
                index = p.get("partition_index", p.get("partition"))
                if name in wanted and index is not None:
                    partitions.append(TopicPartition(name, int(index)))
        if not partitions:
            return {}
        committed = admin.list_group_offsets({group: None}).get(group, {})
        latest = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
        earliest = admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in partitions})
        lag: dict[tuple[str, int], tuple[int | None, int]] = {}
        for tp in partitions:
            end = latest[tp].offset
            done = committed.get(tp)
            offset = done.offset if done is not None and done.offset >= 0 else None
            start = offset if offset is not None else earliest[tp].offset
            lag[(tp.topic, tp.partition)] = (offset, max(0, end - start))
        return lag
    finally:
        with contextlib.suppress(Exception):
            admin.close()


class ConsumerLagMonitor(PeriodicMonitor):
    """Exports ``newsmon_consumer_lag_messages{group,topic,partition}`` every ``interval_s``.

    Run it in every worker replica: each reports the same group-wide numbers, so queries take
    ``max by (group, topic, partition)`` before summing over partitions (as the dashboard and
    the rules do); one replica's numbers survive the others' restarts. A failed round logs
    once per outage and keeps the last values rather than dropping to 0, which would look
    healthy.
    """

    thread_name = "newsmon-lag-monitor"

    def __init__(
        self,
        bootstrap_servers: str,
        group: str,
        topics: Iterable[str],
        *,
        interval_s: float = 15.0,
        timeout_s: float = 5.0,
        kafka: KafkaSettings | None = None,
    ) -> None:
        super().__init__(interval_s)
        self.bootstrap_servers = bootstrap_servers
        self.kafka = kafka
        self.group = group
        self.topics = list(topics)
        self.timeout_s = timeout_s
        self._failing = False
        self._watchdog: Any = None
        self._health: Health | None = None
        self._assigned: Callable[[], Iterable[tuple[str, int]]] | None = None

    def watch_progress(
        self,
        health: Health,
        stall_after_s: float,
        assigned: Callable[[], Iterable[tuple[str, int]]] | None = None,
    ) -> None:
        """Also run a :class:`pipeline.progress.ProgressWatchdog` on each round: component
        ``progress`` of ``health`` turns not ready naming each stalled partition among
        ``assigned()`` (this worker's partitions; all when None), and
        ``newsmon_stalled_partitions`` counts them."""
        from pipeline.progress import ProgressWatchdog

        self._watchdog = ProgressWatchdog(stall_after_s)
        self._health = health
        self._assigned = assigned
        health.require("progress")
        health.set_ready("progress", True, "no partition stalled")

    def check_once(self) -> dict[tuple[str, int], int]:
        from pipeline.metrics import set_consumer_lag

        progress = consumer_progress(
            self.bootstrap_servers, self.group, self.topics, self.timeout_s, kafka=self.kafka
        )
        lag = {tp: value for tp, (_committed, value) in progress.items()}
        for (topic, partition), value in lag.items():
            set_consumer_lag(self.group, topic, partition, value)
        if self._watchdog is not None and self._health is not None:
            self._report_stalls(progress)
        return lag

    def _report_stalls(
        self, progress: dict[tuple[str, int], tuple[int | None, int]], now: float | None = None
    ) -> None:
        from pipeline.metrics import STALLED_PARTITIONS

        assert self._watchdog is not None and self._health is not None
        assigned = set(self._assigned()) if self._assigned is not None else None
        now = time.monotonic() if now is None else now
        stalls = self._watchdog.observe(now, progress, assigned)
        STALLED_PARTITIONS.labels(group=self.group).set(len(stalls))
        if stalls:
            detail = "stalled: " + "; ".join(s.describe() for s in stalls)
            self._health.set_ready("progress", False, detail)
        else:
            self._health.set_ready("progress", True, "no partition stalled")

    def _on_success(self) -> None:
        if self._failing:
            _log("consumer_lag_recovered", group=self.group)
        self._failing = False

    def _on_failure(self, exc: Exception) -> None:
        # once per outage: the last values stay exported meanwhile
        if not self._failing:
            _log(
                "consumer_lag_failed",
                logging.WARNING,
                group=self.group,
                error=f"{type(exc).__name__}: {exc}",
            )
        self._failing = True
