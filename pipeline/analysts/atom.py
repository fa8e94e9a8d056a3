"""Atom 1.0 feeds of alerts (RFC 4287), generated with feedgen, for feed readers.

Why one entry per event with ``id = urn:newsmon:event:<event id>``: a feed reader keys its
items by the entry id, so an update alert (escalation, corroboration) replaces the item with a
newer ``updated`` instead of adding a second one, and a restart of the service never makes
readers show an alert twice.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from pipeline.analysts.index import Entry, Filters
from pipeline.schema import ROLES, Alert

FEED_ID = "urn:newsmon:alerts"
ATOM_NS = "http://www.w3.org/2005/Atom"


class _EntryLinks(BaseEntryExtension):
    """Typed entry links (``related`` sources, ``via`` the page). feedgen 1.0 writes entry
    links without their ``rel``, which would turn every link into a second ``alternate``
    (forbidden by RFC 4287 4.1.1); only the source's alternate link goes through feedgen."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        from lxml import etree

        for attrs in self.links:
            etree.SubElement(entry, f"{{{ATOM_NS}}}link", attrib=attrs, nsmap={None: ATOM_NS})
        return entry


def entry_id(event_id: str) -> str:
    return f"urn:newsmon:event:{event_id}"


def roles_text(alert: Alert) -> str:
    ev = alert.event

    def names(role: str) -> str:
        actors = ev.roles.get(role, [])
        return ", ".join(f"{a.name} ({a.id})" if a.name else a.id for a in actors) or "?"

    return "; ".join(f"{role}: {names(role)}" for role in ROLES.get(ev.type, tuple(ev.roles)))


def entry_title(alert: Alert) -> str:
    kind = "UPDATE " if alert.kind == "update" else ""
    return f"{kind}{alert.event.type} {alert.event.action}: {alert.headline}"


def _content(entry: Entry, page_link: str) -> str:
    alert = entry.alert
    urls = alert.sources or [alert.event.url]
    sources = "".join(f'<li><a href="{escape(u)}">{escape(u)}</a></li>' for u in urls)
    mark = ""
    if entry.mark:
        mark = f"<p><strong>Marked by an analyst: {escape(entry.mark['kind'])}</strong></p>"
    return (
        f"<p><strong>{escape(alert.event.type)} {escape(alert.event.action)}</strong> — "
        f"{escape(roles_text(alert))}</p>"
        f"<blockquote>{escape(alert.event.evidence)}</blockquote>"
        f"<p>{alert.source_count} sources, {alert.independent_source_count} independent; "
        f"first seen {escape(alert.first_seen)}; {escape(alert.reason)}</p>"
        f"{mark}<ul>{sources}</ul>"
        f'<p><a href="{escape(page_link)}">On the alerts page</a></p>'
    )


def feed_title(f: Filters) -> str:
    parts = [x for x in (f.type, f.action, f.actor) if x]
    return "newsmon alerts" + (f" — {' '.join(parts)}" if parts else "")


def render_feed(entries: list[Entry], f: Filters, base_url: str) -> bytes:
    """The Atom document for ``entries`` (newest first) as selected by ``f``."""
    query = urlencode({k: v for k, v in (("type", f.type), ("action", f.action),
                                          ("actor", f.actor)) if v})
    self_url = f"{base_url}/feeds/alerts.atom" + (f"?{query}" if query else "")
    fg = FeedGenerator()
    fg.id(FEED_ID + (f"?{query}" if query else ""))
    fg.title(feed_title(f))
    fg.author({"name": "newsmon"})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=f"{base_url}/" + (f"?{query}" if query else ""), rel="alternate")
    fg.generator("newsmon")
    fg.register_extension("newsmon_links", BaseExtension, _EntryLinks, atom=True, rss=False)
    newest = max((e.alert.detected for e in entries), default="1970-01-01T00:00:00Z")
    fg.updated(newest)
    for entry in reversed(entries):  # feedgen prepends: oldest first gives newest on top
        alert = entry.alert
        page_link = f"{base_url}/?event={alert.event_id}#e-{alert.event_id}"
        fe = fg.add_entry()
        fe.id(entry_id(alert.event_id))
        fe.title(entry_title(alert))
        fe.updated(alert.detected)
        fe.published(alert.first_seen)
        if alert.event.url:
            fe.link(href=alert.event.url, rel="alternate")
        extra: list[dict[str, str]] = [
            {"rel": "related", "href": url} for url in alert.sources if url != alert.event.url
        ]
        extra.append({"rel": "via", "href": page_link, "type": "text/html"})
        fe.newsmon_links.links = extra
        fe.summary(f"{alert.event.evidence} ({roles_text(alert)})")
        fe.content(_content(entry, page_link), type="html")
        fe.category(term=alert.event.type, label=alert.event.type)
        fe.category(term=f"{alert.event.type}/{alert.event.action}", label=alert.event.action)
    return bytes(fg.atom_str(pretty=True))
