"""``newsmon broker start|stop|status|jars``: the local single-node Kafka broker.

Exit codes: 0 ok (status: running), 1 failure (message on stderr with the broker's last log
lines), 3 status: stopped. ``start`` on a running broker says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time

from pipeline.config import Settings
from pipeline.kafka.broker import BrokerError, LocalBroker
from pipeline.logs import get_logger, log_event

EXIT_STOPPED = 3
logger = get_logger(__name__)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("broker", help="run the local Kafka broker (KRaft, jars via Maven)")
    p.add_argument(
        "action",
        choices=["start", "stop", "status", "jars"],
        help="start (idempotent), stop, status (exit 3 when stopped), jars (fetch only)",
    )
    p.add_argument(
        "--stop-timeout", type=float, default=30.0, help="seconds before SIGTERM becomes SIGKILL"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    broker = LocalBroker(settings.broker)
    try:
        if args.action == "status":
            status = broker.status()
            print(status.describe())
            return 0 if status.running else EXIT_STOPPED
        if args.action == "jars":
            began = time.monotonic()
            libs = broker.ensure_jars(progress=lambda line: print(f"    {line}", flush=True))
            log_event(logger, "broker_jars_ready", libs=str(libs),
                      seconds=round(time.monotonic() - began, 2))
            return 0
        if args.action == "start":
            before = broker.status()
            if before.running:
                print(f"already running: {before.describe()}")
                return 0
            began = time.monotonic()
            status = broker.start()
            took = time.monotonic() - began
            log_event(logger, "broker_started", pid=status.pid, bootstrap=status.bootstrap,
                      seconds=round(took, 2))
            print(f"started in {took:.1f}s: {status.describe()}")
            return 0
        # stop
        stopped = broker.stop(timeout=args.stop_timeout)
        if stopped:
            log_event(logger, "broker_stopped", bootstrap=broker.bootstrap)
            print(f"broker stopped ({broker.bootstrap})")
        else:
            print(f"broker was not running ({broker.bootstrap})")
        return 0
    except BrokerError as exc:
        print(f"newsmon broker {args.action}: {exc}", file=sys.stderr)
        return 1
