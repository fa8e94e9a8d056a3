"""Poller throughput and memory: N feeds on a local server, polled over repeated cycles.

    .venv/bin/python benchmarks/poll.py [--feeds 2000] [--cycles 5] [--items 20]

The feed server runs in a child process so the figures are the poller's own. Kafka is not
involved (a counting publisher acks everything): this measures fetch + parse + dedup + state,
the part the poller owns. Cycle 1 is cold (every item new); later cycles are steady state: odd
feeds send an ETag (→ 304), even feeds send none (→ 200, parsed, nothing new), and one feed in
ten gains an item per cycle.

Figures are printed as ratios against baselines measured in the same process, so they compare
across machines: the poller's feeds/s against a bare fetch of the same URLs with the same HTTP
client (no parsing, no state), and each cycle's resident memory against cycle 2's.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import multiprocessing as mp
import os
import pstats
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Settings
from pipeline.feeds.config import FeedConfig
from pipeline.feeds.fetch import FetchLimits, fetch, make_client
from pipeline.feeds.poller import Poller
from pipeline.feeds.store import StateStore
from pipeline.schema import Article

# ------------------------------------------------------------------------------ server


def _feed_doc(i: int, n_items: int, extra: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
        f"<title>Bench feed {i}</title><link>https://bench{i}.example/</link>",
    ]
    for j in range(n_items + extra):
        parts.append(
            f"<item><title>Feed {i} story {j}: talks on the border dispute continue</title>"
            f"<link>https://bench{i}.example/s/{j}?utm_source=rss</link>"
            f"<guid isPermaLink='false'>b{i}-{j}</guid>"
            "<pubDate>Mon, 02 Mar 2026 09:30:00 GMT</pubDate>"
            "<description>&lt;p&gt;Envoys met again on Monday and said the talks would "
            "resume next week in the capital.&lt;/p&gt;</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def _serve(q: Any, n_items: int) -> None:
    cycle = {"n": 1}

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path.startswith("/cycle/"):
                cycle["n"] = int(self.path.rsplit("/", 1)[1])
                self._send(200, b"ok", {})
                return
            i = int(self.path.split("/")[2].split(".")[0])
            c = cycle["n"]
            extra = max(0, c - 1) if i % 10 == 0 else 0
            headers = {}
            if i % 2:
                etag = f'"{i}-{extra}"'
                headers["ETag"] = etag
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", headers)
                    return
            self._send(200, _feed_doc(i, n_items, extra), headers)

        def _send(self, code: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    httpd.request_queue_size = 1024
    q.put(httpd.server_address[1])
    httpd.serve_forever()


# ------------------------------------------------------------------------------ poller side


class CountingPublisher:
    available = True

    def __init__(self) -> None:
        self.count = 0

    def publish(self, articles: Sequence[Article]) -> list[Article]:
        self.count += len(articles)
        return list(articles)

    def close(self, timeout_s: float = 0) -> None:
        pass


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def bare_fetch(settings: Settings, urls: list[str]) -> float:
    """Baseline: the same GETs with the same client and concurrency, nothing else."""
    limits = FetchLimits.from_settings(settings.poller)
    sem = asyncio.Semaphore(settings.poller.concurrency)
    async with make_client(limits, settings.poller.concurrency) as client:

        async def one(u: str) -> None:
            async with sem:
                await fetch(client, u, limits)

        t = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return time.perf_counter() - t


async def main_async(args: argparse.Namespace, base: str, tmp: Path) -> None:
    settings = Settings()
    settings.metrics.enabled = False
    settings.poller.concurrency = args.concurrency
    settings.poller.per_host_concurrency = args.concurrency  # one local host serves all feeds
    settings.poller.jitter = 0.0
    feeds = [FeedConfig(id=f"b{i}", url=f"{base}/f/{i}.xml") for i in range(args.feeds)]
    urls = [f.url for f in feeds]

    import httpx

    async with httpx.AsyncClient() as ctl:
        await ctl.get(f"{base}/cycle/1")
    await bare_fetch(settings, urls[:200])  # warm the server and the client code paths
    baseline_s = await bare_fetch(settings, urls)
    baseline_fps = len(urls) / baseline_s
    print(f"baseline bare fetch: {baseline_fps:,.0f} feeds/s ({baseline_s:.2f}s)")
    print(
        f"{'cycle':>5} {'wall s':>7} {'feeds/s':>8} {'x bare':>7} {'cpu s':>6} "
        f"{'cpu ms/feed':>11} {'published':>9} {'304':>5} {'errors':>6} {'rss MB':>7} "
        f"{'x cyc2':>6} {'peak MB':>7}"
    )
    pub = CountingPublisher()
    with StateStore(tmp / "bench.sqlite") as store:
        poller = Poller(settings, feeds, store=store, publisher=pub)  # type: ignore[arg-type]
        rss_ref = None
        prof = None
        try:
            for cycle in range(1, args.cycles + 1):
                async with httpx.AsyncClient() as ctl:
                    await ctl.get(f"{base}/cycle/{cycle}")
                prof = cProfile.Profile() if args.profile and cycle == args.cycles else None
                before_pub, c0, t0 = pub.count, cpu_s(), time.perf_counter()
                if prof:
                    prof.enable()
                report = await poller.poll_once()
                if prof:
                    prof.disable()
                wall, cpu = time.perf_counter() - t0, cpu_s() - c0
                fps = len(feeds) / wall
                rss = rss_mb()
                if cycle == 2:
                    rss_ref = rss
                ratio = f"{rss / rss_ref:6.2f}" if rss_ref else "     -"
                print(
                    f"{cycle:>5} {wall:7.2f} {fps:8,.0f} {fps / baseline_fps:7.2f} {cpu:6.2f} "
                    f"{1000 * cpu / len(feeds):11.2f} {pub.count - before_pub:>9} "
                    f"{report.not_modified:>5} {report.errors:>6} {rss:7.1f} {ratio} "
                    f"{peak_mb():7.1f}"
                )
        finally:
            await poller.aclose()
    if prof:
        print("\nprofile of the last cycle (event-loop thread only):")
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=2000)
    ap.add_argument("--cycles", type=int, default=5)
    ap.add_argument("--items", type=int, default=20, help="items per feed")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--profile", type=int, default=0, help="print the N hottest functions")
    args = ap.parse_args()
    q: Any = mp.get_context("spawn").Queue()
    server = mp.get_context("spawn").Process(target=_serve, args=(q, args.items), daemon=True)
    server.start()
    try:
        port = q.get(timeout=30)
        print(
            f"poll benchmark: {args.feeds} feeds x {args.items} items, {args.cycles} cycles, "
            f"concurrency {args.concurrency}, server pid {server.pid} (not counted)"
        )
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(main_async(args, f"http://127.0.0.1:{port}", Path(tmp)))
    finally:
        server.terminate()
        server.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
