"""Fetching against a local HTTP server: every hostile or broken server costs one bounded
attempt with a clear error kind."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime

import brotli
import httpx
import pytest

from pipeline.feeds.fetch import (
    FetchLimits,
    FetchResult,
    fetch,
    make_client,
    parse_freshness,
    parse_retry_after,
)
from tests.feedserver import FeedServer, Reply, Seen, rss

LIMITS = FetchLimits(
    connect_timeout_s=1.0,
    read_timeout_s=0.5,
    total_timeout_s=1.5,
    max_bytes=1_000_000,
    max_redirects=3,
    user_agent="newsmon-test/1",
)
BODY = rss([{"title": "One", "guid": "1"}])


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def get(url: str, limits: FetchLimits = LIMITS, **kw: str | None) -> FetchResult:
    async def go() -> FetchResult:
        async with make_client(limits, 4) as client:
            return await fetch(client, url, limits, **kw)

    return asyncio.run(go())


def test_200_then_304_with_validators(server: FeedServer) -> None:
    def handler(req: Seen) -> Reply:
        if req.headers.get("if-none-match") == '"v1"' or (
            req.headers.get("if-modified-since") == "Mon, 02 Mar 2026 10:00:00 GMT"
        ):
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(200, BODY, {"ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026 10:00:00 GMT"})

    url = server.route("/f.xml", handler)
    first = get(url)
    assert first.ok and first.body == BODY
    assert (first.etag, first.last_modified) == ('"v1"', "Mon, 02 Mar 2026 10:00:00 GMT")
    second = get(url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b"" and second.etag == '"v1"'
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 02 Mar 2026 10:00:00 GMT"
    assert sent["user-agent"] == "newsmon-test/1"


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_and_date(server: FeedServer, status: int) -> None:
    url = server.route("/busy", Reply(status, b"slow down", {"Retry-After": "120"}))
    r = get(url)
    assert r.error_kind == ("rate_limited" if status == 429 else "http_503")
    assert r.retry_after_s == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None


def test_http_dates_count_from_now_in_retry_after_and_expires() -> None:
    now = datetime(2015, 10, 21, 7, 0, tzinfo=UTC)
    later = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after(later, now) == 28 * 60.0
    assert parse_freshness(httpx.Headers({"Expires": later}), now) == 28 * 60.0
    assert parse_freshness(httpx.Headers({"Expires": "Tue, 20 Oct 2015 07:28:00 GMT"}), now) == 0
    assert parse_freshness(httpx.Headers({"Expires": "0"}), now) is None  # "already expired"
    both = httpx.Headers({"Cache-Control": "max-age=60", "Expires": later})
    assert parse_freshness(both, now) == 60.0  # max-age wins


def test_cache_headers_give_freshness(server: FeedServer) -> None:
    url = server.route("/c", Reply(200, BODY, {"Cache-Control": "public, max-age=900"}))
    assert get(url).fresh_for_s == 900.0


def test_server_that_never_answers_times_out_within_the_limit(server: FeedServer) -> None:
    url = server.route("/hang", Reply(hang_s=30))
    start = time.perf_counter()
    r = get(url)
    took = time.perf_counter() - start
    assert r.error_kind == "timeout"
    assert took < LIMITS.total_timeout_s + 0.5


def test_server_that_stalls_mid_body_times_out(server: FeedServer) -> None:
    url = server.route("/trickle", Reply(200, BODY, hang_s=30, trickle=True))
    start = time.perf_counter()
    r = get(url)
    assert r.error_kind == "timeout"
    assert time.perf_counter() - start < LIMITS.total_timeout_s + 0.5


def test_total_timeout_bounds_a_slow_chain_of_redirects(server: FeedServer) -> None:
    limits = FetchLimits(read_timeout_s=5, total_timeout_s=0.8, max_redirects=3)
    server.route("/slow", Reply(hang_s=5))
    url = server.route("/r1", Reply(302, headers={"Location": "/r2"}))
    server.route("/r2", Reply(302, headers={"Location": "/slow"}))
    start = time.perf_counter()
    assert get(url, limits).error_kind == "timeout"  # read timeout alone would allow 5 s
    assert time.perf_counter() - start < 1.5


def test_response_larger_than_the_cap(server: FeedServer) -> None:
    big = b"<rss>" + b"x" * 2_000_000 + b"</rss>"
    url = server.route("/big", Reply(200, big))
    r = get(url)
    assert r.error_kind == "too_large" and r.body == b""
    # Without Content-Length (close-delimited) the cap applies while reading.
    url2 = server.route("/big2", Reply(200, big, {"Content-Length": ""}))
    assert get(url2).error_kind == "too_large"
    url3 = server.route("/ok", Reply(200, BODY, {"Content-Length": ""}))
    assert get(url3).body == BODY


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compression_bombs_stop_at_the_cap(server: FeedServer, encoding: str) -> None:
    payload = b"\0" * 30_000_000
    if encoding == "gzip":
        blob = gzip.compress(payload, 9)
    elif encoding == "deflate":
        blob = zlib.compress(payload, 9)
    else:
        blob = brotli.compress(payload, quality=1)
    assert len(blob) < LIMITS.max_bytes  # small on the wire, 30x the cap once inflated
    url = server.route("/bomb", Reply(200, blob, {"Content-Encoding": encoding}))
    r = get(url)
    assert r.error_kind == "too_large"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_feeds_are_decoded(server: FeedServer, encoding: str) -> None:
    blob = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "br": brotli.compress,
    }[encoding](BODY)
    url = server.route("/z", Reply(200, blob, {"Content-Encoding": encoding}))
    r = get(url)
    assert r.ok and r.body == BODY
    assert "gzip" in server.requests[-1].headers["accept-encoding"]


def test_raw_deflate_is_accepted(server: FeedServer) -> None:
    co = zlib.compressobj(wbits=-15)
    blob = co.compress(BODY) + co.flush()
    url = server.route("/raw", Reply(200, blob, {"Content-Encoding": "deflate"}))
    assert get(url).body == BODY


def test_corrupt_gzip_is_a_decode_error(server: FeedServer) -> None:
    url = server.route("/bad", Reply(200, b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"}))
    assert get(url).error_kind == "decode"


def test_redirect_loop_is_detected(server: FeedServer) -> None:
    url = server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(302, headers={"Location": "/a"}))
    r = get(url)
    assert r.error_kind == "redirect_loop"
    assert len(server.requests) == 2


def test_redirect_limit_and_permanent_move(server: FeedServer) -> None:
    for i in range(6):
        server.route(f"/h{i}", Reply(301, headers={"Location": f"/h{i + 1}"}))
    assert get(server.url("/h0")).error_kind == "too_many_redirects"
    url = server.route("/old", Reply(301, headers={"Location": "/new"}))
    server.route("/new", Reply(200, BODY))
    r = get(url)
    assert r.ok and r.permanent_redirect == server.url("/new") and r.final_url.endswith("/new")


def test_http_errors_and_refused_connections(server: FeedServer) -> None:
    assert get(server.url("/missing")).error_kind == "http_404"
    r = get("http://127.0.0.1:9/feed")  # discard port: nothing listens
    assert r.error_kind in ("connect", "network")


def test_file_urls_are_read_with_the_same_cap(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "f.xml"
    path.write_bytes(BODY)
    assert get(path.as_uri()).body == BODY
    path.write_bytes(b"x" * (LIMITS.max_bytes + 1))
    assert get(path.as_uri()).error_kind == "too_large"
