"""``newsmon feeds``: try a feed before adding it, see feed health, import OPML, validate.

* ``feeds check URL|PATH [--json]`` fetches (or reads) one document with the poller's own code
  and prints what the poller would publish; exit 1 with a message when it is not a feed.
* ``feeds status [--json]`` shows each feed's health from the poller's state file.
* ``feeds import FILE.opml [--out FILE]`` appends the OPML's feeds (new URLs only) to a feeds
  file, keeping its comments, and validates the result before writing it.
* ``feeds validate [FILE]`` checks a feeds file as the poller would at start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import Settings, resolve_path
from pipeline.feeds.config import FeedConfig, FeedConfigError, load_feeds, merge_into, parse_opml
from pipeline.feeds.fetch import FetchLimits, fetch, make_client
from pipeline.feeds.ids import feed_id_for_url
from pipeline.feeds.parse import FeedParseError, ParsedFeed, parse_feed
from pipeline.feeds.store import StateStore

SUMMARY_CHARS = 300


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("feeds", help="check, inspect and import feeds")
    fsub = p.add_subparsers(dest="feeds_command", metavar="ACTION")
    fsub.required = True

    c = fsub.add_parser("check", help="show what the poller would publish from one feed")
    c.add_argument("target", help="feed URL (http/https) or a local file")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument("--limit", type=int, default=0, help="show at most N articles (0 = all)")
    c.set_defaults(func=run_check)

    s = fsub.add_parser("status", help="per-feed health from the poller's state file")
    s.add_argument("--json", action="store_true")
    s.add_argument("--feeds", help="feeds YAML file (default: poller.feeds_file)")
    s.set_defaults(func=run_status)

    i = fsub.add_parser("import", help="add the feeds of an OPML file to a feeds file")
    i.add_argument("opml", help="OPML file exported by a feed reader")
    i.add_argument("--out", help="feeds YAML to extend (default: poller.feeds_file)")
    i.add_argument("--dry-run", action="store_true", help="print what would be added")
    i.set_defaults(func=run_import)

    v = fsub.add_parser("validate", help="validate a feeds file")
    v.add_argument("file", nargs="?", help="feeds YAML (default: poller.feeds_file)")
    v.set_defaults(func=run_validate)


# ------------------------------------------------------------------------------ check


async def _load_target(target: str, settings: Settings) -> tuple[bytes, str | None, str]:
    """The document's bytes, its Content-Type and the URL it came from (after redirects)."""
    limits = FetchLimits.from_settings(settings.poller)
    path = Path(target)
    if not target.startswith(("http://", "https://")) and path.exists():
        url = path.resolve().as_uri()
    else:
        url = target
    async with make_client(limits, 4) as client:
        result = await fetch(client, url, limits)
    if result.error_kind:
        raise FeedParseError(result.error_kind, f"{target}: {result.error}")
    return result.body, result.content_type, result.final_url


def check_payload(parsed: ParsedFeed, feed: FeedConfig, limit: int = 0) -> dict[str, Any]:
    arts = parsed.articles[:limit] if limit > 0 else parsed.articles
    return {
        "feed": parsed.feed_dict(feed),
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "link": a.url,
                "published": a.published,
                "summary": (a.summary or a.content)[:SUMMARY_CHARS],
            }
            for a in arts
        ],
        "warnings": list(parsed.warnings),
    }


def _configured(url: str, settings: Settings) -> FeedConfig | None:
    """The feed as configured when the URL is in the feeds file: same ids as the poller."""
    try:
        feeds = load_feeds(resolve_path(settings.poller.feeds_file)).feeds
    except FeedConfigError:
        return None
    return next((f for f in feeds if f.url == url), None)


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    target: str = args.target
    url = target if target.startswith(("http://", "https://")) else Path(target).resolve().as_uri()
    feed = _configured(url, settings) or FeedConfig(
        id=feed_id_for_url(url) if url.startswith("http") else "check", url=url
    )
    try:
        body, ctype, final = asyncio.run(_load_target(target, settings))
        parsed = parse_feed(body, feed, datetime.now(UTC), content_type=ctype, url=final)
    except FeedParseError as exc:
        if args.json:
            print(json.dumps({"error": {"kind": exc.kind, "message": str(exc)}}))
        print(f"newsmon feeds check: {exc}", file=sys.stderr)
        return 1
    payload = check_payload(parsed, feed, args.limit)
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    f = payload["feed"]
    print(f"{f['title'] or '(untitled)'} [{f['format']}] {f['link']}")
    print(f"{len(parsed.articles)} articles from {parsed.items} items, language {f['language']}")
    for a in payload["articles"]:
        print(f"- {a['published'] or '(no date)'}  {a['title']}\n  {a['link']}  ({a['id']})")
    for w in parsed.warnings:
        print(f"warning: {w}")
    return 0


# ------------------------------------------------------------------------------ status


def _age(ts: float | None, now: float) -> str:
    if ts is None:
        return "never"
    s = now - ts
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if abs(s) >= size:
            return f"{s / size:.1f}{unit}"
    return f"{s:.0f}s"


