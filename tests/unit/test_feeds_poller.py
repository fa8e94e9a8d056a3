"""The poller end to end without Kafka: a fake publisher stands in for the broker, so these
tests pin what users rely on: nothing lost while the broker is away, nothing republished after
a restart, one bad or slow feed never holds up the others, polite concurrency per host."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.feeds.config import FeedConfig
from pipeline.feeds.poller import Poller, PollReport
from pipeline.feeds.store import StateStore
from pipeline.schema import Article
from tests.feedserver import FeedServer, Reply, Seen, rss


class FakePublisher:
    """Acks everything unless ``down``; remembers what it acked, in order."""

    def __init__(self) -> None:
        self.down = False
        self.sent: list[Article] = []

    def publish(self, articles: Sequence[Article]) -> list[Article]:
        if self.down:
            return []
        self.sent.extend(articles)
        return list(articles)

    def close(self, timeout_s: float = 0) -> None:
        pass


def make_settings(tmp_path: Path) -> Settings:
    s = Settings()
    s.poller.state_db = str(tmp_path / "state.sqlite")
    s.poller.connect_timeout_s = 0.5
    s.poller.read_timeout_s = 0.5
    s.poller.total_timeout_s = 1.0
    s.poller.jitter = 0.0
    s.metrics.enabled = False
    return s


def items(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"title": f"Item {i}", "guid": f"g{i}", "description": f"Text {i}."}
        for i in range(start, start + n)
    ]


def run_once(settings: Settings, feeds: list[FeedConfig], pub: FakePublisher) -> PollReport:
    async def go() -> PollReport:
        with StateStore(settings.poller.state_db) as store:
            poller = Poller(settings, feeds, store=store, publisher=pub)  # type: ignore[arg-type]
            try:
                return await poller.poll_once()
            finally:
                await poller.aclose()

    return asyncio.run(go())


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def test_200_then_304_publishes_once(server: FeedServer, tmp_path: Path) -> None:
    def handler(req: Seen) -> Reply:
        if req.headers.get("if-none-match") == '"e1"':
            return Reply(304)
        return Reply(200, rss(items(3)), {"ETag": '"e1"'})

    feeds = [FeedConfig(id="f", url=server.route("/f", handler))]
    settings, pub = make_settings(tmp_path), FakePublisher()
    first = run_once(settings, feeds, pub)
    second = run_once(settings, feeds, pub)
    assert (first.feeds["f"].outcome, first.published) == ("new", 3)
    assert (second.feeds["f"].outcome, second.published) == ("not_modified", 0)
    assert [a.title for a in pub.sent] == ["Item 0", "Item 1", "Item 2"]
    assert server.requests[-1].headers["if-none-match"] == '"e1"'


def test_restart_republishes_nothing_even_without_validators(
    server: FeedServer, tmp_path: Path
) -> None:
    feeds = [FeedConfig(id="f", url=server.route("/f", Reply(200, rss(items(3)))))]
    settings = make_settings(tmp_path)
    run_once(settings, feeds, FakePublisher())
    after_restart = FakePublisher()  # new process: new store handle, new publisher
    report = run_once(settings, feeds, after_restart)
    assert report.feeds["f"].outcome == "unchanged"
    assert after_restart.sent == []


def test_broker_outage_loses_nothing_and_sends_nothing_twice(
    server: FeedServer, tmp_path: Path
) -> None:
    body = {"doc": rss(items(2))}

    def handler(req: Seen) -> Reply:
        etag = f'"{len(body["doc"])}"'
        if req.headers.get("if-none-match") == etag:
            return Reply(304)
        return Reply(200, body["doc"], {"ETag": etag})

    feeds = [FeedConfig(id="f", url=server.route("/f", handler))]
    settings, pub = make_settings(tmp_path), FakePublisher()
    pub.down = True
    down = run_once(settings, feeds, pub)
    assert down.published == 0 and down.pending == 2
    body["doc"] = rss(items(3))  # a new item appears while the broker is still away
    down2 = run_once(settings, feeds, pub)
    assert down2.pending == 3
    # Next run (a new process: new store handle) with the broker back.
    pub.down = False
    back = run_once(settings, feeds, pub)
    assert back.pending == 0
    assert sorted(a.title for a in pub.sent) == ["Item 0", "Item 1", "Item 2"]
    again = run_once(settings, feeds, pub)
    assert again.published == 0 and len(pub.sent) == 3


def test_outbox_is_sent_after_restart_even_when_the_feed_answers_304(
    server: FeedServer, tmp_path: Path
) -> None:
    def handler(req: Seen) -> Reply:
        if req.headers.get("if-none-match") == '"x"':
            return Reply(304)
        return Reply(200, rss(items(2)), {"ETag": '"x"'})

    feeds = [FeedConfig(id="f", url=server.route("/f", handler))]
    settings, pub = make_settings(tmp_path), FakePublisher()
    pub.down = True
    run_once(settings, feeds, pub)
    pub.down = False
    report = run_once(settings, feeds, pub)
    assert report.feeds["f"].outcome == "not_modified"
    assert report.published == 2 and len(pub.sent) == 2


def test_changed_item_is_an_update_with_a_new_revision(server: FeedServer, tmp_path: Path) -> None:
    docs = [rss(items(2))]
    url = server.route("/f", lambda _r: Reply(200, docs[-1]))
    feeds = [FeedConfig(id="f", url=url)]
    settings, pub = make_settings(tmp_path), FakePublisher()
    run_once(settings, feeds, pub)
    edited = items(2)
    edited[1]["description"] = "Text 1, corrected."
    docs.append(rss(edited))
    report = run_once(settings, feeds, pub)
    assert (report.feeds["f"].new, report.feeds["f"].updated) == (0, 1)
    assert [(a.title, a.revision) for a in pub.sent] == [
        ("Item 0", 0),
        ("Item 1", 0),
        ("Item 1", 1),
    ]
    assert pub.sent[1].id == pub.sent[2].id


def test_bad_and_slow_feeds_do_not_hold_up_good_ones(server: FeedServer, tmp_path: Path) -> None:
    feeds = [
        FeedConfig(id="good", url=server.route("/good", Reply(200, rss(items(1))))),
        FeedConfig(id="hang", url=server.route("/hang", Reply(hang_s=30))),
        FeedConfig(id="broken", url=server.route("/broken", Reply(200, b"<rss><item><ti"))),
        FeedConfig(id="html", url=server.route("/html", Reply(200, b"<html><body>hi</body></html>",
                                                                {"Content-Type": "text/html"}))),
        FeedConfig(id="gone", url=server.route("/gone", Reply(410))),
    ]  # fmt: skip
    settings, pub = make_settings(tmp_path), FakePublisher()
    start = time.perf_counter()
    report = run_once(settings, feeds, pub)
    assert time.perf_counter() - start < settings.poller.total_timeout_s + 1.5
    kinds = {fid: o.error_kind for fid, o in report.feeds.items()}
    assert kinds == {
        "good": None,
        "hang": "timeout",
        "broken": "invalid",
        "html": "not_a_feed",
        "gone": "http_410",
    }
    assert [a.feed_id for a in pub.sent] == ["good"]
    with StateStore(settings.poller.state_db) as store:
        hang = store.feed("hang")
        assert hang is not None and hang.consecutive_failures == 1
        assert hang.last_error_kind == "timeout" and hang.last_success is None


def test_retry_after_sets_the_next_poll(server: FeedServer, tmp_path: Path) -> None:
    feeds = [
        FeedConfig(id="f", url=server.route("/f", Reply(503, headers={"Retry-After": "7200"})))
    ]
    settings = make_settings(tmp_path)
    before = time.time()
    run_once(settings, feeds, FakePublisher())
    with StateStore(settings.poller.state_db) as store:
        st = store.feed("f")
    assert st is not None and st.next_due is not None
    assert st.next_due >= before + 7200
    assert st.last_error_kind == "http_503"


def test_rss_ttl_and_max_age_are_lower_bounds(server: FeedServer, tmp_path: Path) -> None:
    ttl_doc = rss(items(1), extra="<ttl>90</ttl>")  # minutes
    feeds = [
        FeedConfig(id="ttl", url=server.route("/ttl", Reply(200, ttl_doc))),
        FeedConfig(id="cc", url=server.route("/cc", Reply(200, rss(items(1)),
                                                         {"Cache-Control": "max-age=4000"}))),
    ]  # fmt: skip
    settings = make_settings(tmp_path)
    settings.poller.adaptive = False
    report = run_once(settings, feeds, FakePublisher())
    assert report.feeds["ttl"].next_in_s == 90 * 60
    assert report.feeds["cc"].next_in_s == 4000
    again = run_once(settings, feeds, FakePublisher())  # same body: not re-parsed
    assert again.feeds["ttl"].next_in_s == 90 * 60  # the remembered <ttl> still applies


def test_network_outage_does_not_mark_every_feed_broken(tmp_path: Path) -> None:
    # Nothing listens on port 9 (discard): every feed fails at the network level.
    feeds = [FeedConfig(id=f"f{i}", url=f"http://127.0.0.1:9/f{i}") for i in range(12)]
    settings = make_settings(tmp_path)
    report = run_once(settings, feeds, FakePublisher())
    outage = [o for o in report.feeds.values() if o.outage]
    assert len(outage) >= len(feeds) - 5  # the first few failures establish the pattern
    with StateStore(settings.poller.state_db) as store:
        for o in outage:
            st = store.feed(o.feed_id)
            assert st is not None and st.consecutive_failures == 0
            assert st.last_error_kind in ("connect", "network")


def test_per_host_concurrency_is_bounded(server: FeedServer, tmp_path: Path) -> None:
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(_req: Seen) -> Reply:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.1)
        with lock:
            state["now"] -= 1
        return Reply(200, rss(items(1)))

    feeds = [FeedConfig(id=f"f{i}", url=server.route(f"/f{i}", slow)) for i in range(6)]
    settings = make_settings(tmp_path)
    settings.poller.per_host_concurrency = 2
    report = run_once(settings, feeds, FakePublisher())
    assert report.errors == 0
    assert state["max"] == 2


PAGE = (
    b"<html><head><title>Story</title></head><body><nav>Home | World | Sport</nav>"
    b"<article><h1>Envoy offers talks</h1>"
    b"<p>An envoy said on Monday she was ready to host talks between the two neighbours, "
    b"officials in both capitals confirmed later in the day.</p>"
    b"<p>The talks would take place next month in the capital, according to a statement "
    b"released by the ministry on Monday evening.</p></article>"
    b"<footer>Copyright and cookie notices</footer></body></html>"
)


def test_full_text_replaces_teasers_once_and_only_when_enabled(
    server: FeedServer, tmp_path: Path
) -> None:
    pytest.importorskip("trafilatura")
    story = server.route("/story", Reply(200, PAGE, {"Content-Type": "text/html"}))
    doc = rss([{"title": "Envoy offers talks", "guid": "s1", "link": story,
                "description": "An envoy said..."}])  # fmt: skip
    feeds = [
        FeedConfig(id="full", url=server.route("/full", Reply(200, doc)), full_text=True),
        FeedConfig(id="teaser", url=server.route("/teaser", Reply(200, doc))),
    ]
    settings, pub = make_settings(tmp_path), FakePublisher()
    run_once(settings, feeds, pub)
    by_feed = {a.feed_id: a for a in pub.sent}
    assert "next month in the capital" in by_feed["full"].content
    assert "Copyright" not in by_feed["full"].content and "Home |" not in by_feed["full"].content
    assert by_feed["teaser"].content == ""
    assert sum(1 for r in server.requests if r.path == "/story") == 1
    again = run_once(settings, feeds, pub)  # same feed item: no update, no page refetch
    assert again.published == 0
    assert sum(1 for r in server.requests if r.path == "/story") == 1
