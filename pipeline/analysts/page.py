"""The server-rendered page of alerts (Jinja2, autoescaped): works without JavaScript.

Why server-side filters: the filter menus and the search box are a plain GET form, so a
filtered view is a URL an analyst can bookmark or send, and the same query string selects the
Atom feed and the JSON of that view.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape

from pipeline.alerts.build import parse_time
from pipeline.analysts.index import Entry, Filters
from pipeline.schema import ROLES, Event


def _when(value: str | None) -> str:
    ts = parse_time(value)
    return ts.strftime("%Y-%m-%d %H:%M UTC") if ts else "?"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = float(seconds)
    if s < 90:
        return f"{s:.0f} s"
    if s < 90 * 60:
        return f"{s / 60:.0f} min"
    if s < 48 * 3600:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def _roles(event: Event) -> tuple[str, ...]:
    return ROLES.get(event.type, tuple(event.roles))


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("pipeline.analysts", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["duration"] = _duration
    env.globals["roles"] = _roles
    return env


def view_query(f: Filters) -> str:
    """The filters as a query string (empty ones left out)."""
    pairs = [(k, v) for k, v in (("type", f.type), ("action", f.action), ("actor", f.actor),
                                 ("q", f.q), ("event", f.event_id)) if v]
    return urlencode(pairs)


def render_page(
    entries: list[Entry],
    f: Filters,
    facets: dict[str, list[str]],
    notice: str = "",
    index_note: str = "",
) -> bytes:
    query = view_query(f)
    suffix = f"?{query}" if query else ""
    context: dict[str, Any] = {
        "title": "newsmon alerts",
        "entries": entries,
        "f": f,
        "facets": facets,
        "feed_url": f"/feeds/alerts.atom{suffix}",
        "api_url": f"/api/alerts{suffix}",
        "notice": notice,
        "view": query,
        "index_note": index_note,
    }
    return _env().get_template("alerts.html").render(**context).encode("utf-8")
