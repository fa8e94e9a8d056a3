"""Run newsmon commands as real processes against the test broker, and read topics back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer

from pipeline.config import Settings

REPO = Path(__file__).resolve().parents[2]


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that makes a child ``newsmon`` see exactly ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    for name in ("NEWSMON_CORPUS_DIR", "NEWSMON_REQUIRE_CORPUS"):
        if name in os.environ:
            env[name] = os.environ[name]
    for section, values in settings.model_dump().items():
        for key, value in values.items():
            if value is None:
                continue
            env[f"NEWSMON_{section.upper()}__{key.upper()}"] = (
                json.dumps(value) if isinstance(value, bool | list | dict) else str(value)
            )
    env["NEWSMON_LOGGING__FORMAT"] = "json"
    # Any free port, so test processes never collide with a running `make run`.
    env["NEWSMON_METRICS__WORKER_PORT"] = "0"
    env["NEWSMON_METRICS__POLLER_PORT"] = "0"
    env.update(extra)
    return env


def newsmon_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def run_newsmon(
    settings: Settings, *args: str, timeout: float = 120, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        newsmon_argv(*args),
        env=settings_env(settings, **extra),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class NewsmonProcess:
    """A long-running ``newsmon`` child (worker, poller) with its output kept in a file."""

    def __init__(self, settings: Settings, log_path: Path, *args: str, **extra: str):
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            newsmon_argv(*args),
            env=settings_env(settings, **extra),
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def log_records(self) -> list[tuple[str, dict[str, Any]]]:
        """Each JSON log line with its record; other output (a terminal escape, a traceback
        line) is skipped."""
        found = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict):
                found.append((line, rec))
        return found

    def log_digest(self, last: int = 8) -> str:
        """What a failure message needs first, short enough not to be cut: how often each
        event was logged, every warning or error (clipped), then the last few lines."""
        counts: dict[str, int] = {}
        alarms: list[str] = []
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        for line, rec in self.log_records():
            event = str(rec.get("event", ""))[:60]
            counts[event] = counts.get(event, 0) + 1
            if rec.get("level") in ("warning", "error", "critical"):
                alarms.append(f"{rec.get('ts', '')} {rec.get('level')} {line[:300]}")
        common = sorted(counts.items(), key=lambda kv: -kv[1])[:12]
        return "\n".join(
            ["events: " + ", ".join(f"{n} x{c}" for n, c in common), "warnings and errors:"]
            + alarms[-25:]
            + ["last lines:"]
            + [ln[:300] for ln in lines[-last:]]
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def __enter__(self) -> NewsmonProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class TopicReader:
    """Reads a topic from the beginning and keeps what it has seen across calls."""

    def __init__(self, bootstrap: str, topic: str):
        self.records: list[dict[str, Any]] = []
        self._consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
            consumer_timeout_ms=500,
        )

    def poll(self, seconds: float = 1.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for msgs in self._consumer.poll(timeout_ms=200).values():
                self.records.extend(json.loads(m.value) for m in msgs)
        return self.records

    def wait_for(
        self, done: Callable[[list[dict[str, Any]]], bool], timeout: float
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not done(self.records):
            self.poll(1.0)
        return self.records

    def close(self) -> None:
        self._consumer.close()
