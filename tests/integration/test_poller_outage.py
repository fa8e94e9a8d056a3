"""The broker stops while the poller runs and comes back: nothing is lost, nothing doubled.

Uses its own broker (not the session one) because it stops it mid-test. One long-lived
poller (same store, same producer) polls before, during and after the outage, as a process
left running by ops would."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from pipeline.feeds.config import FeedConfig
from pipeline.feeds.poller import Poller
from pipeline.feeds.publish import Publisher
from pipeline.feeds.store import StateStore
from pipeline.kafka.admin import ensure_topics
from tests.feedserver import FeedServer, Reply, rss
from tests.integration.conftest import started_private_broker, unique_settings
from tests.integration.test_poller import read_all

pytestmark = pytest.mark.slow
#: How long after the broker is back the outbox must have drained (generous: loaded CI).
DRAIN_BOUND_S = 60.0


def _items(lo: int, hi: int) -> list[dict[str, str]]:
    return [{"title": f"Report {i}", "guid": f"r{i}"} for i in range(lo, hi)]


def test_broker_stopped_mid_run_loses_nothing(tmp_path: Path) -> None:
    broker = started_private_broker(tmp_path / "kafka")
    try:
        settings = unique_settings(broker.bootstrap, tmp_path)
        settings.kafka.request_timeout_ms = 3000
        settings.poller.state_db = str(tmp_path / "poller.sqlite")
        ensure_topics(settings, timeout=30)
        docs = [rss(_items(0, 2))]
        with FeedServer() as server:
            url = server.route("/o.xml", lambda _r: Reply(200, docs[-1]))
            feeds = [FeedConfig(id="outage", url=url)]

            async def scenario() -> tuple[int, int, int]:
                with StateStore(settings.poller.state_db) as store:
                    publisher = Publisher(settings, ack_timeout_s=6)
                    poller = Poller(settings, feeds, store=store, publisher=publisher)
                    try:
                        before = await poller.poll_once()
                        broker.stop(timeout=15)
                        docs.append(rss(_items(0, 4)))  # two new items while it is down
                        during = await poller.poll_once()
                        broker.start()
                        # The claim is "the outbox drains once the broker is back", not "on
                        # the very first poll": the client's reconnect back-off may still see
                        # the broker away then. Poll until drained, within a bound.
                        deadline = time.monotonic() + DRAIN_BOUND_S
                        after = await poller.poll_once()
                        while after.pending and time.monotonic() < deadline:
                            await asyncio.sleep(1.0)
                            after = await poller.poll_once()
                        return before.published, during.pending, after.pending
                    finally:
                        await poller.aclose()
                        await asyncio.to_thread(publisher.close)

            published_before, pending_during, pending_after = asyncio.run(scenario())
        assert published_before == 2
        assert pending_during == 2  # kept in the outbox, not marked seen
        assert pending_after == 0, f"outbox not drained {DRAIN_BOUND_S:.0f}s after broker restart"
        records = read_all(settings.kafka.bootstrap_servers, settings.topics.articles)
        # No loss. Delivery is at-least-once: a send the client gave up on during the outage
        # can still have reached the log, and its retry then repeats it. A repeat must be the
        # same article under the same key, so consumers (the worker) treat it as a replay.
        assert sorted({v["title"] for _, v in records}) == [f"Report {i}" for i in range(4)]
        by_key: dict[str, dict] = {}
        for key, value in records:
            assert by_key.setdefault(key, value) == value, f"{key} published with other content"
        assert len(by_key) == 4
        assert len(records) <= 6  # only the two items sent during the outage may repeat
    finally:
        broker.stop(timeout=15)
