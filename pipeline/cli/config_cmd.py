"""``newsmon config show|check``: see the effective settings, validate them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pipeline.config import Settings
from pipeline.kafka.security import client_kwargs, password_source, uses_sasl


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("config", help="show or check the effective settings")
    p.add_argument("action", choices=["show", "check"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "show":
        print(json.dumps(shown(settings), indent=2))
    else:
        client_kwargs(settings.kafka)  # the password and TLS files must be readable, too
        print("configuration ok")
    return 0


def shown(settings: Settings) -> dict[str, Any]:
    """The settings as ``config show`` prints them: the password is never read, only where it
    comes from is said (masked)."""
    tree = settings.model_dump()
    if uses_sasl(settings.kafka):
        tree["kafka"]["sasl_password"] = f"*** (from {password_source(settings.kafka)})"
    return tree
