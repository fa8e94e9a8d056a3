"""Crash soak: N kill -9s of the worker at random points in a run of M generated articles.

    .venv/bin/python benchmarks/crash_soak.py [--articles 7000] [--kills 2] [--seed 1]
                                               [--runs 1] [--bootstrap HOST:PORT]

Starts its own single-node broker (unless ``--bootstrap`` names one), publishes M articles
from the deterministic generator (``pipeline.demo.synthetic``), runs ``newsmon worker`` and
kills it with SIGKILL each time the count of distinct ids on ``news.enriched`` reaches one of N
random points, restarting it at once. Prints per run: lost articles (and the lost offset
ranges per partition), duplicate enriched records, duplicate ``new`` alerts, alerts against the
clean-run set computed in process, consumer lag left after the run, and the longest stall
(time without a new id on ``news.enriched`` - a kill's cost: restart, model load, rebalance).
Exits 1 if any article was lost, any alert repeated or missing, or lag stayed.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.kafka.admin import ensure_topics, wait_for_broker
from pipeline.kafka.broker import LocalBroker, free_port
from tests.integration.conftest import unique_settings
from tests.integration.crash import expected_alerts, generated, run_crash


def _start_broker(data_dir: Path) -> LocalBroker:
    from pipeline.config import load_settings

    base = load_settings().broker
    port, controller = free_port(), free_port()
    while controller == port:
        controller = free_port()
    update = {"data_dir": str(data_dir), "port": port, "controller_port": controller}
    broker = LocalBroker(base.model_copy(update=update), die_with_parent=True)
    broker.start()
    return broker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=7000)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=1, help="worker replicas (kills go round them)"
    )
    parser.add_argument("--pad", type=int, default=0, help="pad articles to ~N characters")
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args(argv)
    # SIGTERM runs the finally blocks: the worker child and the broker are stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    tmp = Path(tempfile.mkdtemp(prefix="newsmon-soak-"))
    broker = None if args.bootstrap else _start_broker(tmp / "broker")
    bootstrap = args.bootstrap or (broker.bootstrap if broker else "")
    wait_for_broker(bootstrap, timeout=60)
    failed = False
    try:
        articles = generated(args.articles, seed=args.seed, pad=args.pad)
        expected = None
        for run in range(args.runs):
            rng = random.Random(args.seed * 1000 + run)
            window = range(args.articles // 10, args.articles * 8 // 10)
            kill_at = sorted(rng.sample(window, args.kills))
            settings = unique_settings(bootstrap, tmp / f"run-{run}")
            ensure_topics(settings, timeout=60)
            if expected is None:
                expected = expected_alerts(settings, articles)
            report = run_crash(
                settings, articles, kill_at, tmp / f"run-{run}", workers=args.workers
            )
            summary = report.summary()
            summary.update(
                run=run + 1,
                workers=args.workers,
                kill_at=kill_at,
                kill_times_s=[round(t, 1) for t in report.kill_times],
                expected_alerts=len(expected),
                missing_alerts=len(expected - report.alert_set),
                unexpected_alerts=len(report.alert_set - expected),
                logs=str(tmp / f"run-{run}"),
            )
            print(json.dumps(summary), flush=True)
            failed = failed or bool(
                summary["lost"]
                or summary["duplicate_alerts"]
                or summary["missing_alerts"]
                or summary["stuck_lag"]
            )
    finally:
        if broker is not None:
            broker.stop(timeout=15)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
