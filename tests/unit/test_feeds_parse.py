"""Parsing: bytes in, articles out; hostile and broken documents fail clearly and fast."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.feeds.config import FeedConfig
from pipeline.feeds.parse import FeedParseError, parse_feed
from pipeline.feeds.text import html_to_text
from tests.feedserver import rss

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
FEED = FeedConfig(id="t", url="https://test.example.org/feed.xml", name="Test")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def parse(body: bytes, **kw):  # type: ignore[no-untyped-def]
    return parse_feed(body, FEED, NOW, **kw)


def test_rss_fixture_gives_clean_articles() -> None:
    p = parse((FIXTURES / "world.xml").read_bytes())
    assert p.title == "Test Wire: World" and p.language == "en" and p.ttl_s == 900
    first = p.articles[0]
    assert first.title == "Envoy offers to host talks between two neighbours"
    assert first.summary == "An envoy said on Monday she was ready to host talks."  # no script
    assert first.url == "https://wire.example.org/world/envoy-talks"  # utm_* dropped
    assert first.published == "2026-03-02T09:30:00Z"
    assert first.source == "Test" and first.feed_id == "t" and first.fetched.startswith("2026")
    assert "Officials said" in p.articles[1].content
    assert p.articles[2].url == "https://wire.example.org/world/markets?id=7"


def test_atom_relative_links_resolve_against_the_feed_url() -> None:
    p = parse_feed(
        (FIXTURES / "notes.atom").read_bytes(), FEED, NOW, url="https://notes.example.org/a.xml"
    )
    (a,) = p.articles
    assert a.url == "https://notes.example.org/2026/03/dialogue"
    assert a.title == "Le ministre salue la reprise du dialogue"
    assert a.language == "fr"


def test_html_to_text_drops_code_and_keeps_paragraphs() -> None:
    html = "<p>One &amp; two</p><script>var x=1;</script><style>p{}</style><p>Three<br>four</p>"
    assert html_to_text(html) == "One & two\n\nThree\nfour"


def test_future_date_is_clamped_to_fetch_time_and_flagged() -> None:
    future = (NOW + timedelta(days=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    near = (NOW + timedelta(minutes=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    p = parse(rss([
        {"title": "Ahead", "guid": "1", "pubDate": future},
        {"title": "Clock skew", "guid": "2", "pubDate": near},
        {"title": "Undated", "guid": "3"},
    ]))  # fmt: skip
    ahead, skew, undated = p.articles
    assert ahead.published == "2026-03-02T12:00:00Z" and ahead.published_clamped
    assert skew.published == "2026-03-02T12:02:00Z" and not skew.published_clamped
    assert undated.published is None and not undated.published_clamped
    assert any("future" in w for w in p.warnings)


def test_duplicate_guids_keep_the_first_item() -> None:
    p = parse(rss([
        {"title": "First", "guid": "same", "link": "https://x.org/1"},
        {"title": "Second", "guid": "same", "link": "https://x.org/2"},
        {"title": "Other", "guid": "other"},
    ]))  # fmt: skip
    assert [a.title for a in p.articles] == ["First", "Other"]
    assert p.items == 3
    assert any("duplicate id" in w for w in p.warnings)


def test_links_differing_only_by_tracking_are_one_article() -> None:
    p = parse(rss([
        {"title": "A", "link": "https://x.org/a?utm_source=tw"},
        {"title": "A", "link": "https://x.org/a?utm_source=fb#x"},
    ]))  # fmt: skip
    assert len(p.articles) == 1


def test_iso_8859_1_without_declaration_or_charset() -> None:
    doc = (
        '<rss version="2.0"><channel><title>Nachrichten</title><link>http://x.de/</link>'
        "<item><title>Glasfaserförderung für Bürger</title><link>http://x.de/1</link>"
        "<description>Straße</description></item></channel></rss>"
    ).encode("iso-8859-1")
    for ctype in (None, "application/rss+xml", "text/xml; charset=ISO-8859-1"):
        (a,) = parse(doc, content_type=ctype).articles
        assert a.title == "Glasfaserförderung für Bürger"
        assert a.summary == "Straße"


def test_utf16_feed() -> None:
    doc = rss([{"title": "Überraschung in Genf", "guid": "1"}]).replace(b"UTF-8", b"UTF-16")
    (a,) = parse(doc.decode("utf-8").encode("utf-16")).articles
    assert a.title == "Überraschung in Genf"


def test_malformed_xml_without_items_is_invalid() -> None:
    with pytest.raises(FeedParseError) as exc:
        parse(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><ti')
    assert exc.value.kind == "invalid"


def test_html_page_is_not_a_feed_and_names_the_advertised_feed() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>News</title>"
        b'<link rel="alternate" type="application/rss+xml" href="https://x.org/rss"></head>'
        b"<body><p>Hello</p></body></html>"
    )
    with pytest.raises(FeedParseError) as exc:
        parse(page, content_type="text/html; charset=utf-8")
    assert exc.value.kind == "not_a_feed"
    assert "HTML" in str(exc.value) and "https://x.org/rss" in str(exc.value)


def test_plain_xml_and_json_that_are_not_feeds() -> None:
    with pytest.raises(FeedParseError) as exc:
        parse(b'<?xml version="1.0"?><catalog><book id="1"/></catalog>')
    assert exc.value.kind == "not_a_feed"
    with pytest.raises(FeedParseError) as exc:
        parse(b'{"hello": "world"}')
    assert exc.value.kind == "not_a_feed"
    with pytest.raises(FeedParseError):
        parse(b"   ")
    with pytest.raises(FeedParseError) as exc:
        parse(b"Service temporarily unavailable, try again later.")
    assert exc.value.kind == "not_a_feed"


def test_entity_expansion_is_refused_quickly() -> None:
    ents = "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 12)
    )  # 10**11 expansions if resolved
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{ents}]>'
        '<rss version="2.0"><channel><title>&l11;</title>'
        "<item><title>&l11;</title></item></channel></rss>"
    ).encode()
    start = time.perf_counter()
    with pytest.raises(FeedParseError) as exc:
        parse(doc)
    assert exc.value.kind == "unsafe"
    assert time.perf_counter() - start < 1.0


def test_external_entity_is_refused() -> None:
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>t</title><item><title>&x;</title></item>'
        b"</channel></rss>"
    )
    with pytest.raises(FeedParseError) as exc:
        parse(doc)
    assert exc.value.kind == "unsafe"


def test_entity_text_inside_an_article_is_not_a_declaration() -> None:
    doc = rss(
        [
            {
                "title": "XML tips",
                "guid": "1",
                "description": "<![CDATA[Never write <!DOCTYPE x [<!ENTITY a 'b'>]> in feeds]]>",
            }
        ]
    )
    (a,) = parse(doc).articles  # not refused as "unsafe"
    assert a.title == "XML tips" and a.summary.startswith("Never write")


def test_json_feed() -> None:
    doc = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", '
        b'"home_page_url": "https://j.org/", "language": "en", "items": ['
        b'{"id": "1", "url": "https://j.org/1?utm_medium=x", "title": "One",'
        b' "content_html": "<p>Body</p>", "date_published": "2026-03-01T10:00:00+01:00"}]}'
    )
    p = parse(doc)
    (a,) = p.articles
    assert (a.title, a.content, a.url) == ("One", "Body", "https://j.org/1")
    assert a.published == "2026-03-01T09:00:00Z" and a.language == "en"


def test_items_without_title_or_link_fall_back_and_warn() -> None:
    p = parse(rss([{"description": "A long description that has no title at all."}]))
    (a,) = p.articles
    assert a.title.startswith("A long description")
    assert a.url == "https://test.example.org/"  # the channel link
    assert len(p.warnings) == 2


# ------------------------------------------------------------------------------ corpus


def _corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".json"))


def test_every_valid_corpus_feed_parses(corpus_dir: Path) -> None:
    feeds_dir = corpus_dir / "feeds"
    parsed = 0
    for path in _corpus_files(feeds_dir):
        rel = path.relative_to(feeds_dir).as_posix()
        if rel.startswith("xml/") or rel == "rss2/rss_2.0_invalid_1.xml":
            continue  # generic XML samples and the one invalid feed: tested below
        body = path.read_bytes()
        p = parse_feed(body, FEED, NOW, url=None)
        assert p.articles, rel
        has_links = b"link" in body.lower() or b'"url"' in body
        for a in p.articles:
            assert a.id.startswith("t:") and a.title.strip(), rel
            if has_links:
                assert a.url, rel
        parsed += 1
    assert parsed >= 60


def test_corpus_invalid_and_non_feeds_are_reported(corpus_dir: Path) -> None:
    feeds_dir = corpus_dir / "feeds"
    with pytest.raises(FeedParseError) as exc:
        parse((feeds_dir / "rss2" / "rss_2.0_invalid_1.xml").read_bytes())
    assert exc.value.kind == "invalid"
    for path in sorted((feeds_dir / "xml").glob("*.xml")):
        with pytest.raises(FeedParseError) as exc:
            parse(path.read_bytes())
        assert exc.value.kind == "not_a_feed", path.name
