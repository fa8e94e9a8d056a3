"""The walking skeleton end to end: demo feed -> real poller -> real broker -> Faust worker ->
alert topics. The seed article must give exactly one mediation and one sanctions alert, the
demo's other articles none, and a second run nothing new."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Settings
from pipeline.demo.server import DemoFeedServer
from tests.integration.procs import NewsmonProcess, TopicReader, run_newsmon

ALERT_WAIT_S = 180


def _actor_ids(alert: dict[str, Any], role: str) -> set[str]:
    return {a["id"] for a in alert["event"]["roles"].get(role, [])}


@pytest.fixture
def demo_feeds(tmp_path: Path):
    with DemoFeedServer() as server:
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            yaml.safe_dump(
                {"feeds": [{"id": "demo-world", "name": "demo", "url": server.feed_url}]}
            )
        )
        yield server, feeds


def _poll_once(settings: Settings, feeds: Path, state_db: Path) -> None:
    result = run_newsmon(
        settings, "poll", "--once", NEWSMON_FEEDS=str(feeds), NEWSMON_POLLER__STATE_DB=str(state_db)
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_demo_feed_gives_exactly_the_seed_alerts_once(
    kafka_settings: Settings, demo_feeds: tuple[DemoFeedServer, Path], tmp_path: Path
) -> None:
    server, feeds = demo_feeds
    settings = kafka_settings
    bootstrap = settings.kafka.bootstrap_servers
    mediation = TopicReader(bootstrap, settings.topics.alerts_mediation)
    sanctions = TopicReader(bootstrap, settings.topics.alerts_sanctions)
    enriched = TopicReader(bootstrap, settings.topics.enriched)
    n_articles = len(server.articles)

    _poll_once(settings, feeds, tmp_path / "poller.sqlite")
    with NewsmonProcess(settings, tmp_path / "worker.log", "worker") as worker:
        enriched.wait_for(lambda recs: len(recs) >= n_articles, ALERT_WAIT_S)
        assert len(enriched.records) == n_articles, worker.log_tail()
        mediation.wait_for(lambda recs: len(recs) >= 1, 30)
        sanctions.wait_for(lambda recs: len(recs) >= 1, 30)
        # give stragglers a chance to show up before counting
        mediation.poll(3)
        sanctions.poll(1)
        assert len(mediation.records) == 1, (mediation.records, worker.log_tail())
        assert len(sanctions.records) == 1, (sanctions.records, worker.log_tail())
        med, san = mediation.records[0], sanctions.records[0]
        assert med["kind"] == "new" and med["event"]["action"] == "offer"
        assert _actor_ids(med, "mediator") == {"RUS"}
        assert _actor_ids(med, "parties") == {"USA", "PRK"}
        assert san["kind"] == "new" and san["event"]["action"] == "impose"
        assert _actor_ids(san, "sender") == {"IGO:UNSC"}
        assert _actor_ids(san, "target") == {"PRK"}
        assert "01-seed" in med["event"]["article_id"] or med["event"]["url"].endswith(
            "01-seed-kremlin-mediator.html"
        )

        # Second run, same poller state: nothing is republished.
        _poll_once(settings, feeds, tmp_path / "poller.sqlite")
        enriched.poll(3)
        assert len(enriched.records) == n_articles

        # Second run from a fresh poller state: everything is republished and re-enriched,
        # but the events are already known, so no new alert fires.
        _poll_once(settings, feeds, tmp_path / "poller-fresh.sqlite")
        enriched.wait_for(lambda recs: len(recs) >= 2 * n_articles, ALERT_WAIT_S)
        assert len(enriched.records) == 2 * n_articles, worker.log_tail()
        mediation.poll(5)
        sanctions.poll(1)
        assert [a["kind"] for a in mediation.records] == ["new"]
        assert [a["kind"] for a in sanctions.records] == ["new"]
        assert worker.stop(signal.SIGTERM) == 0, worker.log_tail()
    for reader in (mediation, sanctions, enriched):
        reader.close()
