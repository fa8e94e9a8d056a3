"""``newsmon run``: the whole pipeline on one machine, for ``make run``.

Starts (or reuses) the local broker, creates the topics, serves the demo feed when the feeds
file is the demo one, runs the poller and the worker as child processes, and prints every alert
as it fires. Ctrl-C stops, in reverse order, everything this command started and nothing it did
not.

The terminal is for a person: it gets sentences (``newsmon: ...`` on stderr) and alert lines
(stdout), nothing else. Every JSON log line, this process's own included, goes to a file in
``.newsmon/logs/`` whose name is printed once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Settings, resolve_path
from pipeline.logs import get_logger, log_event, log_to_file

if TYPE_CHECKING:
    from pipeline.kafka.broker import LocalBroker

log = get_logger("newsmon.run")
STOP_TIMEOUT_S = 20.0
TAIL_READY_EVENT = "alerts_tail_started"  # logged by `newsmon alerts tail` once positioned
TAIL_READY_TIMEOUT_S = 60.0


def _say(message: str) -> None:
    print(f"newsmon: {message}", file=sys.stderr, flush=True)


class ChildProcess:
    """A child in its own session, so Ctrl-C reaches only us and we stop children in order."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        log_path: Path | None,
        env: dict[str, str],
        keep_stdout: bool = False,
    ):
        """``keep_stdout``: the child prints to our terminal, only its stderr (logs) goes to
        ``log_path``."""
        self.name = name
        self.log_path = log_path
        self.log_start = log_path.stat().st_size if log_path and log_path.exists() else 0
        self._log = open(log_path, "ab") if log_path else None  # noqa: SIM115
        self.proc = subprocess.Popen(
            argv,
            stdout=None if keep_stdout else self._log,
            stderr=self._log,
            env=env,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                log_event(log, "child_killed", child=self.name, timeout_s=STOP_TIMEOUT_S)
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self._log:
            self._log.close()


def _is_demo(feeds_file: str) -> bool:
    return Path(feeds_file).name.startswith("feeds-demo")


def _sigterm_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_all(settings: Settings, demo_port: int = 8765) -> int:
    from pipeline.kafka.admin import ensure_topics
    from pipeline.kafka.broker import LocalBroker

    # Explicit for SIGINT too: a shell that starts us in the background may have ignored it.
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    signal.signal(signal.SIGINT, _sigterm_as_interrupt)

    logs_dir = resolve_path(settings.broker.data_dir).parent / "logs"
    logs_dir.mkdir(parents=True, exist_ok=True)
    log_to_file(logs_dir / "run.log")
    _say(f"logs (JSON lines) go to {logs_dir}/: run.log and one file per process")
    env = dict(os.environ)
    env["NEWSMON_BOOTSTRAP"] = settings.kafka.bootstrap_servers
    env["NEWSMON_FEEDS"] = settings.poller.feeds_file
    newsmon = [sys.executable, "-m", "pipeline"]
    children: list[ChildProcess] = []

    with ExitStack() as stack:
        broker = LocalBroker(settings.broker)
        if broker.status().running:
            _say(f"using the running broker at {broker.bootstrap}")
        else:
            _say("starting the local Kafka broker (first run downloads its jars)...")
            broker.start()
            stack.callback(_stop_broker, broker)
        _say(f"broker ready at {broker.bootstrap}")
        # Clients follow the broker this command manages, whatever kafka.bootstrap_servers says.
        settings.kafka.bootstrap_servers = broker.bootstrap
        env["NEWSMON_BOOTSTRAP"] = broker.bootstrap
        ensure_topics(settings)

        if _is_demo(settings.poller.feeds_file):
            from pipeline.demo.server import DemoFeedServer

            demo = stack.enter_context(DemoFeedServer(port=demo_port))
            _say(f"serving the demo feed at {demo.feed_url}")

        stack.callback(_stop_children, children)
        for name, argv in (
            ("worker", [*newsmon, "worker"]),
            ("poller", [*newsmon, "poll"]),
        ):
            children.append(ChildProcess(name, argv, logs_dir / f"{name}.log", env))
            _say(f"started the {name} (log: {name}.log)")
        serve_log = logs_dir / "alerts-serve.log"
        if not settings.analysts.port:  # 0: any free port, chosen here so we can print it
            from pipeline.kafka.broker import free_port

            settings.analysts.port = free_port()
        env["NEWSMON_ANALYSTS__PORT"] = str(settings.analysts.port)
        children.append(
            ChildProcess("analysts' page", [*newsmon, "alerts", "serve"], serve_log, env)
        )
        _say(f"analysts' page at {_analysts_url(settings)} (log: {serve_log.name})")
        tail = ChildProcess(
            "alert tail", [*newsmon, "alerts", "tail"], logs_dir / "alerts.log", env,
            keep_stdout=True,
        )
        children.append(tail)
        try:
            _wait_for_tail(tail, children)
            if all(child.proc.poll() is None for child in children):
                _say("waiting for alerts (Ctrl-C stops everything)")
            while True:
                for child in children:
                    code = child.proc.poll()
                    if code is not None:
                        where = f" (log: {child.log_path})" if child.log_path else ""
                        _say(f"the {child.name} exited with code {code}; stopping{where}")
                        return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            _say("stopping...")
            return 0
    return 0


def _wait_for_tail(tail: ChildProcess, children: list[ChildProcess]) -> None:
    """Return once the alert tail is positioned (from then on no alert is missed), a child
    exited (the main loop reports it) or the tail took too long, so "waiting for alerts" is
    said when it is true."""
    deadline = time.monotonic() + TAIL_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(child.proc.poll() is not None for child in children):
            return
        try:
            if tail.log_path:
                with tail.log_path.open("rb") as fh:
                    fh.seek(tail.log_start)
                    if TAIL_READY_EVENT.encode() in fh.read():
                        return
        except OSError:
            pass
        time.sleep(0.2)


def _analysts_url(settings: Settings) -> str:
    a = settings.analysts
    return (a.public_url or f"http://{a.host}:{a.port}").rstrip("/") + "/"


def _stop_children(children: list[ChildProcess]) -> None:
    for child in reversed(children):
        child.stop()
        _say(f"stopped the {child.name}")


def _stop_broker(broker: LocalBroker) -> None:
    broker.stop()
    _say("stopped the broker")
