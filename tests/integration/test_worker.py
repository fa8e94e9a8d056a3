"""The Faust worker on the real broker: poison messages, novelty across outlets, restarts.

Articles are published straight to ``news.articles`` (the poller has its own tests), so each
test controls exactly which outlet reports what.
"""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.kafka.producer import make_producer
from pipeline.schema import Article, dumps
from tests.conftest import FIXTURES, SEED_FILE
from tests.integration.procs import NewsmonProcess, TopicReader

WAIT_S = 180
STORIES = FIXTURES / "stories"


def _article(doc_id: str, path: Path, source: str, url: str) -> Article:
    title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
    now = datetime.now(UTC).isoformat()
    return Article(
        id=doc_id,
        feed_id=source.lower().replace(" ", "-"),
        source=source,
        url=url,
        title=title.strip(),
        content=body.strip(),
        published=now,
        fetched=now,
    )


def _publish(settings: Settings, *records: Article | bytes) -> None:
    producer = make_producer(settings)
    for record in records:
        if isinstance(record, Article):
            producer.send(settings.topics.articles, key=record.id, value=dumps(record)).get(30)
        else:
            producer.send(settings.topics.articles, key=b"poison", value=record).get(30)
    producer.flush()
    producer.close()


def _kinds(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["kind"], r["event"]["action"]) for r in records]


def test_poison_message_is_dead_lettered_and_the_stream_goes_on(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    dead = TopicReader(settings.kafka.bootstrap_servers, settings.topics.deadletter)
    enriched = TopicReader(settings.kafka.bootstrap_servers, settings.topics.enriched)
    good = _article("after-poison", STORIES / "accept-mediation.txt", "Outlet A", "https://a/1")
    _publish(settings, b"\xff\x00 this is not an article", b'{"schema": 1, "id": "x"}', good)
    # and one on the event stage's input, in the same batch as the good article's record
    producer = make_producer(settings)
    producer.send(settings.topics.enriched, key=b"poison", value=b'{"article": 7}').get(30)
    producer.close()
    with NewsmonProcess(settings, tmp_path / "worker.log", "worker") as worker:
        enriched.wait_for(lambda r: len(r) >= 2, WAIT_S)
        dead.wait_for(lambda r: len(r) >= 3, 30)
        good_ids = [r["article"]["id"] for r in enriched.records if isinstance(r["article"], dict)]
        assert good_ids == ["after-poison"], worker.log_tail()
        assert len(dead.records) == 3
        assert sorted(r["stage"] for r in dead.records) == ["enrich", "enrich", "events"]
        errors = sorted(r["error"] for r in dead.records)  # dead letters span partitions
        assert any("missing field 'feed_id'" in e for e in errors), errors
        assert any("not valid JSON" in e for e in errors), errors


def test_one_alert_per_event_across_outlets_and_an_update_on_acceptance(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    bootstrap = settings.kafka.bootstrap_servers
    mediation = TopicReader(bootstrap, settings.topics.alerts_mediation)
    sanctions = TopicReader(bootstrap, settings.topics.alerts_sanctions)
    enriched = TopicReader(bootstrap, settings.topics.enriched)
    with NewsmonProcess(
        settings,
        tmp_path / "worker.log",
        "worker",
        NEWSMON_EVENTS__CORROBORATION_THRESHOLD="10",  # only escalation may update here
    ) as worker:
        _publish(settings, _article("seed", SEED_FILE, "Outlet A", "https://a.example/seed"))
        mediation.wait_for(lambda r: len(r) >= 1, WAIT_S)
        sanctions.wait_for(lambda r: len(r) >= 1, 30)
        assert _kinds(mediation.records) == [("new", "offer")], worker.log_tail()
        assert _kinds(sanctions.records) == [("new", "impose")]

        # The same story under another outlet's URL, and a paraphrase: no alert.
        _publish(
            settings,
            _article("seed-copy", SEED_FILE, "Outlet B", "https://b.example/world/kremlin"),
            _article("para", STORIES / "paraphrase-mediation.txt", "Outlet C", "https://c/x"),
        )
        enriched.wait_for(lambda r: len(r) >= 3, WAIT_S)
        mediation.poll(4)
        sanctions.poll(1)
        assert len(mediation.records) == 1 and len(sanctions.records) == 1

        # North Korea accepts: the mediation escalates, one update that counts every report.
        _publish(
            settings,
            _article("accept", STORIES / "accept-mediation.txt", "Outlet D", "https://d/1"),
        )
        mediation.wait_for(lambda r: len(r) >= 2, WAIT_S)
        sanctions.poll(2)
        assert _kinds(mediation.records) == [("new", "offer"), ("update", "accept")]
        assert len(sanctions.records) == 1
        update = mediation.records[1]
        assert update["event_id"] == mediation.records[0]["event_id"]
        assert update["source_count"] == 4  # seed, its copy, the paraphrase, the acceptance
        # the copy is the same text as the seed: one independent source, not two
        assert update["independent_source_count"] == 3


def test_sigterm_during_a_batch_exits_quickly_and_loses_nothing(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    bootstrap = settings.kafka.bootstrap_servers
    enriched = TopicReader(bootstrap, settings.topics.enriched)
    sanctions = TopicReader(bootstrap, settings.topics.alerts_sanctions)
    filler = STORIES / "accept-mediation.txt"
    articles = [_article(f"a{i:02d}", filler, f"Outlet {i}", f"https://o{i}/x") for i in range(30)]
    articles.insert(10, _article("seed", SEED_FILE, "Outlet S", "https://s/seed"))
    worker = NewsmonProcess(settings, tmp_path / "worker1.log", "worker")
    enriched.wait_for(lambda r: False, 1)  # start reading before the flood
    _publish(settings, *articles)
    enriched.wait_for(lambda r: len(r) >= 1, WAIT_S)
    started = time.monotonic()
    code = worker.stop(signal.SIGTERM, timeout=30)
    took = time.monotonic() - started
    assert took < 10, f"SIGTERM took {took:.1f}s"
    assert code == 0, worker.log_tail()

    with NewsmonProcess(settings, tmp_path / "worker2.log", "worker") as again:
        wanted = {a.id for a in articles}
        enriched.wait_for(lambda r: wanted <= {x["article"]["id"] for x in r}, WAIT_S)
        assert wanted <= {x["article"]["id"] for x in enriched.records}, again.log_tail()
        sanctions.wait_for(lambda r: len(r) >= 1, 30)
        sanctions.poll(3)
        assert [k for k, _ in _kinds(sanctions.records)] == ["new"]
