"""``newsmon topics create|list``: create newsmon's topics up front, show what the broker has."""

from __future__ import annotations

import argparse
import sys

from pipeline.config import Settings
from pipeline.kafka.admin import BrokerUnavailable, TopicError, ensure_topics, list_topics


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("topics", help="create or list Kafka topics")
    p.add_argument("action", choices=["create", "list"])
    p.add_argument("--all", action="store_true", help="list: include internal topics (__*)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the broker")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        if args.action == "create":
            created = ensure_topics(settings, timeout=args.timeout)
            for spec in settings.topics.all():
                state = "created" if spec.name in created else "exists"
                print(f"{spec.name}\t{spec.partitions} partitions\t{state}")
            return 0
        for name, partitions in list_topics(settings, args.all, args.timeout).items():
            print(f"{name}\t{partitions}")
        return 0
    except (BrokerUnavailable, TopicError) as exc:
        print(f"newsmon topics {args.action}: {exc}", file=sys.stderr)
        return 1
