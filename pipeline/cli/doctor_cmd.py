"""``newsmon doctor``: one line per check of the set-up, OK or what to do.

Exit codes: 0 when nothing blocks a run (warnings may be listed), 1 when something does (a
FAIL line says what), 2 for a bad configuration (reported by ``newsmon`` before any check).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from pipeline.alerts.colour import use_colour
from pipeline.config import Settings
from pipeline.doctor import Check, is_demo, run_checks

LABELS = {"ok": "OK", "warn": "WARN", "fail": "FAIL"}
COLOURS = {"ok": "32", "warn": "33", "fail": "1;31"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "doctor",
        help="check the set-up: tools, ports, broker, topics, models, disk, feeds",
        description="Check everything newsmon needs, one line per check; exit 1 when "
        "something blocks a run.",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per check")
    p.add_argument("--no-models", action="store_true", help="skip loading the models (faster)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the broker")
    p.add_argument(
        "--demo-port", type=int, default=8765, help="the demo feed's port in `newsmon run`"
    )
    p.set_defaults(func=run)


def _line(check: Check, colour: bool) -> str:
    label = f"{LABELS[check.status]:4s}"
    if colour:
        label = f"\x1b[{COLOURS[check.status]}m{label}\x1b[0m"
    return f"{label}  {check.name:7s} {check.message}"


def run(args: argparse.Namespace, settings: Settings) -> int:
    # The checks' own log events (a model loaded, torch configured) are not for this screen.
    root = logging.getLogger()
    root.setLevel(max(root.level, logging.WARNING))
    colour = not args.json and use_colour(sys.stdout, os.environ)
    checks: list[Check] = []
    for check in run_checks(
        settings,
        demo_port=args.demo_port if is_demo(settings) else None,
        check_models=not args.no_models,
        timeout_s=args.timeout,
    ):
        checks.append(check)
        if args.json:
            print(json.dumps({"check": check.name, "status": check.status,
                              "message": check.message}), flush=True)  # fmt: skip
        else:
            print(_line(check, colour), flush=True)
    blocking = sum(c.blocks for c in checks)
    warnings = sum(c.status == "warn" for c in checks)
    if not args.json:
        if blocking:
            print(f"{blocking} problem(s) block a run, {warnings} warning(s): fix the FAIL lines")
        else:
            print(f"nothing blocks a run ({warnings} warning(s))")
    return 1 if blocking else 0
