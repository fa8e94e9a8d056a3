"""``newsmon demo serve``: serve the bundled demo articles as a local RSS feed."""

from __future__ import annotations

import argparse

from pipeline.config import Settings
from pipeline.demo.server import DemoFeedServer
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.demo")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="serve the bundled demo feed on 127.0.0.1")
    p.add_argument("action", choices=["serve"])
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    server = DemoFeedServer(port=args.port)
    log_event(log, "demo_feed_serving", url=server.feed_url, articles=len(server.articles))
    print(f"demo feed: {server.feed_url} ({len(server.articles)} articles)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.stop()
    return 0
