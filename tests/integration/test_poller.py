"""The poller against the real broker: what is published, keyed how, and that neither a
second pass nor a restart (a new process with the same state file) republishes anything."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import yaml
from kafka import KafkaConsumer

from pipeline.config import Settings
from pipeline.feeds.config import FeedConfig
from pipeline.feeds.poller import poll_once
from pipeline.schema import Article, loads
from tests.feedserver import FeedServer, Reply, Seen, rss
from tests.integration.procs import run_newsmon


def read_all(bootstrap: str, topic: str, settle_s: float = 3.0) -> list[tuple[str, dict[str, Any]]]:
    """Every record of ``topic`` as (key, value), reading until nothing new for ``settle_s``."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    out: list[tuple[str, dict[str, Any]]] = []
    quiet_since = time.monotonic()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() - quiet_since < settle_s and time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=300)
            for msgs in batch.values():
                for m in msgs:
                    out.append((m.key.decode(), json.loads(m.value)))
                    quiet_since = time.monotonic()
    finally:
        consumer.close()
    return out


def _items(n: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Story {i}",
            "link": f"https://test.example.org/s/{i}?utm_source=rss",
            "guid": f"story-{i}",
            "description": f"Body of story {i}.",
        }
        for i in range(n)
    ]


def _conditional(body: bytes, etag: str):
    def handler(req: Seen) -> Reply:
        if req.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(200, body, {"ETag": etag})

    return handler


def test_poll_publishes_keyed_articles_and_never_twice(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    settings.poller.state_db = str(tmp_path / "poller.sqlite")
    items = _items(3)
    with FeedServer() as server:
        url = server.route("/a.xml", _conditional(rss(items), '"v1"'))
        feeds = [FeedConfig(id="itest", url=url, name="Integration test")]

        first = asyncio.run(poll_once(settings, feeds))
        assert first.feeds["itest"].outcome == "new"
        assert first.published == 3 and first.pending == 0

        second = asyncio.run(poll_once(settings, feeds))  # same store: conditional GET -> 304
        assert second.feeds["itest"].outcome == "not_modified"
        assert second.published == 0

        # The server forgets its validators (a deploy): 200 with the same items, nothing new.
        server.route("/a.xml", Reply(200, rss(items)))
        third = asyncio.run(poll_once(settings, feeds))
        assert third.feeds["itest"].outcome == "unchanged"
        assert third.published == 0

        # One item edited, one added: an update (revision 1) and a new article.
        changed = _items(4)
        changed[0]["description"] = "Body of story 0, corrected."
        server.route("/a.xml", Reply(200, rss(changed)))
        fourth = asyncio.run(poll_once(settings, feeds))
        assert (fourth.feeds["itest"].new, fourth.feeds["itest"].updated) == (1, 1)

    records = read_all(settings.kafka.bootstrap_servers, settings.topics.articles)
    articles = [loads(v, Article) for _, v in records]
    assert [k for k, _ in records] == [a.id for a in articles]  # keyed by article id
    assert len(articles) == 5
    by_rev = sorted((a.title, a.revision) for a in articles)
    expected = [("Story 0", 0), ("Story 0", 1), ("Story 1", 0), ("Story 2", 0), ("Story 3", 0)]
    assert by_rev == expected
    assert all("utm_source" not in a.url for a in articles)
    assert {a.source for a in articles} == {"Integration test"}


def test_cli_poll_once_restart_republishes_nothing(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    state_db = tmp_path / "cli.sqlite"
    with FeedServer() as server:
        url = server.route("/b.xml", Reply(200, rss(_items(2))))  # no validators: full body
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(yaml.safe_dump({"feeds": [{"id": "cli-test", "url": url}]}))
        env = {
            "NEWSMON_FEEDS": str(feeds_file),
            "NEWSMON_POLLER__STATE_DB": str(state_db),
        }
        for _run in range(2):  # two processes = a restart between them
            result = run_newsmon(settings, "poll", "--once", "--json", **env)
            assert result.returncode == 0, result.stderr[-3000:]
        reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        assert reports[-1]["published"] == 0
        assert reports[-1]["feeds"]["cli-test"]["outcome"] == "unchanged"
        ua = server.requests[0].headers.get("user-agent", "")
        assert ua.startswith("newsmon/")
    records = read_all(settings.kafka.bootstrap_servers, settings.topics.articles)
    assert sorted(v["title"] for _, v in records) == ["Story 0", "Story 1"]
