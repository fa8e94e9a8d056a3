"""What instrumentation costs the pipeline, as ratios against baselines run in the same process.

Figures printed:
- record_poll(): one poll's bookkeeping (outcome, fetch time, bytes, articles, feed health,
  staleness) vs the bare ``Counter.labels(...).inc()`` it is built on;
- record_stage(): one batch's bookkeeping vs the same bare counter increment;
- scrape: rendering the whole registry with ``--feeds`` feeds tracked (series per feed,
  ms per scrape) and serving it over HTTP through pipeline.health's server vs
  prometheus_client's own ``start_http_server`` on the same registry (ratio ~1 = the health
  paths cost the scrape nothing).

Run: .venv/bin/python benchmarks/bench_metrics.py [--feeds 1000] [--n 20000]
"""

from __future__ import annotations

import argparse
import time
import urllib.request
from collections.abc import Callable

from prometheus_client import REGISTRY, Counter, generate_latest, start_http_server

from pipeline import metrics as m
from pipeline.health import Health, serve
from pipeline.kafka.broker import free_port

BARE = Counter("bench_bare", "baseline counter", ["feed", "outcome"])


def per_call(fn: Callable[[int], None], n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for i in range(n):
            fn(i)
        best = min(best, (time.perf_counter() - start) / n)
    return best


def fetch_time(url: str, n: int) -> float:
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as resp:
            resp.read()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    feeds = [f"feed-{i:05d}" for i in range(args.feeds)]
    for feed in feeds:
        m.track_feed(feed)

    bare = per_call(lambda i: BARE.labels(feed=feeds[i % len(feeds)], outcome="new").inc(), args.n)
    poll = per_call(
        lambda i: m.record_poll(
            feeds[i % len(feeds)], "new", duration_s=0.2, fetched_bytes=5000, published=2
        ),
        args.n,
    )
    stage = per_call(lambda i: m.record_stage("enrich", 16, 16), args.n)
    print(f"bare counter inc      {bare * 1e6:8.2f} us")
    print(f"record_poll()         {poll * 1e6:8.2f} us   ratio {poll / bare:5.1f}x bare")
    print(f"record_stage()        {stage * 1e6:8.2f} us   ratio {stage / bare:5.1f}x bare")

    text = generate_latest(REGISTRY)
    feed_lines = sum(1 for line in text.splitlines() if b'feed="feed-00000"' in line)
    render = min(
        (lambda s: (generate_latest(REGISTRY), time.perf_counter() - s)[1])(time.perf_counter())
        for _ in range(5)
    )
    print(
        f"registry              {len(text) / 1024:8.0f} KiB, {feed_lines} series per feed, "
        f"render {render * 1e3:.1f} ms with {args.feeds} feeds"
    )

    ours = serve("127.0.0.1", 0, Health())
    theirs_port = free_port()
    theirs, _thread = start_http_server(theirs_port, addr="127.0.0.1")
    try:
        t_ours = fetch_time(ours.url + "/metrics", 10)
        t_theirs = fetch_time(f"http://127.0.0.1:{theirs_port}/metrics", 10)
    finally:
        ours.close()
        theirs.shutdown()
    print(
        f"HTTP scrape           {t_ours * 1e3:8.1f} ms (pipeline.health) vs "
        f"{t_theirs * 1e3:.1f} ms (prometheus_client) ratio {t_ours / t_theirs:.2f}"
    )


if __name__ == "__main__":
    main()
