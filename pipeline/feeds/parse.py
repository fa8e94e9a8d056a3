"""Feed bytes to :class:`pipeline.schema.Article` records: pure, no network, no Kafka.

Why bytes in: feedparser must never fetch (its fetcher has no timeout), so the poller hands it
the body it downloaded under its own limits. Why refuse entity declarations up front: a few
hundred bytes of nested ``<!ENTITY>`` can expand into gigabytes, and no real feed needs them.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from pipeline.feeds.config import FeedConfig
from pipeline.feeds.ids import article_id, canonical_url, content_hash
from pipeline.feeds.text import html_to_text, shorten
from pipeline.schema import Article

# A feed whose clock runs a little fast is not lying about the future.
FUTURE_SKEW = timedelta(minutes=10)
TITLE_FROM_SUMMARY_CHARS = 120

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_ROOT_TAG = re.compile(rb"<[A-Za-z_]")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_ALTERNATE = re.compile(
    rb"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.IGNORECASE)


class FeedParseError(ValueError):
    """A document the poller will not turn into articles.

    ``kind`` is ``not_a_feed`` (HTML page, JSON or XML that is no feed), ``invalid`` (a feed
    too broken to read) or ``unsafe`` (entity declarations)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class ParsedFeed:
    """What one document yields: feed metadata, the articles and what looked wrong."""

    title: str = ""
    link: str = ""
    language: str | None = None
    version: str = ""
    ttl_s: float | None = None
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    items: int = 0  # entries in the document, duplicates included

    def feed_dict(self, feed: FeedConfig) -> dict[str, Any]:
        return {
            "id": feed.id,
            "url": feed.url,
            "source": feed.source,
            "title": self.title,
            "link": self.link,
            "language": self.language,
            "format": self.version,
            "ttl_s": self.ttl_s,
            "items": self.items,
        }


@dataclass
class _Item:
    guid: str | None
    link: str | None
    title_html: str
    summary_html: str
    content_html: str
    published: datetime | None
    language: str | None


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _struct_to_dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _looks_like_url(s: str | None) -> bool:
    return bool(s) and str(s).strip().lower().startswith(("http://", "https://"))


def _check_safe(body: bytes, source: str) -> None:
    """Refuse entity declarations in the DOCTYPE. Only a DOCTYPE before the root element
    counts: "<!ENTITY" quoted inside an article (CDATA) is text, not a declaration."""
    m = _DOCTYPE.search(body, 0, 1_000_000)
    if m is None:
        return
    prolog = _COMMENT.sub(b"", body[: m.start()])
    if _ROOT_TAG.search(prolog):
        return  # the root element came first: this "DOCTYPE" is content
    end = body.find(b"]>", m.end())
    end = body.find(b">", m.end()) if end < 0 else end
    if _ENTITY_DECL.search(body, m.end(), end if end >= 0 else len(body)):
        raise FeedParseError(
            "unsafe", f"{source}: refusing a document with XML entity declarations"
        )


def _html_error(body: bytes, source: str) -> FeedParseError:
    hint = ""
    for tag in _ALTERNATE.findall(body[:200_000])[:3]:
        href = _HREF.search(tag)
        if href:
            hint = f"; the page advertises a feed at {href.group(1).decode('utf-8', 'replace')}"
            break
    return FeedParseError("not_a_feed", f"{source}: an HTML page, not a feed{hint}")


def _json_items(body: bytes, source: str) -> tuple[dict[str, Any], list[_Item]]:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedParseError("not_a_feed", f"{source}: JSON but not a JSON Feed ({exc})") from exc
    version = doc.get("version", "") if isinstance(doc, dict) else ""
    if not str(version).startswith("https://jsonfeed.org/version/"):
        raise FeedParseError("not_a_feed", f"{source}: JSON without a JSON Feed 'version'")
    items_raw = doc.get("items")
    if not isinstance(items_raw, list):
        raise FeedParseError("invalid", f"{source}: JSON Feed without an 'items' list")
    items = []
    for it in items_raw:
        if not isinstance(it, dict):
            continue
        published = None
        for key in ("date_published", "date_modified"):
            if isinstance(it.get(key), str):
                try:
                    published = datetime.fromisoformat(it[key])
                    if published.tzinfo is None:
                        published = published.replace(tzinfo=UTC)
                    break
                except ValueError:
                    continue
        items.append(
            _Item(
                guid=str(it["id"]) if it.get("id") not in (None, "") else None,
                link=it.get("url") or it.get("external_url"),
                title_html=str(it.get("title") or ""),
                summary_html=str(it.get("summary") or ""),
                content_html=str(it.get("content_html") or it.get("content_text") or ""),
                published=published,
                language=it.get("language") or None,
            )
        )
    meta = {
        "title": str(doc.get("title") or ""),
        "link": str(doc.get("home_page_url") or ""),
        "language": doc.get("language"),
        "version": "json" + str(version).rsplit("/", 1)[-1],
        "ttl_s": None,
    }
    return meta, items


