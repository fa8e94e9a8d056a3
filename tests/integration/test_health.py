"""Readiness against a real broker: ready only when it is reachable, not ready when it goes
away, ready again when it returns; consumer lag as the broker reports it.

"Goes away" is simulated with a TCP proxy in front of the session broker that the test
closes and reopens: the health check bootstraps through the proxy, so it sees exactly what a
process sees when the broker's address stops answering, without stopping the broker that the
other integration tests share.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer

from pipeline.config import Settings
from pipeline.health import (
    BrokerMonitor,
    ConsumerLagMonitor,
    Health,
    check_broker,
    consumer_lag,
    serve,
)
from pipeline.kafka.broker import free_port
from pipeline.metrics import REGISTRY
from tests.integration.procs import NewsmonProcess


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; ``close()`` refuses new and cuts open
    connections, ``open()`` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()


@pytest.fixture
def proxy(kafka_bootstrap: str) -> Iterator[TcpProxy]:
    host, port = kafka_bootstrap.rsplit(":", 1)
    p = TcpProxy((host, int(port)))
    p.open()
    try:
        yield p
    finally:
        p.close()


def readyz(url: str) -> tuple[int, dict]:
    """(status, JSON body) of /readyz; (0, {}) while nothing listens yet."""
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())
    except OSError:
        return 0, {}


def wait_for_status(
    url: str, status: int, timeout: float = 20, proc: NewsmonProcess | None = None
) -> dict:
    deadline = time.monotonic() + timeout
    last: tuple[int, dict] = (0, {})
    while time.monotonic() < deadline:
        if proc is not None and proc.proc.poll() is not None:
            raise AssertionError(f"process exited with {proc.proc.returncode}")
        last = readyz(url)
        if last[0] == status:
            return last[1]
        time.sleep(0.2)
    raise AssertionError(f"/readyz stayed {last[0]} (wanted {status}): {last[1]}")


def test_check_broker_reaches_the_real_broker(kafka_bootstrap: str) -> None:
    ok, detail = check_broker(kafka_bootstrap, timeout_s=5)
    assert ok, detail
    assert kafka_bootstrap in detail


def test_readiness_follows_the_broker(proxy: TcpProxy) -> None:
    health = Health(required=["models"])
    server = serve("127.0.0.1", 0, health)
    monitor = BrokerMonitor(f"127.0.0.1:{proxy.port}", health, interval_s=0.5, timeout_s=2)
    try:
        monitor.start()
        # broker reachable but models not loaded yet: not ready
        body = wait_for_status(server.url, 503)
        time.sleep(1.5)
        status, body = readyz(server.url)
        assert status == 503 and body["components"]["models"]["ready"] is False
        health.set_ready("models", True)
        wait_for_status(server.url, 200)
        assert REGISTRY.get_sample_value("newsmon_broker_connected") == 1

        proxy.close()  # the broker goes away
        body = wait_for_status(server.url, 503)
        assert body["components"]["broker"]["ready"] is False
        assert "cannot reach broker" in body["components"]["broker"]["detail"]
        assert REGISTRY.get_sample_value("newsmon_broker_connected") == 0

        proxy.open()  # and comes back
        wait_for_status(server.url, 200)
    finally:
        monitor.stop()
        server.close()


def test_consumer_lag_counts_uncommitted_records(kafka_settings: Settings) -> None:
    bootstrap = kafka_settings.kafka.bootstrap_servers
    topic = kafka_settings.topics.articles
    group = f"{kafka_settings.worker.app_id}-lagtest"
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    for i in range(7):
        producer.send(topic, key=b"k", value=f"{i}".encode())  # one key: one partition
    producer.flush(10)
    producer.close()

    lag = lag_when_available(bootstrap, group, topic)
    assert len(lag) == kafka_settings.topics.partitions
    assert sum(lag.values()) == 7  # never committed: everything is to do

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    seen = 0
    deadline = time.monotonic() + 30
    while seen < 3 and time.monotonic() < deadline:
        for tp, records in consumer.poll(timeout_ms=500, max_records=3 - seen).items():
            seen += len(records)
            consumer.commit({tp: _offset_after(records[-1].offset)})
    consumer.close()
    assert seen == 3
    lag = consumer_lag(bootstrap, group, [topic])
    assert sum(lag.values()) == 4

    monitor = ConsumerLagMonitor(bootstrap, group, [topic])
    monitor.check_once()
    exported = [
        REGISTRY.get_sample_value(
            "newsmon_consumer_lag_messages", {"group": group, "topic": topic, "partition": str(p)}
        )
        for p in range(kafka_settings.topics.partitions)
    ]
    assert sum(v or 0 for v in exported) == 4


def lag_when_available(bootstrap: str, group: str, topic: str) -> dict[tuple[str, int], int]:
    """consumer_lag, retried while a fresh broker is still creating __consumer_offsets (the
    group coordinator is unavailable until then; the monitor thread simply retries too)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return consumer_lag(bootstrap, group, [topic])
        except Exception as exc:
            if not getattr(exc, "retriable", False) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _offset_after(offset: int):  # type: ignore[no-untyped-def]
    from kafka import OffsetAndMetadata

    try:
        return OffsetAndMetadata(offset + 1, "", -1)
    except TypeError:  # older signature without leader epoch
        return OffsetAndMetadata(offset + 1, "")  # type: ignore[call-arg]


def test_worker_process_readiness_follows_the_broker(
    kafka_settings: Settings, proxy: TcpProxy, tmp_path: Path
) -> None:
    """The real ``newsmon worker``: /healthz answers while it starts, /readyz turns 200 only
    once the broker is reachable and the models are loaded, 503 when the broker's address
    stops answering, 200 again when it returns; SIGTERM ends it cleanly."""
    port = free_port()
    worker = NewsmonProcess(
        kafka_settings,
        tmp_path / "worker.log",
        "worker",
        NEWSMON_METRICS__WORKER_PORT=str(port),
        NEWSMON_METRICS__HOST="127.0.0.1",
        # the health check goes through the proxy; Kafka clients follow the advertised address
        NEWSMON_KAFKA__BOOTSTRAP_SERVERS=f"127.0.0.1:{proxy.port}",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        body = wait_for_status(url, 200, timeout=180, proc=worker)
        assert body["components"]["models"]["ready"] is True
        assert body["components"]["broker"]["ready"] is True
        # Faust bootstraps its own clients after the models load; once it has joined the group
        # they talk to the advertised broker address, not through the proxy.
        deadline = time.monotonic() + 60
        while "Worker ready" not in worker.log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline and worker.proc.poll() is None, "Faust not up"
            time.sleep(0.5)

        proxy.close()
        body = wait_for_status(url, 503, timeout=30, proc=worker)  # checked every 10 s
        assert body["components"]["broker"]["ready"] is False
        with urllib.request.urlopen(url + "/healthz", timeout=5) as resp:
            assert resp.status == 200  # an outage is not a reason to restart the worker

        proxy.open()
        wait_for_status(url, 200, timeout=30, proc=worker)
    except (AssertionError, OSError) as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker.log_tail()}") from exc
    finally:
        code = worker.stop()
    assert code == 0, worker.log_tail()
