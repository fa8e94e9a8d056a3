"""``newsmon poll [--once] [--feeds FILE] [--json]``: run the feed poller.

Without ``--once`` it runs until SIGTERM/SIGINT, then finishes in-flight polls, publishes what
the outbox holds and exits 0. With ``--once`` it polls every feed once and exits: 0 when every
new article was acknowledged by the broker, 3 when some are still waiting in the outbox (they
are sent by the next run), 2 on a bad feeds file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable
from typing import Any

from pipeline.config import Settings, resolve_path
from pipeline.feeds.config import FeedConfigError, load_feeds
from pipeline.feeds.poller import Poller, PollReport
from pipeline.feeds.publish import Publisher
from pipeline.feeds.store import StateStore
from pipeline.logs import get_logger, log_event

logger = get_logger(__name__)

EXIT_PENDING = 3
# The run loop ticks at least every 5 s; a minute without one means it is stuck.
HEARTBEAT_MAX_AGE_S = 60.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "poll",
        help="poll the feeds and publish new articles to Kafka",
        description="Poll the feeds in poller.feeds_file (NEWSMON_FEEDS) and publish new and "
        "updated articles to the articles topic.",
    )
    p.add_argument("--once", action="store_true", help="poll every feed once, flush, exit")
    p.add_argument("--feeds", help="feeds YAML file (default: poller.feeds_file)")
    p.add_argument("--json", action="store_true", help="with --once: print the report as JSON")
    p.set_defaults(func=run)


def _topics_preparer(settings: Settings) -> Callable[[], None]:
    """Create the topics before the first send; raises while the broker is away (the
    publisher retries later, and articles wait in the outbox meanwhile)."""
    from pipeline.kafka.admin import ensure_topics

    def prepare() -> None:
        try:
            ensure_topics(settings, timeout=min(10.0, settings.kafka.request_timeout_ms / 1000))
        except Exception as exc:
            log_event(
                logger,
                "topics_not_ensured",
                level=30,
                bootstrap=settings.kafka.bootstrap_servers,
                error=f"{type(exc).__name__}: {exc}",
            )
            raise

    return prepare


def _start_health(settings: Settings, n_feeds: int) -> Any:
    """/metrics, /healthz, /readyz and the broker monitor; the poller runs without them
    (with a warning) when the port is taken, rather than not polling at all."""
    from pipeline.health import start_service_health

    try:
        service = start_service_health(
            settings, settings.metrics.poller_port, components=("feeds",)
        )
    except OSError as exc:
        log_event(logger, "health_server_failed", level=30, error=str(exc))
        return None
    service.health.set_ready("feeds", n_feeds > 0, f"{n_feeds} feeds")
    return service


def _print_report(report: PollReport, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
        return
    for fid, o in sorted(report.feeds.items()):
        detail = (
            f"{o.error_kind}: {o.error}" if o.error_kind else f"{o.new} new, {o.updated} updated"
        )
        print(f"{fid:32s} {o.outcome:13s} {detail}")
    print(
        f"published {report.published}, not modified {report.not_modified}, "
        f"errors {report.errors}, pending {report.pending}"
    )


async def _main(settings: Settings, args: argparse.Namespace) -> int:
    feeds_file = resolve_path(args.feeds or settings.poller.feeds_file)
    try:
        feed_list = load_feeds(feeds_file)
    except FeedConfigError as exc:
        print(f"newsmon poll: {exc}", file=sys.stderr)
        return 2
    feeds = feed_list.enabled()
    store = StateStore(resolve_path(settings.poller.state_db))
    publisher = Publisher(settings, prepare=_topics_preparer(settings))
    poller = Poller(settings, feeds, store=store, publisher=publisher)
    log_event(logger, "poller_start", feeds=len(feeds), file=str(feeds_file), once=args.once)
    service = None
    try:
        if args.once:
            report = await poller.poll_once()
            _print_report(report, args.json)
            return EXIT_PENDING if report.pending else 0
        service = _start_health(settings, len(feeds))
        health = service.health if service is not None else None
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await poller.run(
            stop, tick=(lambda: health.heartbeat("poller", HEARTBEAT_MAX_AGE_S)) if health else None
        )
        if health is not None:
            health.mark_stopping()
        log_event(logger, "poller_stop", pending=store.pending_count())
        return 0
    finally:
        await poller.aclose()
        await asyncio.to_thread(publisher.close)
        store.close()
        if service is not None:
            service.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.kafka.security_protocol != "PLAINTEXT":
        from pipeline.kafka.admin import preflight

        preflight(settings)  # wrong password / untrusted CA: one line now, not retries later
    return asyncio.run(_main(settings, args))
