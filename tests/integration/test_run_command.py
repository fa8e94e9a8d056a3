"""`newsmon run` (what `make run` calls): alerts appear, the terminal holds only sentences and
alert lines (the JSON logs are in the files it names), and Ctrl-C leaves no process behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from pipeline.kafka.broker import free_port
from tests.integration.procs import REPO, newsmon_argv


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if text in cmdline or text.encode() in environ:
            found.append(f"{entry.name}: {cmdline[:120]}")
    return found


def _analysts_page_alerts(stderr: str, want: int, timeout: float = 60) -> list[str]:
    """The alerts the analysts' page (URL as `newsmon run` printed it) lists, via its JSON."""
    found = re.search(r"analysts' page at (http://\S+)/ ", stderr)
    assert found, stderr[-2000:]
    deadline = time.monotonic() + timeout
    got: list[str] = []
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{found.group(1)}/api/alerts", timeout=5) as resp:
                data = json.load(resp)
            got = [f"{a['event']['type']} {a['event']['action']}" for a in data["alerts"]]
        except OSError:
            pass
        if len(got) >= want:
            break
        time.sleep(1)
    return got


def test_run_prints_the_seed_alerts_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    data_dir = tmp_path / "state" / "broker"
    port, controller, demo = free_port(), free_port(), free_port()
    feeds = tmp_path / "feeds-demo.yaml"
    feeds.write_text(
        f"feeds:\n  - id: demo-world\n    url: http://127.0.0.1:{demo}/feeds/world.xml\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env.update(
        NEWSMON_BROKER__DATA_DIR=str(data_dir),
        NEWSMON_BROKER__PORT=str(port),
        NEWSMON_BROKER__CONTROLLER_PORT=str(controller),
        NEWSMON_FEEDS=str(feeds),
        NEWSMON_POLLER__STATE_DB=str(tmp_path / "state" / "poller.sqlite"),
        NEWSMON_WORKER__DATA_DIR=str(tmp_path / "state" / "worker"),
        NEWSMON_WORKER__APP_ID="newsmon-run-test",
        NEWSMON_METRICS__WORKER_PORT="0",
        NEWSMON_METRICS__POLLER_PORT="0",
        NEWSMON_ANALYSTS__PORT="0",
        NEWSMON_ANALYSTS__INDEX_DB=str(tmp_path / "state" / "analysts.sqlite"),
    )
    out = tmp_path / "stdout.txt"
    err = tmp_path / "stderr.txt"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen(
            [*newsmon_argv("run", "--demo-port", str(demo))],
            cwd=REPO,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and len(out.read_text().splitlines()) < 2:
                assert proc.poll() is None, err.read_text()[-3000:]
                time.sleep(1)
            lines = out.read_text().splitlines()
            said_before_alerts = err.read_text().splitlines()
            page = _analysts_page_alerts(err.read_text(), want=2)
            time.sleep(3)
        finally:
            proc.send_signal(signal.SIGINT)
            code = proc.wait(60)
    assert len(lines) == 2, lines
    assert sorted(page) == ["mediation offer", "sanctions impose"]  # the page serves them too
    assert any("mediation offer" in line and "RUS" in line for line in lines)
    assert any("sanctions impose" in line and "IGO:UNSC" in line for line in lines)
    assert code == 0
    # What a person reads: sentences, no JSON log line, no traceback; the logs are named once.
    said = err.read_text().splitlines()
    assert said[: len(said_before_alerts)] == said_before_alerts
    assert said_before_alerts and all(line.startswith("newsmon: ") for line in said), said
    assert not [line for line in said + lines if line.lstrip().startswith("{")], said
    assert "Traceback" not in err.read_text()
    logs_dir = data_dir.parent / "logs"
    assert sum(str(logs_dir) in line for line in said) == 1, said
    assert any("waiting for alerts" in line for line in said_before_alerts), said_before_alerts
    assert "alerts_tail_started" in (logs_dir / "alerts.log").read_text()
    assert "topic_created" in (logs_dir / "run.log").read_text()
    time.sleep(1)
    assert _processes_mentioning(str(tmp_path)) == []
