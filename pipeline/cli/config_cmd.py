"""``newsmon config show|check``: see the effective settings, validate them."""

from __future__ import annotations

import argparse
import json

from pipeline.config import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("config", help="show or check the effective settings")
    p.add_argument("action", choices=["show", "check"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "show":
        print(json.dumps(settings.model_dump(), indent=2))
    else:
        print("configuration ok")
    return 0
