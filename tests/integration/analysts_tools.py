"""Real tools for the analysts' tests: Alertmanager, a webhook receiver, `alerts serve`.

Debian's ``prometheus-alertmanager`` and ``chromium`` are installed by ``make test``; tests skip
without them, and fail instead when NEWSMON_REQUIRE_PROMETHEUS=1 (CI), like the Prometheus test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Settings
from pipeline.kafka.broker import free_port
from pipeline.kafka.producer import make_producer
from pipeline.schema import Alert, dumps
from tests.integration.procs import NewsmonProcess

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / ".newsmon" / "artifacts"
AM_EXAMPLE = REPO / "deploy" / "alertmanager" / "alertmanager.yml"


def require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("NEWSMON_REQUIRE_PROMETHEUS") == "1":
            pytest.fail(f"{name} required (NEWSMON_REQUIRE_PROMETHEUS=1) but not on PATH")
        pytest.skip(f"{name} not installed (Debian package {package}; `make test` installs it)")
    return path


def http_json(url: str, body: Any = None, method: str | None = None, timeout: float = 10) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data else "GET"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def wait_until(check: Any, timeout: float, what: str, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (OSError, urllib.error.URLError, ValueError) as exc:
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what} (last: {last!r})")


def send_alerts(settings: Settings, alerts: list[Alert]) -> None:
    producer = make_producer(settings)
    try:
        for alert in alerts:
            topic = settings.topics.alert_topic(alert.event.type)
            producer.send(topic, key=alert.event_id.encode(), value=dumps(alert)).get(30)
    finally:
        producer.close()


class WebhookReceiver:
    """What Alertmanager's webhook receiver posts, kept in order (one notification a POST)."""

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self) -> list[dict[str, Any]]:
        return [a for n in self.received for a in n.get("alerts", [])]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Alertmanager:
    """A real Alertmanager on a free port: group by event, notify the receiver at once."""

    def __init__(self, binary: str, workdir: Path, webhook_url: str) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        example = yaml.safe_load(AM_EXAMPLE.read_text())
        # the example's route and receiver, with test timings and the test's webhook URL
        example["route"].update(group_wait="0s", group_interval="1s", repeat_interval="1h")
        example["receivers"][0]["webhook_configs"][0]["url"] = webhook_url
        self.config = workdir / "alertmanager.yml"
        self.config.write_text(yaml.safe_dump(example))
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "alertmanager.log"

    def start(self) -> None:
        log = open(self.log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                self.binary,
                f"--config.file={self.config}",
                f"--storage.path={self.workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",  # one node, no gossip port
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(lambda: http_json(f"{self.url}/api/v2/status"), 30,
                   f"alertmanager at {self.url}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def alerts(self) -> list[dict[str, Any]]:
        return http_json(f"{self.url}/api/v2/alerts")  # type: ignore[no-any-return]


class AlertsServe:
    """``newsmon alerts serve`` as a real process on a free port."""

    def __init__(self, settings: Settings, workdir: Path, **extra: str) -> None:
        self.settings = settings
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra = {
            "NEWSMON_ANALYSTS__PORT": str(self.port),
            "NEWSMON_ANALYSTS__INDEX_DB": str(workdir / "analysts.sqlite"),
            **extra,
        }
        self.proc: NewsmonProcess | None = None

    def start(self) -> AlertsServe:
        self.proc = NewsmonProcess(self.settings, self.workdir / "serve.log", "alerts", "serve",
                                   **self.extra)
        wait_until(lambda: http_json(f"{self.url}/healthz")["ready"], 60,
                   f"alerts serve at {self.url}: {self.log_tail()}")
        return self

    def log_tail(self) -> str:
        return self.proc.log_tail() if self.proc else ""

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()

    def api(self, query: str = "") -> dict[str, Any]:
        return http_json(f"{self.url}/api/alerts{query}")  # type: ignore[no-any-return]

    def wait_for_events(self, n: int, query: str = "", timeout: float = 60) -> dict[str, Any]:
        return wait_until(lambda: (d := self.api(query))["count"] >= n and d, timeout,
                          f"{n} events at {self.url}/api/alerts{query}")  # type: ignore[no-any-return]