def _feedparser_items(
    body: bytes, source: str, url: str | None, content_type: str | None
) -> tuple[dict[str, Any], list[_Item], list[str]]:
    # Without a Content-Type feedparser flags every document as suspect; a file or a server
    # that sent none gets the neutral XML type, so the XML declaration decides the encoding.
    headers: dict[str, str] = {"content-type": content_type or "application/xml"}
    if url and _looks_like_url(url):
        headers["content-location"] = url  # resolves relative links against the feed URL
    # No sanitising or URI rewriting inside HTML: every HTML field becomes plain text through
    # html_to_text (which drops scripts and styles), so that work would be thrown away.
    d = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    warnings: list[str] = []
    exc = d.get("bozo_exception")
    if not d.version:
        if _HTML_START.search(body[:4096]) or (content_type or "").startswith("text/html"):
            raise _html_error(body, source)
        if d.bozo and not d.entries:
            raise FeedParseError("invalid", f"{source}: not well-formed XML ({exc})")
        raise FeedParseError("not_a_feed", f"{source}: XML, but neither RSS nor Atom")
    if d.bozo:
        if not d.entries:
            raise FeedParseError("invalid", f"{source}: invalid {d.version} feed ({exc})")
        if not isinstance(exc, feedparser.CharacterEncodingOverride):
            warnings.append(f"feed is not well-formed, parsed leniently ({exc})")
        else:
            warnings.append(f"declared encoding was wrong, used {d.get('encoding')}")
    f = d.feed
    ttl_s = None
    if f.get("ttl"):
        try:
            ttl_s = float(str(f["ttl"]).strip()) * 60.0
        except ValueError:
            warnings.append(f"ignored non-numeric <ttl> {f['ttl']!r}")
    meta = {
        "title": html_to_text(f.get("title", "")),
        "link": f.get("link", ""),
        "language": f.get("language") or None,
        "version": d.version,
        "ttl_s": ttl_s,
        "broken": f"{exc}"
        if d.bozo and not isinstance(exc, feedparser.CharacterEncodingOverride)
        else None,
    }
    items = []
    for e in d.entries:
        contents = e.get("content") or []
        content_html = "\n".join(c.get("value", "") for c in contents if c.get("value"))
        lang = next((c.get("language") for c in contents if c.get("language")), None)
        summary = e.get("summary", "")
        if summary and content_html and summary.strip() == content_html.strip():
            summary = ""
        items.append(
            _Item(
                guid=e.get("id") or None,
                link=e.get("link") or None,
                title_html=e.get("title", ""),
                summary_html=summary,
                content_html=content_html,
                published=_struct_to_dt(e.get("published_parsed") or e.get("updated_parsed")),
                language=lang,
            )
        )
    return meta, items, warnings


def parse_feed(
    body: bytes,
    feed: FeedConfig,
    fetched_at: datetime,
    *,
    content_type: str | None = None,
    url: str | None = None,
) -> ParsedFeed:
    """Turn a downloaded document into articles, or raise :class:`FeedParseError`.

    ``url`` is where the bytes came from after redirects (relative links resolve against it);
    ``content_type`` is the HTTP header (its charset wins over sniffing, as RFC 3023 says).
    Duplicate ids keep the first item; future dates are clamped to ``fetched_at`` and flagged.
    """
    source = url or feed.url
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    if not body.strip():
        raise FeedParseError("not_a_feed", f"{source}: empty document")
    _check_safe(body, source)
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    warnings: list[str] = []
    if stripped.startswith((b"{", b"[")):
        meta, items = _json_items(body, source)
    elif b"<" not in stripped[:4]:  # within 4 bytes: UTF-16 with a BOM is still XML
        raise FeedParseError("not_a_feed", f"{source}: neither XML nor JSON")
    else:
        meta, items, warnings = _feedparser_items(body, source, url or feed.url, content_type)

    out = ParsedFeed(
        title=meta["title"],
        link=meta["link"],
        language=meta["language"],
        version=meta["version"],
        ttl_s=meta["ttl_s"],
        warnings=warnings,
        items=len(items),
    )
    fetched_iso = _iso(fetched_at)
    seen: set[str] = set()
    for n, item in enumerate(items, 1):
        title = html_to_text(item.title_html)
        summary = html_to_text(item.summary_html)
        content = html_to_text(item.content_html)
        if not title:
            title = shorten(summary or content, TITLE_FROM_SUMMARY_CHARS)
            if title:
                out.warnings.append(f"item {n}: no title, used the start of its text")
        if not title:
            out.warnings.append(f"item {n}: skipped, no title and no text")
            continue
        link = item.link.strip() if item.link else ""
        if not link and _looks_like_url(item.guid):
            link = str(item.guid).strip()
        if not link:
            link = meta["link"] or ""
            out.warnings.append(f"item {n}: no link, used the feed's link")
        aid = article_id(feed.id, item.guid, item.link, title, summary + content)
        if aid in seen:
            out.warnings.append(f"item {n}: duplicate id {aid} (same GUID or link), kept the first")
            continue
        seen.add(aid)
        published = item.published
        clamped = False
        if published is not None and published > fetched_at + FUTURE_SKEW:
            out.warnings.append(
                f"item {n}: publication date {_iso(published)} is in the future, clamped"
            )
            published, clamped = fetched_at, True
        out.articles.append(
            Article(
                id=aid,
                feed_id=feed.id,
                source=feed.source,
                url=canonical_url(link) if _looks_like_url(link) else link,
                title=title,
                summary=summary,
                content=content,
                published=_iso(published) if published else None,
                fetched=fetched_iso,
                language=item.language or meta["language"] or feed.language,
                published_clamped=clamped,
                content_hash=content_hash(title, summary, content),
            )
        )
    if meta.get("broken") and not out.articles:
        # Read leniently and still nothing usable: report the breakage, not an empty feed.
        raise FeedParseError("invalid", f"{source}: invalid {out.version} feed ({meta['broken']})")
    return out
