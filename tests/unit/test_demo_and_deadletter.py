"""The demo feed is a real RSS feed over HTTP; dead-letter records keep the original bytes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import feedparser
import pytest

from pipeline.demo.server import DemoFeedServer, load_articles
from pipeline.kafka.deadletter import deadletter_record, original_value


def test_demo_feed_serves_every_article_with_stable_guids() -> None:
    with DemoFeedServer() as server:
        body = urllib.request.urlopen(server.feed_url, timeout=5).read()
        etag = urllib.request.urlopen(server.feed_url, timeout=5).headers["ETag"]
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    articles = load_articles()
    assert [e.title for e in parsed.entries] == [a.title for a in articles]
    assert all(e.id.startswith("newsmon-demo:") for e in parsed.entries)
    assert any("mediator" in e.title for e in parsed.entries)
    assert etag


def test_demo_feed_answers_304_to_a_matching_etag() -> None:
    with DemoFeedServer() as server:
        etag = urllib.request.urlopen(server.feed_url, timeout=5).headers["ETag"]
        request = urllib.request.Request(server.feed_url, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=5)
    assert err.value.code == 304


def test_deadletter_keeps_bytes_and_error() -> None:
    raw = b"\x00\xffnot an article"
    record = deadletter_record("enrich", "news.articles", raw, ValueError("bad"), key=b"k1")
    doc = json.loads(record)
    assert doc["stage"] == "enrich" and doc["key"] == "k1"
    assert doc["error"] == "ValueError: bad"
    assert original_value(record) == raw
