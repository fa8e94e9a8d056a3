"""``newsmon`` entry point: one sub-command module per area, each with ``register(sub)``.

Commands from outside the core library (the Faust ``worker`` in ``agents``) arrive through the
``newsmon.commands`` entry-point group, which keeps ``pipeline`` free of imports of ``agents``.

Each command module adds its parsers and sets ``func(args, settings) -> int`` as the handler,
so areas evolve without touching this file's logic.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from pipeline import __version__
from pipeline.config import ConfigError, Settings, load_settings
from pipeline.logs import setup_logging

COMMAND_MODULES = (
    "pipeline.cli.broker_cmd",
    "pipeline.cli.topics_cmd",
    "pipeline.cli.poll_cmd",
    "pipeline.cli.feeds_cmd",
    "pipeline.cli.analyze_cmd",
    "pipeline.cli.eval_cmd",
    "pipeline.cli.train_cmd",
    "pipeline.cli.alerts_cmd",
    "pipeline.cli.demo_cmd",
    "pipeline.cli.config_cmd",
    "pipeline.cli.run_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmon",
        description="Streaming news monitor: mediation and sanctions alerts from news feeds.",
    )
    parser.add_argument("--version", action="version", version=f"newsmon {__version__}")
    parser.add_argument("--config", help="settings file (default configs/newsmon.yaml)")
    parser.add_argument("--log-level", help="override logging.level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for plugin in entry_points(group="newsmon.commands"):
        plugin.load()(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings: Settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"newsmon: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.log_level:
        settings.logging.level = args.log_level.upper()
    setup_logging(settings.logging.level, settings.logging.format)
    try:
        return int(args.func(args, settings) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
