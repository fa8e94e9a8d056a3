"""Feed lists: the feeds YAML format (documented at the top of configs/feeds.yaml) and OPML.

Why validate everything at start: a typo in one feed of thousands must stop the poller with
the file, the feed and the key named, not surface as a feed that silently never polls.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.feeds.ids import feed_id_for_url, slug

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


class FeedConfigError(ValueError):
    """A bad feeds file; the message names the file, the feed and the key."""


class FeedConfig(BaseModel):
    """One feed. ``None`` for a tunable means "use settings.poller"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    url: str
    name: str = ""
    language: str | None = None
    enabled: bool = True
    interval_s: float | None = Field(None, gt=0)
    min_interval_s: float | None = Field(None, gt=0)
    max_interval_s: float | None = Field(None, gt=0)
    adaptive: bool | None = None
    full_text: bool | None = None
    tags: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError("must be 1-64 characters of A-Z a-z 0-9 . _ - (starting alphanumeric)")
        return v

    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str) -> str:
        v = v.strip()
        parts = urlsplit(v)
        if parts.scheme in ("http", "https"):
            if not parts.hostname:
                raise ValueError("http(s) URL without a host")
        elif parts.scheme != "file":
            raise ValueError("must be an http://, https:// or file:// URL")
        return v

    @property
    def source(self) -> str:
        """The name shown to readers (``Article.source``)."""
        return self.name or (urlsplit(self.url).hostname or self.id)

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


@dataclass(frozen=True)
class FeedList:
    path: str
    feeds: list[FeedConfig]

    def enabled(self) -> list[FeedConfig]:
        return [f for f in self.feeds if f.enabled]


def _name_of(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and raw.get("id"):
        return f"feed {raw['id']!r} (#{index + 1})"
    if isinstance(raw, dict) and raw.get("url"):
        return f"feed {raw['url']!r} (#{index + 1})"
    return f"feed #{index + 1}"


def parse_feed_list(data: Any, source: str) -> FeedList:
    """Validate the loaded YAML tree; raises :class:`FeedConfigError` listing every problem."""
    if data is None:
        data = {}
    if isinstance(data, list):
        data = {"feeds": data}
    if not isinstance(data, dict):
        raise FeedConfigError(f"{source}: top level must be a mapping with a 'feeds' list")
    unknown = set(data) - {"defaults", "feeds"}
    if unknown:
        raise FeedConfigError(f"{source}: unknown top-level key(s) {sorted(unknown)}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise FeedConfigError(f"{source}: key 'defaults' must be a mapping")
    raw_feeds = data.get("feeds") or []
    if not isinstance(raw_feeds, list):
        raise FeedConfigError(f"{source}: key 'feeds' must be a list")
    errors: list[str] = []
    feeds: list[FeedConfig] = []
    seen_ids: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    for i, raw in enumerate(raw_feeds):
        where = _name_of(raw, i)
        if not isinstance(raw, dict):
            errors.append(f"{source}: {where}: must be a mapping with at least 'url'")
            continue
        merged = {**defaults, **raw}
        if not merged.get("id") and isinstance(merged.get("url"), str):
            merged["id"] = slug(str(merged["name"])) if merged.get("name") else None
            merged["id"] = merged["id"] or feed_id_for_url(merged["url"])
        try:
            feed = FeedConfig.model_validate(merged)
        except ValidationError as exc:
            for err in exc.errors():
                key = ".".join(str(p) for p in err["loc"]) or "?"
                if err["type"] == "extra_forbidden":
                    errors.append(f"{source}: {where}: unknown key {key!r}")
                elif err["type"] == "missing":
                    errors.append(f"{source}: {where}: missing key {key!r}")
                else:
                    errors.append(
                        f"{source}: {where}: key {key!r}: {err['msg']} (got {err.get('input')!r})"
                    )
            continue
        if feed.id in seen_ids:
            errors.append(
                f"{source}: {where}: key 'id': duplicate of feed #{seen_ids[feed.id] + 1}"
            )
            continue
        if feed.url in seen_urls:
            errors.append(
                f"{source}: {where}: key 'url': same URL as feed #{seen_urls[feed.url] + 1}"
            )
            continue
        lo = feed.min_interval_s
        hi = feed.max_interval_s
        if lo is not None and hi is not None and lo > hi:
            errors.append(f"{source}: {where}: key 'min_interval_s': larger than max_interval_s")
            continue
        seen_ids[feed.id] = i
        seen_urls[feed.url] = i
        feeds.append(feed)
    if errors:
        raise FeedConfigError("; ".join(errors))
    return FeedList(path=source, feeds=feeds)


def load_feeds(path: str | os.PathLike[str]) -> FeedList:
    """Read and validate a feeds YAML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FeedConfigError(f"{p}: feeds file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedConfigError(f"{p}: cannot read feeds file ({exc})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FeedConfigError(f"{p}: not valid YAML ({exc})") from exc
    return parse_feed_list(data, str(p))


# --------------------------------------------------------------------------- OPML


def parse_opml(body: bytes, source: str = "OPML") -> list[dict[str, Any]]:
    """Feed entries (``id``, ``url``, ``name``, ``tags``) from an OPML subscription list.

    Nested outlines become tags (feed readers use them as folders). Entity declarations are
    refused before parsing, so an OPML file cannot expand into gigabytes."""
    if _ENTITY_DECL.search(body):
        raise FeedConfigError(f"{source}: refusing OPML with XML entity declarations")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FeedConfigError(f"{source}: not well-formed XML ({exc})") from exc
    if root.tag.lower() != "opml":
        raise FeedConfigError(f"{source}: root element is <{root.tag}>, expected <opml>")
    body_el = root.find("body")
    if body_el is None:
        raise FeedConfigError(f"{source}: no <body> element")
    out: list[dict[str, Any]] = []

    def walk(el: ET.Element, folders: tuple[str, ...]) -> None:
        for child in el:
            if child.tag != "outline":
                continue
            url = child.get("xmlUrl") or child.get("xmlurl")
            title = child.get("title") or child.get("text") or ""
            if url:
                entry: dict[str, Any] = {"id": feed_id_for_url(url), "url": url.strip()}
                if title:
                    entry["name"] = title.strip()
                if folders:
                    entry["tags"] = list(folders)
                out.append(entry)
            walk(child, (*folders, title.strip()) if not url and title else folders)

    walk(body_el, ())
    return out


def merge_into(existing: dict[str, Any] | None, new: list[dict[str, Any]]) -> tuple[dict, int]:
    """Append feeds whose URL is not yet listed; returns the new tree and how many were added."""
    tree: dict[str, Any] = dict(existing or {})
    feeds = list(tree.get("feeds") or [])
    urls = {f.get("url") for f in feeds if isinstance(f, dict)}
    ids = {f.get("id") for f in feeds if isinstance(f, dict)}
    added = 0
    for entry in new:
        if entry["url"] in urls:
            continue
        if entry["id"] in ids:
            entry = {**entry, "id": f"{entry['id']}-{len(feeds) + 1}"}
        feeds.append(entry)
        urls.add(entry["url"])
        ids.add(entry["id"])
        added += 1
    tree["feeds"] = feeds
    return tree, added
