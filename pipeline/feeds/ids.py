"""Article identity: one stable id per story per feed, whatever the feed does to its links.

Why this order (GUID, then canonical link, then title + content): the GUID is the publisher's
own identity for an item and survives edits; a link is the next best thing once tracking
parameters and fragments (which differ per share, per campaign) are removed; an item with
neither can only be recognised by what it says. Ids are prefixed with the feed id because
GUIDs such as ``1`` or ``post-42`` are only unique inside one feed. Nothing here depends on
process state, so ids are the same after a restart.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that identify a campaign, a click or a share, never the document.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "rss",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "cmp",
        "ncid",
        "ocid",
        "s_cid",
        "smid",
        "sr_share",
        "ito",
        "CMP",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "__twitter", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WS = re.compile(r"\s+")


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or name in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The link with scheme and host lower-cased, default port, fragment and tracking
    parameters dropped; remaining parameters keep their order (order can be meaningful).

    A string that is not an absolute http(s) URL is returned stripped but otherwise as is."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    # Credentials are dropped with the rest of the netloc: they never identify the document.
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)],
        doseq=True,
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _digest(text: str, size: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:size]


def content_hash(title: str, summary: str, content: str) -> str:
    """Hash of what a reader sees; whitespace-normalised so re-indented HTML is no update."""
    norm = "\x1f".join(_WS.sub(" ", s).strip() for s in (title, summary, content))
    return _digest(norm, 32)


def identity_basis(guid: str | None, link: str | None, title: str, content: str) -> str:
    """The string an id is derived from, tagged by which rule produced it."""
    if guid and guid.strip():
        return "guid:" + guid.strip()
    if link and link.strip():
        return "link:" + canonical_url(link)
    return "text:" + _WS.sub(" ", f"{title}\x1f{content}").strip()


def article_id(
    feed_id: str, guid: str | None, link: str | None, title: str = "", content: str = ""
) -> str:
    """``<feed_id>:<16 hex>``; stable across restarts, unique per feed."""
    return f"{feed_id}:{_digest(feed_id + chr(0) + identity_basis(guid, link, title, content))}"


def slug(text: str, max_len: int = 48) -> str:
    """A lower-case ``a-z0-9-`` slug (feed ids derived from names or URLs)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:max_len].strip("-") or "feed"


def feed_id_for_url(url: str) -> str:
    """A readable, deterministic id for a feed known only by its URL (OPML import)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{slug(host, 32)}-{_digest(canonical_url(url), 6)}"
