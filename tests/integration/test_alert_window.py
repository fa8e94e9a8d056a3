"""kill -9 exactly between an alert's broker ack and the novelty state write: the restarted
worker sends no second ``new`` alert and leaves the event's state final (no pending marker).

The kill is a test-only fault hook of agents/alerts.py (``NEWSMON_FAULT_EXIT_AFTER_ALERT_ACK``:
``os._exit(137)`` right after the first alert's ack), so it lands in that window every run,
which a timed SIGKILL from outside hits only by luck. It replaces test_worker.py's
SIGKILL-after-the-first-alert test (which killed after the alert was seen, when the state was
usually already flushed) and keeps its second half: the recovered state goes on deciding.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from kafka import KafkaConsumer

from agents.alerts import FAULT_ENV
from pipeline.config import Settings
from tests.conftest import SEED_FILE
from tests.integration.procs import NewsmonProcess, TopicReader
from tests.integration.test_worker import STORIES, WAIT_S, _article, _publish

pytestmark = pytest.mark.slow


def _latest_states(settings: Settings) -> dict[bytes, dict]:
    """The last value per key on the novelty table's changelog: what a restart recovers."""
    consumer = KafkaConsumer(
        f"{settings.worker.app_id}-novelty-changelog",
        bootstrap_servers=settings.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=3000,
    )
    states = {m.key: json.loads(m.value) for m in consumer if m.value}
    consumer.close()
    return states


def test_kill_between_alert_ack_and_state_write_repeats_no_alert(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    bootstrap = settings.kafka.bootstrap_servers
    enriched = TopicReader(bootstrap, settings.topics.enriched)
    readers = {
        "mediation": TopicReader(bootstrap, settings.topics.alerts_mediation),
        "sanctions": TopicReader(bootstrap, settings.topics.alerts_sanctions),
    }
    _publish(settings, _article("seed", SEED_FILE, "Outlet A", "https://a.example/seed"))
    crashed = NewsmonProcess(settings, tmp_path / "worker1.log", "worker", **{FAULT_ENV: "1"})
    crashed.proc.wait(WAIT_S)
    assert crashed.stop() == 137, crashed.log_tail()  # the hook fired: one alert acked, then dead
    first = {t: len(r.poll(2)) for t, r in readers.items()}
    assert sum(first.values()) == 1, (first, crashed.log_tail())

    with NewsmonProcess(settings, tmp_path / "worker2.log", "worker") as again:
        for reader in readers.values():
            reader.wait_for(lambda r: len(r) >= 1, WAIT_S)
        for reader in readers.values():
            reader.poll(3)  # a repeat would come right after the first
        kinds = {t: [(a["kind"], a["event_id"]) for a in r.records] for t, r in readers.items()}
        for topic, got in kinds.items():
            assert [k for k, _ in got] == ["new"], (topic, kinds, again.log_tail())
        alerted = {e for got in kinds.values() for _, e in got}
        states = _latest_states(settings)
        clusters = {c["id"]: c for st in states.values() for c in st["clusters"]}
        assert alerted <= set(clusters), (alerted, states)
        assert all("pending" not in st for st in states.values()), states
        assert all(clusters[e]["alerts"] == 1 for e in alerted), states

        # The recovered state goes on deciding: the seed from another outlet fires nothing,
        # and once the marker after it is enriched, everything before it has been decided.
        _publish(
            settings,
            _article("seed-again", SEED_FILE, "Outlet B", "https://b.example/seed"),
            _article("marker", STORIES / "accept-mediation.txt", "Outlet C", "https://c/1"),
        )
        enriched.wait_for(lambda r: any(x["article"]["id"] == "marker" for x in r), WAIT_S)
        time.sleep(3)
        for reader in readers.values():
            reader.poll(2)
        news = {t: [a["kind"] for a in r.records].count("new") for t, r in readers.items()}
        assert news == {"mediation": 1, "sanctions": 1}, (news, again.log_tail())
