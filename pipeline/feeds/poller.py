"""Poll feeds: fetch under limits, parse, diff against the store, publish, schedule.

Why this shape: one event loop does all network waiting, bounded by a global and a per-host
semaphore (politeness: never more than ``per_host_concurrency`` requests to one site); parsing
and Kafka's blocking calls run in threads so a slow parse never stalls another feed's timeout.
State changes go through :class:`~pipeline.feeds.store.StateStore` in small transactions, so the
process can be killed at any point and resume without loss or republication.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from pipeline import metrics
from pipeline.config import Settings
from pipeline.feeds.config import FeedConfig
from pipeline.feeds.fetch import NETWORK_KINDS, FetchLimits, FetchResult, fetch, make_client
from pipeline.feeds.fulltext import fetch_full_text
from pipeline.feeds.parse import FeedParseError, ParsedFeed, parse_feed
from pipeline.feeds.publish import Publisher
from pipeline.feeds.schedule import (
    DueQueue,
    IntervalPolicy,
    apply_hints,
    backoff_interval,
    jittered,
    success_interval,
    update_rate,
)
from pipeline.feeds.store import FeedState, StateStore
from pipeline.logs import get_logger, log_event
from pipeline.schema import Article

logger = get_logger(__name__)

# Network-outage detection: when most recent polls failed at the network level, the fault is
# ours (link down, DNS gone), not the feeds'; failures then do not count against the feeds.
OUTAGE_WINDOW_S = 120.0
OUTAGE_MIN_SAMPLES = 5
OUTAGE_RATIO = 0.8
OUTBOX_RETRY_S = 15.0
# At shutdown the outbox gets this long; what is not acked by then waits for the next start.
SHUTDOWN_DRAIN_S = 10.0
SEEN_RETENTION_S = 180 * 86400.0
FULL_TEXT_PER_POLL = 10  # linked pages fetched per feed poll when full_text is on


def metric_error_kind(kind: str | None) -> str:
    """Our fine-grained error kinds folded into the bounded metric vocabulary."""
    if kind is None:
        return "other"
    if kind.startswith("http_"):
        code = kind[5:]
        return "http_5xx" if code.startswith("5") else "http_4xx"
    return {
        "rate_limited": "http_4xx",
        "redirect_loop": "too_many_redirects",
        "not_a_feed": "parse",
        "invalid": "parse",
        "unsafe": "parse",
    }.get(kind, kind if kind in metrics.POLL_ERROR_KINDS else "other")


@dataclass
class FeedOutcome:
    """What one poll of one feed did."""

    feed_id: str
    outcome: str  # new | unchanged | not_modified | error
    error_kind: str | None = None
    error: str | None = None
    status: int | None = None
    items: int = 0
    new: int = 0
    updated: int = 0
    published: int = 0
    pending: int = 0
    elapsed_s: float = 0.0
    next_in_s: float | None = None
    warnings: list[str] = field(default_factory=list)
    outage: bool = False


@dataclass
class PollReport:
    """Per-feed outcomes of one pass plus totals (what ``--once`` prints and tests assert)."""

    feeds: dict[str, FeedOutcome] = field(default_factory=dict)
    outbox_published: int = 0  # earlier articles that finally got acked during this pass
    pending: int = 0  # articles still waiting for the broker after the pass

    @property
    def published(self) -> int:
        return sum(o.published for o in self.feeds.values()) + self.outbox_published

    @property
    def not_modified(self) -> int:
        return sum(1 for o in self.feeds.values() if o.outcome == "not_modified")

    @property
    def errors(self) -> int:
        return sum(1 for o in self.feeds.values() if o.outcome == "error")

    def to_dict(self) -> dict[str, Any]:
        return {
            "published": self.published,
            "not_modified": self.not_modified,
            "errors": self.errors,
            "pending": self.pending,
            "feeds": {k: dict(v.__dict__) for k, v in self.feeds.items()},
        }


def policy_for(feed: FeedConfig, settings: Settings) -> IntervalPolicy:
    p = settings.poller
    lo = feed.min_interval_s or p.min_interval_s
    hi = max(lo, feed.max_interval_s or p.max_interval_s)
    return IntervalPolicy(
        interval_s=feed.interval_s or p.interval_s,
        min_interval_s=lo,
        max_interval_s=hi,
        adaptive=p.adaptive if feed.adaptive is None else feed.adaptive,
        jitter=p.jitter,
        backoff_base_s=p.backoff_base_s,
        backoff_max_s=p.backoff_max_s,
    )


class Poller:
    """Owns the HTTP client, the store and the publisher for one process."""

    def __init__(
        self,
        settings: Settings,
        feeds: Sequence[FeedConfig],
        *,
        store: StateStore,
        publisher: Publisher | None,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.feeds = {f.id: f for f in feeds}
        self.store = store
        self.publisher = publisher
        self.limits = FetchLimits.from_settings(settings.poller)
        self._own_client = client is None
        self.client = client or make_client(self.limits, settings.poller.concurrency)
        self.clock = clock
        self.rng = rng or random.Random()
        self._global = asyncio.Semaphore(settings.poller.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._recent: deque[tuple[float, bool]] = deque()
        self._outbox_lock = asyncio.Lock()
        # Kafka's blocking calls get their own threads so an outage never starves parsing.
        self._publish_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="publish")
        for fid in self.feeds:
            metrics.track_feed(fid)
        metrics.FEEDS_CONFIGURED.set(len(self.feeds))

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()
        self._publish_pool.shutdown(wait=False)

    # ------------------------------------------------------------------ one feed

    def _host_sem(self, host: str) -> asyncio.Semaphore:
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.settings.poller.per_host_concurrency)
        return sem

    def _outage(self, now: float) -> bool:
        while self._recent and self._recent[0][0] < now - OUTAGE_WINDOW_S:
            self._recent.popleft()
        if len(self._recent) < OUTAGE_MIN_SAMPLES:
            return False
        bad = sum(1 for _, failed in self._recent if failed)
        return bad / len(self._recent) >= OUTAGE_RATIO

    async def poll_feed(self, feed: FeedConfig) -> FeedOutcome:
        """Fetch, parse, enqueue and publish one feed; never raises for feed trouble."""
        state = self.store.feed(feed.id) or FeedState(feed_id=feed.id, url=feed.url)
        if state.url != feed.url:  # the URL changed in config: old validators do not apply
            state.url, state.etag, state.last_modified = feed.url, None, None
        async with self._global, self._host_sem(feed.host):
            result = await fetch(
                self.client,
                feed.url,
                self.limits,
                etag=state.etag,
                last_modified=state.last_modified,
            )
        now = self.clock()
        fetched_at = datetime.fromtimestamp(now, UTC)
        state.last_attempt = now
        state.last_status = result.status
        policy = policy_for(feed, self.settings)
        out = FeedOutcome(feed_id=feed.id, outcome="error", status=result.status)
        out.elapsed_s = result.elapsed_s

        parsed: ParsedFeed | None = None
        body_hash = hashlib.sha256(result.body).hexdigest()[:32] if result.ok else None
        same_body = body_hash is not None and body_hash == state.body_hash
        if result.ok and not same_body:
            try:
                parsed = await asyncio.to_thread(
                    parse_feed,
                    result.body,
                    feed,
                    fetched_at,
                    content_type=result.content_type,
                    url=result.final_url,
                )
            except FeedParseError as exc:
                result.error_kind, result.error = exc.kind, str(exc)
            except Exception as exc:  # a parser bug must not stop the other feeds
                result.error_kind, result.error = "invalid", f"{type(exc).__name__}: {exc}"

        self._recent.append((now, result.error_kind in NETWORK_KINDS))
        if result.error_kind is not None:
            return self._failed(feed, state, result, policy, out, now)

        # Success (200 parsed, or 304).
        previous_success = state.last_success
        if result.permanent_redirect:
            state.moved_to = result.permanent_redirect
            log_event(logger, "feed_moved", feed=feed.id, url=feed.url, to=state.moved_to)
        state.etag, state.last_modified = result.etag, result.last_modified
        if body_hash is not None:
            state.body_hash = body_hash
        state.last_success = now
        state.consecutive_failures = 0
        state.last_error_kind = state.last_error = None
        new_items = 0
        changed: list[Article] = []
        unchanged: list[str] = []
        if parsed is not None:
            state.ttl_s = parsed.ttl_s
            out.items, out.warnings = parsed.items, parsed.warnings
            metrics.STAGE_IN.labels(stage="poll").inc(parsed.items)
            changed, unchanged = self.store.diff(parsed.articles, now)
            new_items = sum(1 for a in changed if a.revision == 0)
            if new_items:
                state.last_new = now
            if changed and self._full_text(feed):
                await self._add_full_text(feed, changed)
        # The rate is learnt from the second success on: a first poll's backlog is history,
        # not a publishing rate.
        if previous_success is not None:
            state.rate_per_s = update_rate(state.rate_per_s, new_items, now - previous_success)
        # Jitter first, hints after: a server's lower bound is never undercut by jitter.
        interval = apply_hints(
            jittered(success_interval(policy, state.rate_per_s), policy.jitter, self.rng),
            result.fresh_for_s,
            state.ttl_s,
        )
        state.interval_s = interval
        state.next_due = now + interval
        out.next_in_s = interval
        if parsed is not None:
            self.store.enqueue(state, changed, unchanged, now)
        else:
            self.store.save_feed(state)
        enqueued = changed
        out.new = sum(1 for a in enqueued if a.revision == 0)
        out.updated = len(enqueued) - out.new
        out.published, out.pending = await self._publish_pending(feed.id)
        if result.not_modified:
            out.outcome = "not_modified"
        else:
            out.outcome = "new" if out.published or enqueued else "unchanged"
        metrics.record_poll(
            feed.id,
            out.outcome,
            duration_s=result.elapsed_s,
            fetched_bytes=len(result.body),
            published=out.published,
            at=now,
        )
        log_event(
            logger,
            "feed_polled",
            feed=feed.id,
            outcome=out.outcome,
            status=result.status,
            items=out.items,
            new=out.new,
            updated=out.updated,
            published=out.published,
            pending=out.pending,
            next_in_s=round(interval, 1),
            warnings=len(out.warnings),
        )
        return out

    def _full_text(self, feed: FeedConfig) -> bool:
        return bool(self.settings.poller.full_text if feed.full_text is None else feed.full_text)

    async def _add_full_text(self, feed: FeedConfig, articles: list[Article]) -> None:
        """Replace teaser content by the linked page's main text, for at most
        ``FULL_TEXT_PER_POLL`` articles, politely (same per-host limit as feeds). The content
        hash stays the feed's, so a page edit never turns into a feed update."""
        for article in articles[:FULL_TEXT_PER_POLL]:
            host = (urlsplit(article.url).hostname or "").lower()
            async with self._global, self._host_sem(host):
                text, err = await fetch_full_text(self.client, article.url, self.limits)
            if err == "unavailable":
                return
            if text and len(text) > len(article.content):
                article.content = text
            elif err:
                log_event(logger, "fulltext_failed", level=20, feed=feed.id, kind=err)

    def _failed(
        self,
        feed: FeedConfig,
        state: FeedState,
        result: FetchResult,
        policy: IntervalPolicy,
        out: FeedOutcome,
        now: float,
    ) -> FeedOutcome:
        outage = result.error_kind in NETWORK_KINDS and self._outage(now)
        if not outage:
            state.consecutive_failures += 1
        state.last_error_kind = result.error_kind
        state.last_error = result.error
        wait = backoff_interval(policy, max(1, state.consecutive_failures))
        if outage:
            wait = policy.min_interval_s  # retry soon: the network, not the feed, is broken
        wait = apply_hints(jittered(wait, policy.jitter, self.rng), result.retry_after_s)
        state.next_due = now + wait
        self.store.save_feed(state)
        out.error_kind, out.error, out.outage = result.error_kind, result.error, outage
        out.next_in_s = wait
        metrics.record_poll(
            feed.id,
            "error",
            duration_s=result.elapsed_s,
            fetched_bytes=len(result.body),
            error_kind=metric_error_kind(result.error_kind),
            at=now,
        )
        metrics.FEED_CONSECUTIVE_FAILURES.labels(feed=feed.id).set(state.consecutive_failures)
        log_event(
            logger,
            "feed_failed",
            level=30,
            feed=feed.id,
            kind=result.error_kind,
            error=result.error,
            status=result.status,
            failures=state.consecutive_failures,
            outage=outage,
            retry_in_s=round(wait, 1),
        )
        return out

    # ------------------------------------------------------------------ publishing

    async def _publish_pending(self, feed_id: str | None) -> tuple[int, int]:
        """Send what the outbox holds (for one feed, or all); returns (acked, still pending).

        While the broker is known to be away, per-feed sends are skipped (the articles are
        safe in the outbox) and only the periodic whole-outbox retry (``feed_id=None``) tries.
        """
        pending = self.store.pending(feed_id)
        if not pending:
            return 0, 0
        publisher = self.publisher
        if publisher is None or (feed_id is not None and not getattr(publisher, "available", True)):
            return 0, len(pending)
        loop = asyncio.get_running_loop()
        acked = await loop.run_in_executor(self._publish_pool, publisher.publish, pending)
        self.store.mark_published(acked)
        if len(acked) < len(pending):
            done = {a.id for a in acked}
            self.store.note_attempt([a for a in pending if a.id not in done])
        if acked:
            metrics.STAGE_OUT.labels(stage="poll").inc(len(acked))
            metrics.LAST_PROCESSED.labels(stage="poll").set_to_current_time()
        return len(acked), len(pending) - len(acked)

    async def drain_outbox(self) -> int:
        """Retry everything still pending (after an outage, at start). Returns acked count."""
        async with self._outbox_lock:
            total = 0
            while True:
                acked, left = await self._publish_pending(None)
                total += acked
                if not acked or not left:
                    return total

    # ------------------------------------------------------------------ passes and loop

    async def poll_once(self, feeds: Sequence[FeedConfig] | None = None) -> PollReport:
        """Poll every feed once, concurrently within the limits; then retry the outbox."""
        report = PollReport()
        report.outbox_published = await self.drain_outbox()
        chosen = list(self.feeds.values()) if feeds is None else list(feeds)
        outcomes = await asyncio.gather(
            *(self.poll_feed(f) for f in chosen), return_exceptions=True
        )
        for feed, o in zip(chosen, outcomes, strict=True):
            if isinstance(o, BaseException):  # a bug or a state-file error, not the feed's
                log_event(logger, "poll_crashed", level=40, feed=feed.id, error=repr(o))
                o = FeedOutcome(feed_id=feed.id, outcome="error", error_kind="other", error=repr(o))
            report.feeds[o.feed_id] = o
        report.outbox_published += await self.drain_outbox()
        report.pending = self.store.pending_count()
        metrics.CYCLE_COMPLETED.set(self.clock())
        return report

    def initial_due(self, feed: FeedConfig, now: float) -> float:
        state = self.store.feed(feed.id)
        if state is not None and state.next_due is not None and state.url == feed.url:
            return state.next_due
        # First sight of a feed: start soon, spread over a fraction of its interval.
        spread = min(policy_for(feed, self.settings).interval_s, 60.0) * self.settings.poller.jitter
        return now + self.rng.uniform(0, spread)

    async def run(self, stop: asyncio.Event, tick: Callable[[], None] | None = None) -> None:
        """Poll feeds as they fall due until ``stop`` is set; then finish in-flight polls,
        give the outbox one last (bounded) chance and return."""
        queue = DueQueue()
        now = self.clock()
        for feed in self.feeds.values():
            queue.push(feed.id, self.initial_due(feed, now))
        self.store.prune(SEEN_RETENTION_S)
        inflight: set[asyncio.Task[Any]] = set()
        wake = asyncio.Event()
        stop_waiter = asyncio.ensure_future(stop.wait())
        drain: asyncio.Task[int] | None = None
        last_drain = 0.0

        async def one(feed: FeedConfig, due: float) -> None:
            metrics.SCHEDULER_LAG.observe(max(0.0, self.clock() - due))
            try:
                await self.poll_feed(feed)
            except Exception as exc:  # keep the loop alive; the feed is retried later
                log_event(logger, "poll_crashed", level=40, feed=feed.id, error=repr(exc))
            state = self.store.feed(feed.id)
            t = self.clock()
            nxt = state.next_due if state and state.next_due and state.next_due > t else None
            queue.push(feed.id, nxt or t + policy_for(feed, self.settings).min_interval_s)
            wake.set()

        while not stop.is_set():
            if tick is not None:
                tick()  # liveness: the loop is turning
            wake.clear()
            now = self.clock()
            idle = drain is None or drain.done()
            if idle and now - last_drain >= OUTBOX_RETRY_S and self.store.pending_count():
                last_drain = now
                drain = asyncio.create_task(self.drain_outbox())
            for feed_id, due in queue.pop_due(now):
                cfg = self.feeds.get(feed_id)
                if cfg is None:
                    continue
                task = asyncio.create_task(one(cfg, due))
                inflight.add(task)
                task.add_done_callback(inflight.discard)
            metrics.CYCLE_COMPLETED.set(now)
            nxt = queue.next_due()
            wait = 5.0 if nxt is None else min(5.0, max(0.01, nxt - self.clock()))
            waker = asyncio.ensure_future(wake.wait())
            await asyncio.wait({stop_waiter, waker}, timeout=wait, return_when="FIRST_COMPLETED")
            waker.cancel()
        if inflight:
            await asyncio.wait(inflight, timeout=self.settings.poller.total_timeout_s + 5)
        if drain is not None and not drain.done():
            await asyncio.wait({drain}, timeout=SHUTDOWN_DRAIN_S)
        elif self.publisher is None or getattr(self.publisher, "available", True):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.drain_outbox(), timeout=SHUTDOWN_DRAIN_S)


async def poll_once(
    settings: Settings,
    feeds: Sequence[FeedConfig],
    *,
    store: StateStore | None = None,
    publisher: Publisher | None = None,
) -> PollReport:
    """Poll ``feeds`` once with the state store and Kafka topic from ``settings``.

    Opens (and closes) the store at ``settings.poller.state_db`` and a producer when not given.
    """
    from pipeline.config import resolve_path

    own_store = store is None
    own_pub = publisher is None
    store = store or StateStore(resolve_path(settings.poller.state_db))
    publisher = publisher or Publisher(settings)
    poller = Poller(settings, feeds, store=store, publisher=publisher)
    try:
        return await poller.poll_once()
    finally:
        await poller.aclose()
        if own_pub:
            await asyncio.to_thread(publisher.close)
        if own_store:
            store.close()
