"""``newsmon alerts tail``: print alerts as they arrive, one readable line each (or raw JSON).

Exit status: 0 when it stopped normally (``--max`` reached, ``--timeout`` passed without
``--max``, or Ctrl-C), 1 when ``--timeout`` passed before ``--max`` alerts arrived (so scripts
and tests can wait for N alerts), 2 when it could not start (broker or topic missing).

On a terminal the lines are coloured by event type (``NO_COLOR`` turns that off); in a pipe or
a file they are plain.
"""

from __future__ import annotations

import argparse
import os
import sys

from pipeline.alerts.colour import use_colour
from pipeline.alerts.tail import TailError, TailOptions, alert_topics, follow, open_consumer
from pipeline.config import Settings
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.alerts.tail")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("alerts", help="read mediation and sanctions alerts")
    asub = p.add_subparsers(dest="alerts_command", metavar="ACTION")
    asub.required = True
    t = asub.add_parser(
        "tail",
        help="print alerts as they arrive",
        description="Print alerts from the alert topics, one readable line each.",
    )
    t.add_argument("--type", choices=["mediation", "sanctions"], help="one alert type only")
    t.add_argument(
        "--from-beginning", action="store_true", help="start at the oldest alert, not new ones"
    )
    t.add_argument("--json", action="store_true", help="print each alert's JSON record")
    t.add_argument("--max", type=int, metavar="N", help="stop after N alerts")
    t.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds")
    t.add_argument(
        "--group", help="consumer group: commit offsets and resume there (default: none)"
    )
    t.set_defaults(func=run)

    sv = asub.add_parser(
        "serve",
        help="the analysts' page, Atom feeds and JSON of alerts (and Alertmanager forwarding)",
        description="Follow the alert topics into a local index and serve it over HTTP; with "
        "analysts.alertmanager_url set, also post every alert to that Alertmanager.",
    )
    sv.add_argument("--port", type=int, help="override analysts.port (0: any free port)")
    sv.set_defaults(func=run_serve)

    from pipeline.cli.feedback_cmd import register_mark

    register_mark(asub)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    from pipeline.analysts.service import ServeError, run_service

    if args.port is not None:
        settings.analysts.port = args.port
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def ready(url: str) -> None:
        print(f"newsmon alerts serve: page {url}/  feed {url}/feeds/alerts.atom  "
              f"json {url}/api/alerts", flush=True)

    try:
        return run_service(settings, stop, on_ready=ready)
    except ServeError as exc:
        print(f"newsmon alerts serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        a = settings.analysts
        print(f"newsmon alerts serve: cannot listen on {a.host}:{a.port} "
              f"(analysts.port): {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.max is not None and args.max < 1:
        print("newsmon alerts tail: --max must be at least 1", file=sys.stderr)
        return 2
    if args.timeout is not None and args.timeout <= 0:
        print("newsmon alerts tail: --timeout must be positive", file=sys.stderr)
        return 2
    opts = TailOptions(
        topics=alert_topics(settings, args.type),
        from_beginning=args.from_beginning,
        as_json=args.json,
        max_alerts=args.max,
        timeout_s=args.timeout,
        group=args.group,
        colour=not args.json and use_colour(sys.stdout, os.environ),
    )
    try:
        consumer = open_consumer(settings, opts)
    except TailError as exc:
        print(f"newsmon alerts tail: {exc}", file=sys.stderr)
        return 2
    # on stderr: says the consumer is positioned, so alerts sent from now on will be printed
    log_event(log, "alerts_tail_started", topics=opts.topics, from_beginning=opts.from_beginning)
    try:
        printed = follow(consumer, opts, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        return 0
    finally:
        consumer.close()
    if opts.max_alerts is not None and printed < opts.max_alerts:
        print(
            f"newsmon alerts tail: {printed} of {opts.max_alerts} alerts within {opts.timeout_s}s",
            file=sys.stderr,
        )
        return 1
    return 0
