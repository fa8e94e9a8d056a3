"""Feeds files and OPML: errors name the file, the feed and the key; OPML imports cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.feeds.config import (
    FeedConfigError,
    load_feeds,
    merge_into,
    parse_feed_list,
    parse_opml,
)

REPO = Path(__file__).resolve().parent.parent.parent


def test_shipped_feeds_files_are_valid() -> None:
    shipped = load_feeds(REPO / "configs" / "feeds.yaml")
    assert len(shipped.enabled()) >= 20
    assert all(f.url.startswith(("http://", "https://")) for f in shipped.feeds)
    demo = REPO / "configs" / "feeds-demo.yaml"
    if demo.exists():
        assert load_feeds(demo).feeds


def test_defaults_apply_and_feeds_override() -> None:
    fl = parse_feed_list(
        {
            "defaults": {"interval_s": 900, "language": "en"},
            "feeds": [
                {"id": "a", "url": "https://a.example/rss"},
                {"id": "b", "url": "https://b.example/rss", "interval_s": 60},
                {"name": "Foreign Ministry", "url": "https://c.example/rss"},
            ],
        },
        "feeds.yaml",
    )
    a, b, c = fl.feeds
    assert (a.interval_s, a.language, b.interval_s) == (900, "en", 60)
    assert c.id == "foreign-ministry" and c.source == "Foreign Ministry"
    assert a.source == "a.example"


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        ({"id": "x", "url": "https://x.example/", "intervl_s": 5},
         "feed 'x' (#1): unknown key 'intervl_s'"),
        ({"id": "x", "url": "ftp://x.example/"}, "feed 'x' (#1): key 'url'"),
        ({"id": "x", "url": "https://x.example/", "interval_s": -1},
         "feed 'x' (#1): key 'interval_s'"),
        ({"id": "bad id", "url": "https://x.example/"}, "feed 'bad id' (#1): key 'id'"),
        ({"id": "x"}, "feed 'x' (#1): missing key 'url'"),
        ({"id": "x", "url": "https://x.example/", "min_interval_s": 10, "max_interval_s": 5},
         "key 'min_interval_s'"),
    ],
)  # fmt: skip
def test_errors_name_file_feed_and_key(feed: dict, message: str) -> None:
    with pytest.raises(FeedConfigError) as exc:
        parse_feed_list({"feeds": [feed]}, "my-feeds.yaml")
    assert str(exc.value).startswith("my-feeds.yaml: ")
    assert message in str(exc.value)


def test_duplicates_and_every_error_reported_at_once() -> None:
    with pytest.raises(FeedConfigError) as exc:
        parse_feed_list(
            {
                "feeds": [
                    {"id": "a", "url": "https://a.example/"},
                    {"id": "a", "url": "https://b.example/"},
                    {"id": "c", "url": "https://a.example/"},
                    {"id": "d", "url": "https://d.example/", "colour": "red"},
                ]
            },
            "f.yaml",
        )
    msg = str(exc.value)
    assert "feed 'a' (#2): key 'id': duplicate of feed #1" in msg
    assert "feed 'c' (#3): key 'url': same URL as feed #1" in msg
    assert "feed 'd' (#4): unknown key 'colour'" in msg


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(FeedConfigError, match="not found"):
        load_feeds(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [\n")
    with pytest.raises(FeedConfigError, match="not valid YAML"):
        load_feeds(bad)
    bad.write_text("feeds:\n  - just-a-string\n")
    with pytest.raises(FeedConfigError, match="feed #1: must be a mapping"):
        load_feeds(bad)


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="Diplomacy" title="Diplomacy">
      <outline type="rss" text="UN News" xmlUrl="https://news.un.org/feed/subscribe/en/news/all/rss.xml"/>
      <outline type="rss" text="Ministry" xmlUrl="https://ministry.example/feed.atom"/>
    </outline>
    <outline type="rss" title="Wire" text="Wire" xmlUrl="https://wire.example/rss"/>
    <outline text="No feed here"/>
  </body>
</opml>
"""


def test_opml_import_keeps_folders_as_tags() -> None:
    entries = parse_opml(OPML)
    assert [e["name"] for e in entries] == ["UN News", "Ministry", "Wire"]
    assert entries[0]["tags"] == ["Diplomacy"] and "tags" not in entries[2]
    fl = parse_feed_list({"feeds": entries}, "imported")  # the result is a valid feeds list
    assert len({f.id for f in fl.feeds}) == 3


def test_opml_merge_skips_known_urls() -> None:
    entries = parse_opml(OPML)
    existing = {"feeds": [{"id": "un", "url": entries[0]["url"]}]}
    tree, added = merge_into(existing, entries)
    assert added == 2 and len(tree["feeds"]) == 3


def test_hostile_or_wrong_opml_is_refused() -> None:
    with pytest.raises(FeedConfigError, match="entity"):
        parse_opml(b'<!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>')
    with pytest.raises(FeedConfigError, match="expected <opml>"):
        parse_opml(b"<rss/>")
    with pytest.raises(FeedConfigError, match="not well-formed"):
        parse_opml(b"<opml><body>")


def test_top_level_list_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "l.yaml"
    p.write_text(yaml.safe_dump([{"id": "a", "url": "https://a.example/"}]))
    assert [f.id for f in load_feeds(p).feeds] == ["a"]
