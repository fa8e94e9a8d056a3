"""``newsmon run``: broker, demo feed, poller, worker and an alert printer in one command."""

from __future__ import annotations

import argparse
import sys

from pipeline.config import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("run", help="run the whole pipeline locally and print alerts as they fire")
    p.add_argument("--demo-port", type=int, default=8765, help="port of the demo feed server")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.kafka.admin import BrokerUnavailable, TopicError
    from pipeline.kafka.broker import BrokerError
    from pipeline.runner import run_all

    try:
        return run_all(settings, demo_port=args.demo_port)
    except (BrokerError, BrokerUnavailable, TopicError) as exc:
        print(f"newsmon run: {exc}", file=sys.stderr)
        print("newsmon run: `newsmon doctor` checks the whole set-up", file=sys.stderr)
        return 1
