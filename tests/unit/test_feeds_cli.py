"""``newsmon feeds ...`` and ``newsmon poll`` as ops use them (no Kafka needed)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pipeline.cli.main import main
from pipeline.config import Settings
from pipeline.feeds.config import FeedConfig
from pipeline.feeds.poller import Poller
from pipeline.feeds.store import StateStore
from tests.feedserver import FeedServer, Reply, rss
from tests.unit.test_feeds_poller import FakePublisher, items, make_settings, run_once

REPO = Path(__file__).resolve().parent.parent.parent
WORLD = REPO / "tests" / "fixtures" / "feeds" / "world.xml"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSMON_POLLER__STATE_DB", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("NEWSMON_FEEDS", str(tmp_path / "feeds.yaml"))
    monkeypatch.setenv("NEWSMON_LOGGING__FORMAT", "text")
    return tmp_path


def test_check_file_json_shape(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "check", str(WORLD), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"feed", "articles", "warnings"}
    assert out["feed"]["title"] == "Test Wire: World" and out["feed"]["format"] == "rss20"
    first = out["articles"][0]
    assert set(first) == {"id", "title", "link", "published", "summary"}
    assert first["link"] == "https://wire.example.org/world/envoy-talks"


def test_check_url_uses_the_configured_feed_id(
    env: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.route("/w.xml", Reply(200, WORLD.read_bytes()))
    (env / "feeds.yaml").write_text(yaml.safe_dump({"feeds": [{"id": "wire", "url": url}]}))
    assert main(["feeds", "check", url, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["feed"]["id"] == "wire"
    assert all(a["id"].startswith("wire:") for a in out["articles"])  # same ids as the poller


def test_check_rejects_non_feeds_with_a_message(
    env: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = b"<!DOCTYPE html><html><body>Not a feed</body></html>"
    url = server.route("/page", Reply(200, page, {"Content-Type": "text/html"}))
    assert main(["feeds", "check", url]) == 1
    assert "HTML page, not a feed" in capsys.readouterr().err
    assert main(["feeds", "check", server.url("/missing")]) == 1
    assert "HTTP 404" in capsys.readouterr().err


def test_status_shows_health_from_the_store(
    env: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = server.route("/ok", Reply(200, rss(items(2))))
    bad = server.route("/bad", Reply(500))
    (env / "feeds.yaml").write_text(
        yaml.safe_dump(
            {
                "feeds": [
                    {"id": "ok", "url": ok},
                    {"id": "bad", "url": bad},
                    {"id": "new", "url": server.url("/new")},
                ]
            }
        )
    )
    settings = make_settings(env)
    feeds = [FeedConfig(id="ok", url=ok), FeedConfig(id="bad", url=bad)]
    run_once(settings, feeds, FakePublisher())
    assert main(["feeds", "status", "--json"]) == 0
    rows = {r["feed"]: r for r in json.loads(capsys.readouterr().out)["feeds"]}
    assert rows["ok"]["health"] == "ok" and rows["ok"]["published"] == 2
    assert rows["bad"]["health"] == "failing" and rows["bad"]["last_error_kind"] == "http_500"
    assert rows["bad"]["consecutive_failures"] == 1
    assert rows["new"]["health"] == "never_polled"
    assert main(["feeds", "status"]) == 0
    assert "http_500" in capsys.readouterr().out


def test_import_appends_and_keeps_comments(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = env / "feeds.yaml"
    target.write_text("# my comment\nfeeds:\n  - id: a\n    url: https://a.example/rss\n")
    opml = env / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="A" xmlUrl="https://a.example/rss"/>'
        '<outline text="B news" xmlUrl="https://b.example/rss"/>'
        "</body></opml>"
    )
    assert main(["feeds", "import", str(opml), "--out", str(target)]) == 0
    text = target.read_text()
    assert text.startswith("# my comment\n")
    assert [f["url"] for f in yaml.safe_load(text)["feeds"]] == [
        "https://a.example/rss",
        "https://b.example/rss",
    ]
    assert main(["feeds", "import", str(opml), "--out", str(target)]) == 0
    assert "0 new feeds" in capsys.readouterr().out
    assert main(["feeds", "validate", str(target)]) == 0


def test_run_loop_repolls_and_stops_promptly(server: FeedServer, tmp_path: Path) -> None:
    url = server.route("/f", Reply(200, rss(items(1))))
    settings: Settings = make_settings(tmp_path)
    settings.poller.interval_s = settings.poller.min_interval_s = 0.2
    settings.poller.adaptive = False
    pub = FakePublisher()

    async def go() -> float:
        stop = asyncio.Event()
        with StateStore(settings.poller.state_db) as store:
            poller = Poller(settings, [FeedConfig(id="f", url=url)], store=store, publisher=pub)  # type: ignore[arg-type]
            task = asyncio.create_task(poller.run(stop))
            await asyncio.sleep(1.2)
            stop.set()
            t0 = time.perf_counter()
            await task
            await poller.aclose()
            return time.perf_counter() - t0

    stop_took = asyncio.run(go())
    assert len(server.requests) >= 3  # polled again and again
    assert len(pub.sent) == 1  # but published once
    assert stop_took < 1.0


def test_sigterm_exits_cleanly_and_keeps_unsent_articles(
    server: FeedServer, tmp_path: Path
) -> None:
    url = server.route("/f", Reply(200, rss(items(3))))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(yaml.safe_dump({"feeds": [{"id": "f", "url": url}]}))
    state = tmp_path / "state.sqlite"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")},
        "NEWSMON_FEEDS": str(feeds),
        "NEWSMON_POLLER__STATE_DB": str(state),
        "NEWSMON_BOOTSTRAP": "127.0.0.1:9",  # no broker: articles must wait in the outbox
        "NEWSMON_KAFKA__REQUEST_TIMEOUT_MS": "1000",
        "NEWSMON_METRICS__ENABLED": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "poll"],
        env=env,
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        for line in proc.stderr:
            if '"feed_polled"' in line or time.monotonic() > deadline:
                break
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with StateStore(state) as store:
        assert store.pending_count() == 3  # nothing lost: kept for the next run
        assert store.seen_count() == 0  # and nothing marked seen without an ack
