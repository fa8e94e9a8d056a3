"""pipeline.health: what /healthz and /readyz answer, and the broker monitor's transitions.

The HTTP tests use a real server on an ephemeral port; the broker check against a closed
port is real too (kafka-python against nothing), so it shows the timeout is honoured.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from pipeline.config import Settings
from pipeline.health import (
    BrokerMonitor,
    Health,
    ServiceServer,
    check_broker,
    serve,
    start_service_health,
)


def get(url: str, method: str = "GET") -> tuple[int, Any]:
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, body = err.code, err.read()
    if body and body.lstrip().startswith(b"{"):
        return status, json.loads(body)
    return status, body


@pytest.fixture
def served() -> Iterator[tuple[Health, ServiceServer]]:
    health = Health(required=["broker", "models"])
    server = serve("127.0.0.1", 0, health)
    try:
        yield health, server
    finally:
        server.close()


def test_not_ready_until_every_required_component_reports(
    served: tuple[Health, ServiceServer],
) -> None:
    health, server = served
    status, body = get(server.url + "/readyz")
    assert status == 503
    assert body["components"]["broker"] == {"ready": False, "detail": "pending", "since": None}

    health.set_ready("broker", True, "connected")
    assert get(server.url + "/readyz")[0] == 503  # models still pending
    health.set_ready("models", True)
    status, body = get(server.url + "/readyz")
    assert status == 200 and body["ready"] is True
    assert body["components"]["broker"]["detail"] == "connected"


def test_broker_loss_makes_not_ready_and_recovery_ready_again(
    served: tuple[Health, ServiceServer],
) -> None:
    health, server = served
    health.set_ready("models", True)
    health.set_ready("broker", True)
    assert get(server.url + "/readyz")[0] == 200
    health.set_ready("broker", False, "cannot reach broker")
    status, body = get(server.url + "/readyz")
    assert status == 503 and body["components"]["broker"]["detail"] == "cannot reach broker"
    # liveness is not affected by a broker outage: restarting would not help
    assert get(server.url + "/healthz")[0] == 200
    health.set_ready("broker", True)
    assert get(server.url + "/readyz")[0] == 200


def test_stopping_is_never_ready(served: tuple[Health, ServiceServer]) -> None:
    health, server = served
    health.set_ready("models", True)
    health.set_ready("broker", True)
    health.mark_stopping()
    status, body = get(server.url + "/readyz")
    assert status == 503 and body["stopping"] is True
    health.set_ready("broker", True)
    assert get(server.url + "/readyz")[0] == 503


def test_stale_heartbeat_fails_liveness(served: tuple[Health, ServiceServer]) -> None:
    health, server = served
    health.heartbeat("loop", max_age_s=0.2)
    assert get(server.url + "/healthz")[0] == 200
    time.sleep(0.3)
    status, body = get(server.url + "/healthz")
    assert status == 503 and body["checks"]["loop"]["alive"] is False
    health.heartbeat("loop", max_age_s=0.2)
    assert get(server.url + "/healthz")[0] == 200


def test_a_raising_liveness_check_reports_instead_of_crashing(
    served: tuple[Health, ServiceServer],
) -> None:
    health, server = served

    def broken() -> tuple[bool, str]:
        raise RuntimeError("boom")

    health.add_liveness_check("broken", broken)
    status, body = get(server.url + "/healthz")
    assert status == 503
    assert "RuntimeError: boom" in body["checks"]["broken"]["detail"]


def test_head_and_unknown_paths(served: tuple[Health, ServiceServer]) -> None:
    _, server = served
    status, body = get(server.url + "/readyz", method="HEAD")
    assert status == 503 and body == b""
    assert get(server.url + "/nope")[0] == 404
    status, body = get(server.url + "/metrics")
    assert status == 200 and b"newsmon_component_ready" in body


def test_component_ready_gauge_follows_set_ready() -> None:
    health = Health()
    health.set_ready("feeds", True)
    assert REGISTRY.get_sample_value("newsmon_component_ready", {"component": "feeds"}) == 1
    health.set_ready("feeds", False)
    assert REGISTRY.get_sample_value("newsmon_component_ready", {"component": "feeds"}) == 0


def test_broker_monitor_reports_each_check_result() -> None:
    results = [True, False, True]
    calls: list[str] = []
    lock = threading.Lock()

    def fake_check(bootstrap: str, timeout_s: float) -> tuple[bool, str]:
        with lock:
            calls.append(bootstrap)
            ok = results[min(len(calls) - 1, len(results) - 1)]
        return ok, "ok" if ok else "down"

    health = Health()
    monitor = BrokerMonitor("b:9092", health, interval_s=0.05, check=fake_check)
    assert health.is_ready() is False  # required but not yet checked
    assert monitor.check_once() is True
    assert health.is_ready() and REGISTRY.get_sample_value("newsmon_broker_connected") == 1
    assert monitor.check_once() is False
    assert not health.is_ready() and REGISTRY.get_sample_value("newsmon_broker_connected") == 0
    monitor.start()
    deadline = time.monotonic() + 5
    while len(calls) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    monitor.stop()
    assert len(calls) >= 5 and calls[0] == "b:9092"
    assert health.is_ready()


def test_check_broker_on_a_closed_port_fails_within_its_timeout() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        started = time.monotonic()
        ok, detail = check_broker(f"127.0.0.1:{port}", timeout_s=0.5)
        elapsed = time.monotonic() - started
    assert ok is False
    assert f"127.0.0.1:{port}" in detail
    # the failure is the unreachable broker, not a client misconfiguration
    assert "Configuration" not in detail and "Unable to bootstrap" in detail, detail
    assert elapsed < 5


def test_start_service_health_serves_and_closes() -> None:
    settings = Settings()
    settings.kafka.bootstrap_servers = "127.0.0.1:1"
    health = Health()
    svc = start_service_health(
        settings, 0, components=["models"], health=health, broker_timeout_s=0.3
    )
    try:
        assert svc.port
        status, body = get(f"http://127.0.0.1:{svc.port}/readyz")
        assert status == 503
        assert set(body["components"]) == {"broker", "models"}
    finally:
        svc.close()
    assert health.stopping
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{svc.port}/readyz", timeout=2)


def test_start_service_health_without_metrics_serves_nothing() -> None:
    settings = Settings()
    settings.kafka.bootstrap_servers = "127.0.0.1:1"
    settings.metrics.enabled = False
    svc = start_service_health(settings, 0, health=Health(), broker_timeout_s=0.3)
    try:
        assert svc.server is None and svc.port is None
    finally:
        svc.close()


def test_start_service_health_starts_and_stops_the_lag_monitor() -> None:
    settings = Settings()
    settings.kafka.bootstrap_servers = "127.0.0.1:1"
    svc = start_service_health(
        settings,
        0,
        health=Health(),
        broker_timeout_s=0.3,
        consumer_group="g",
        consumer_topics=["news.articles"],
        lag_interval_s=60,
    )
    try:
        assert svc.lag is not None and svc.lag.topics == ["news.articles"]
    finally:
        svc.close()
    assert svc.lag._thread is None  # stopped and joined


def test_stopping_a_monitor_mid_check_does_not_wait_for_the_check() -> None:
    """Shutdown has a budget: a broker check hanging on a dead network must not hold it."""
    started = threading.Event()

    def slow_check(bootstrap: str, timeout_s: float) -> tuple[bool, str]:
        started.set()
        time.sleep(5)
        return True, "late"

    monitor = BrokerMonitor("b:9092", Health(), interval_s=60, check=slow_check).start()
    assert started.wait(5)
    t0 = time.monotonic()
    monitor.stop()
    assert time.monotonic() - t0 < 2
