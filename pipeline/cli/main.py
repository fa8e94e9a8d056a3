"""``newsmon`` entry point: one sub-command module per area, each with ``register(sub)``.

Commands from outside the core library (the Faust ``worker`` in ``agents``) arrive through the
``newsmon.commands`` entry-point group, which keeps ``pipeline`` free of imports of ``agents``.

Each command module adds its parsers and sets ``func(args, settings) -> int`` as the handler,
so areas evolve without touching this file's logic.

Exit codes are decided here, once for every command (README, "Command line"):
0 ok; 1 failure; 2 bad input or configuration (argparse's usage errors too); 130 Ctrl-C
(SIGINT) of a command that is not meant to run until stopped. A reader that closes the pipe
early (``newsmon feeds check FEED | head -1``) is not an error: the output stops, exit 0, no
traceback. Commands may return other documented codes (``broker status``: 3 when stopped).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from importlib.metadata import entry_points

from pipeline import __version__
from pipeline.config import ConfigError, Settings, load_settings
from pipeline.kafka.security import BrokerAuthError, SecurityError
from pipeline.logs import setup_logging

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

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
    "pipeline.cli.doctor_cmd",
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
    """Run one command; a closed pipe or Ctrl-C ends it quietly with the documented code."""
    # Ctrl-C must stop any command, even one a shell started in the background (SIG_IGN).
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = _run(argv)
        sys.stdout.flush()  # a pipe closed by the reader fails here, inside the handler below
        return code
    except BrokenPipeError:
        _discard_output()
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings: Settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"newsmon: configuration error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.log_level:
        settings.logging.level = args.log_level.upper()
    setup_logging(settings.logging.level, settings.logging.format)
    try:
        return int(args.func(args, settings) or 0)
    except ConfigError as exc:
        print(f"newsmon: configuration error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (SecurityError, BrokerAuthError) as exc:  # retrying cannot fix either: one line
        print(f"newsmon: kafka security: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _discard_output() -> None:
    """Point stdout (and stderr, when it is the same closed pipe) at /dev/null, so the
    interpreter's final flush cannot raise a second BrokenPipeError at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        same_pipe = os.path.samestat(os.fstat(1), os.fstat(2))
    except OSError:
        same_pipe = False
    os.dup2(devnull, 1)
    if same_pipe:
        os.dup2(devnull, 2)
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
