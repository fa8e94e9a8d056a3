"""kill -9 of the worker, the poller and the broker at seeded points: nothing lost, no alert
repeated, the consumer lag back to 0 (the delivery guarantee of README.md, docs/delivery.md).

Articles come from the deterministic generator (``pipeline.demo.synthetic``): short, so the
run is quick, and a few carry mediation or sanctions events. The clean run's alert set is
computed in process with the functions the agents call, instead of a second broker run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

import pytest
import yaml

from agents.shutdown import EXIT_SHUTDOWN_TIMEOUT
from pipeline.config import Settings
from pipeline.demo.synthetic import synthetic_articles
from pipeline.health import consumer_lag
from pipeline.kafka.admin import ensure_topics
from pipeline.quiet import OUTAGE_WORDS
from tests.feedserver import FeedServer, Reply, rss
from tests.integration.conftest import started_private_broker, unique_settings
from tests.integration.crash import expected_alerts, publish_articles, run_crash
from tests.integration.procs import NewsmonProcess, TopicReader, run_newsmon
from tests.integration.test_poller import read_all

pytestmark = pytest.mark.slow

ARTICLES = 3000
SEED = 9


def test_worker_killed_twice_mid_batch_loses_nothing_and_repeats_no_alert(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    """Two kill -9s at seeded points (mid-run, hence mid-batch of some partition) and one
    SIGTERM mid-run, each followed by a restart."""
    settings = kafka_settings
    articles = list(synthetic_articles(ARTICLES, seed=SEED))
    rng = random.Random(SEED)
    kill_at = sorted(rng.sample(range(ARTICLES // 10, ARTICLES * 6 // 10), 2))
    term_at = [ARTICLES * 7 // 10]
    report = run_crash(settings, articles, kill_at, tmp_path / "logs", sigterm_at=term_at)
    assert len(report.kill_times) == 2, report.summary()
    assert report.lost_ids == [], report.summary()
    assert report.duplicate_new_alerts == 0, report.summary()
    assert report.alert_set == expected_alerts(settings, articles), report.summary()
    assert report.stuck_lag == 0, report.summary()
    # the killed workers' inference lanes went with them (no models left in memory)
    assert report.lanes_stopped >= 3 * settings.worker.inference_processes, report.lanes_stopped
    assert report.orphans == [], report.orphans
    # SIGTERM mid-run: an orderly exit (neither the deadline's hard exit nor the harness's
    # SIGKILL) well within the shutdown deadline, plus a margin
    [(exit_s, status)] = report.term_exits
    assert status not in (EXIT_SHUTDOWN_TIMEOUT, -signal.SIGKILL), report.term_exits
    assert exit_s < settings.worker.shutdown_timeout_s + 5, report.term_exits


def test_worker_sigterm_while_joining_the_group_exits_within_its_deadline(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    """SIGTERM while the consumer joins the group: the state that used to hang until SIGKILL.
    (Loss after a SIGTERM is covered by the test above.)"""
    settings = kafka_settings
    bound = settings.worker.shutdown_timeout_s + 5
    worker = NewsmonProcess(settings, tmp_path / "w.log", "worker")
    deadline = time.monotonic() + 180
    while "Consumer]: Starting" not in worker.log_path.read_text() and worker.proc.poll() is None:
        assert time.monotonic() < deadline, worker.log_tail()
        time.sleep(0.1)
    t0 = time.monotonic()
    worker.stop(signal.SIGTERM, timeout=bound)
    assert time.monotonic() - t0 < bound, worker.log_tail()


def test_poller_killed_while_publishing_loses_nothing_and_the_outbox_drains(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    n_feeds, per_feed = 20, 60
    with FeedServer() as server:
        feeds = []
        for f in range(n_feeds):
            items = [
                {"title": f"Feed {f} story {i}", "guid": f"f{f}-{i}", "description": "Text."}
                for i in range(per_feed)
            ]
            url = server.route(f"/{f}.xml", Reply(200, rss(items)))
            feeds.append({"id": f"crash-{f}", "url": url})
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(yaml.safe_dump({"feeds": feeds}))
        env = {
            "NEWSMON_FEEDS": str(feeds_file),
            "NEWSMON_POLLER__STATE_DB": str(tmp_path / "p.db"),
        }
        reader = TopicReader(settings.kafka.bootstrap_servers, settings.topics.articles)
        try:
            poller = NewsmonProcess(settings, tmp_path / "poll.log", "poll", **env)
            # kill -9 as soon as the first articles are on the topic: mid-publishing
            reader.wait_for(lambda r: len(r) > 0, 120)
            poller.stop(signal.SIGKILL)
        finally:
            reader.close()
        result = run_newsmon(settings, "poll", "--once", "--json", **env)
        assert result.returncode == 0, result.stderr[-3000:]
    records = read_all(settings.kafka.bootstrap_servers, settings.topics.articles)
    titles = {v["title"] for _, v in records}
    assert titles == {f"Feed {f} story {i}" for f in range(n_feeds) for i in range(per_feed)}
    report = json.loads([ln for ln in result.stdout.splitlines() if ln.startswith("{")][-1])
    assert report["pending"] == 0  # the restarted poller drained the outbox


def test_broker_killed_and_restarted_mid_run_loses_nothing(tmp_path: Path) -> None:
    """Its own broker, since it is killed: kill -9 mid-run, restart on the same data dir.
    Every article is enriched and the commits catch up (no partition left stuck: the stall
    of docs/delivery.md, "Commits stuck after a broker restart")."""
    broker = started_private_broker(tmp_path / "kafka")
    try:
        settings = unique_settings(broker.bootstrap, tmp_path)
        ensure_topics(settings, timeout=30)
        articles = list(synthetic_articles(300, seed=SEED + 2, prefix="brk"))
        publish_articles(settings, articles)
        enriched = TopicReader(settings.kafka.bootstrap_servers, settings.topics.enriched)
        ids = {a.id for a in articles}
        try:
            with NewsmonProcess(settings, tmp_path / "worker.log", "worker") as worker:
                enriched.wait_for(lambda r: len(r) >= 60, 180)
                status = broker.status()
                assert status.pid is not None
                os.kill(status.pid, signal.SIGKILL)
                time.sleep(3)
                broker.start()
                # A reader opened after the restart, from the start of the topic: what is under
                # test is the worker, not how the test's own client rides out the outage.
                enriched.close()
                enriched = TopicReader(settings.kafka.bootstrap_servers, settings.topics.enriched)
                enriched.wait_for(lambda r: ids <= {x["article"]["id"] for x in r}, 240)
                missing = ids - {x["article"]["id"] for x in enriched.records}
                assert not missing, (
                    f"{len(missing)} of {len(ids)} articles not enriched, e.g. "
                    f"{sorted(missing)[:5]}\n{worker.log_digest()}"
                )
                lag = _lag_when_caught_up(settings, within_s=60)
                assert not lag, f"lag {lag}\n{worker.log_digest()}"
            # a quiet outage: the client's warnings are summarised, not written one by one
            client_lines = [
                line
                for line, rec in worker.log_records()
                if rec.get("level") in ("warning", "error", "critical")
                and rec.get("logger", "").startswith(("kafka", "aiokafka"))
                and any(w in rec.get("event", "").lower() for w in OUTAGE_WORDS)
            ]
            assert len(client_lines) <= 5, client_lines[:10]
        finally:
            enriched.close()
    finally:
        broker.stop(timeout=15)


def _lag_when_caught_up(settings: Settings, within_s: float) -> dict[str, int]:
    """The worker group's lag on its input topics once it is 0, or as it stands after
    ``within_s`` (commits follow the last record within a commit interval or two)."""
    topics = [settings.topics.articles, settings.topics.enriched, settings.topics.events]
    deadline = time.monotonic() + within_s
    while True:
        per_tp = consumer_lag(settings.kafka.bootstrap_servers, settings.worker.app_id, topics)
        lag = {f"{topic}[{p}]": v for (topic, p), v in per_tp.items() if v}
        if not lag or time.monotonic() > deadline:
            return lag
        time.sleep(1.0)