def status_rows(store: StateStore, feeds: list[FeedConfig] | None, now: float) -> list[dict]:
    states = {s.feed_id: s for s in store.feeds()}
    ids = [f.id for f in feeds] if feeds is not None else list(states)
    pending = dict(
        store.conn.execute("SELECT feed_id, COUNT(*) FROM outbox GROUP BY feed_id").fetchall()
    )
    rows = []
    for fid in ids:
        st = states.get(fid)
        if st is None:
            rows.append({"feed": fid, "health": "never_polled", "pending": pending.get(fid, 0)})
            continue
        if st.consecutive_failures:
            health = "failing"
        elif st.last_success is None:
            health = "never_polled"
        else:
            health = "ok"
        rows.append(
            {
                "feed": fid,
                "health": health,
                "url": st.url,
                "last_success": st.last_success,
                "last_attempt": st.last_attempt,
                "consecutive_failures": st.consecutive_failures,
                "last_error_kind": st.last_error_kind,
                "last_error": st.last_error,
                "last_status": st.last_status,
                "next_due": st.next_due,
                "interval_s": st.interval_s,
                "published": st.articles_published,
                "pending": pending.get(fid, 0),
                "moved_to": st.moved_to,
            }
        )
    return rows


def run_status(args: argparse.Namespace, settings: Settings) -> int:
    db = resolve_path(settings.poller.state_db)
    feeds: list[FeedConfig] | None = None
    try:
        feeds = load_feeds(resolve_path(args.feeds or settings.poller.feeds_file)).feeds
    except FeedConfigError as exc:
        print(f"newsmon feeds status: {exc} (showing the state file only)", file=sys.stderr)
    if not db.exists():
        print(
            f"newsmon feeds status: no poller state at {db} (has the poller run?)", file=sys.stderr
        )
        if feeds is None:
            return 1
    with StateStore(db) as store:
        now = time.time()
        rows = status_rows(store, feeds, now)
    if args.json:
        print(json.dumps({"state_db": str(db), "feeds": rows}))
        return 0
    print(f"{'feed':32s} {'health':12s} {'last ok':>8s} {'fails':>5s} {'next':>7s} "
          f"{'pub':>6s} {'pend':>5s}  last error")  # fmt: skip
    for r in rows:
        err = (
            f"{r.get('last_error_kind')}: {r.get('last_error')}" if r.get("last_error_kind") else ""
        )
        nxt = r.get("next_due")
        print(
            f"{r['feed'][:32]:32s} {r['health']:12s} {_age(r.get('last_success'), now):>8s} "
            f"{r.get('consecutive_failures', 0):>5d} "
            f"{_age(2 * now - nxt, now) if nxt else '-':>7s} "
            f"{r.get('published', 0):>6d} {r.get('pending', 0):>5d}  {err[:80]}"
        )
    return 0


# ------------------------------------------------------------------------------ import


def _render_entries(entries: list[dict[str, Any]]) -> str:
    """Feed entries as YAML list items indented like configs/feeds.yaml."""
    text = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000)
    return "".join(("  " + line if line.strip() else line) for line in text.splitlines(True))


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    opml = Path(args.opml)
    try:
        entries = parse_opml(opml.read_bytes(), str(opml))
    except OSError as exc:
        print(f"newsmon feeds import: cannot read {opml}: {exc}", file=sys.stderr)
        return 2
    except FeedConfigError as exc:
        print(f"newsmon feeds import: {exc}", file=sys.stderr)
        return 2
    out = resolve_path(args.out or settings.poller.feeds_file)
    existing_text = out.read_text(encoding="utf-8") if out.exists() else ""
    try:
        existing = yaml.safe_load(existing_text) if existing_text else None
    except yaml.YAMLError as exc:
        print(f"newsmon feeds import: {out}: not valid YAML ({exc})", file=sys.stderr)
        return 2
    tree, added = merge_into(existing if isinstance(existing, dict) else None, entries)
    new_entries = tree["feeds"][len(tree["feeds"]) - added :] if added else []
    if args.dry_run or not added:
        print(_render_entries(new_entries) if added else "", end="")
        note = "dry run" if added else "none to add"
        print(f"{added} new feeds of {len(entries)} in {opml} ({note})")
        return 0
    if (
        existing_text
        and "feeds:" in existing_text
        and isinstance(existing, dict)
        and existing.get("feeds")
    ):
        text = existing_text.rstrip("\n") + "\n" + _render_entries(new_entries)
    else:
        text = existing_text.rstrip("\n") + ("\n" if existing_text else "")
        text += "feeds:\n" + _render_entries(new_entries)
    try:
        from pipeline.feeds.config import parse_feed_list

        parse_feed_list(yaml.safe_load(text), str(out))
    except (FeedConfigError, yaml.YAMLError) as exc:
        print(f"newsmon feeds import: the result would be invalid, nothing written: {exc}",
              file=sys.stderr)  # fmt: skip
        return 2
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, out)
    print(f"added {added} feeds of {len(entries)} from {opml} to {out}")
    return 0


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    path = resolve_path(args.file or settings.poller.feeds_file)
    try:
        fl = load_feeds(path)
    except FeedConfigError as exc:
        print(f"newsmon feeds validate: {exc}", file=sys.stderr)
        return 2
    print(f"{path}: {len(fl.feeds)} feeds ({len(fl.enabled())} enabled)")
    return 0
