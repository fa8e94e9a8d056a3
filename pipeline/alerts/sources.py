"""Counting the reports of one event: distinct URLs, and independent outlets/wire stories.

Why two counts: ``source_count`` says how widely an event is reported (every distinct URL);
``independent_source_count`` says how many separate newsrooms vouch for it. One Reuters story
carried by thirty outlets is one independent source, as is an outlet re-publishing its own
article under a new URL. A report joins an existing *independent group* when it comes from an
outlet already in that group or its text is a near-duplicate of a text in it; otherwise it
starts a new group. Groups are never merged, so the independent count never goes down.

Near-duplicates are found with a 64-bit SimHash over character 4-grams of the normalised
evidence sentence (a wire copy keeps the sentence, outlets re-title it). On real sentences a
light edit ("Russian Federation" -> "Russia", "on Tuesday" -> "Tuesday") moves 6-8 bits, a
paraphrase or another sentence about the same event 18-33 bits, unrelated text ~32; the
threshold :data:`NEAR_DUP_BITS` sits between. 16 hex characters per text keep the state small.

Everything here works on the JSON-able cluster dict kept in the novelty table, and every list
is capped so the state stays bounded however often an event is reported.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from pipeline.alerts.identity import normalize_text

NEAR_DUP_BITS = 10
SHINGLE_CHARS = 4
MAX_URLS = 10  # full URLs kept for the alert record (the first ones seen)
MAX_URL_HASHES = 100  # short hashes kept to count distinct URLs
MAX_GROUPS = 16  # independent groups kept (the count goes on past it)
MAX_GROUP_OUTLETS = 4
MAX_GROUP_FPS = 3
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ocid", "cmpid", "ref")


def normalize_url(url: str) -> str:
    """The same page under cosmetic URL differences (case of host, tracking query, fragment,
    trailing slash) maps to one string; a really different URL stays different."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path.rstrip("/") or "/"
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    return urlunsplit((scheme, parts.netloc.lower(), path, urlencode(query), ""))


def url_hash(url: str) -> str:
    return hashlib.sha1(normalize_url(url).encode("utf-8")).hexdigest()[:10]


def outlet_of(source: str, url: str) -> str:
    """The newsroom a report comes from: the event's ``source``, else the URL's host."""
    name = normalize_text(source)
    if name:
        return name
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.")


def fingerprint(text: str) -> str:
    """64-bit SimHash of character 4-grams of the normalised text, as 16 hex characters.

    Bit ``b`` is set when more than half of the distinct 4-grams' 64-bit hashes have bit ``b``
    set. numpy does the per-bit counting (10x the pure-Python loop; see
    benchmarks/bench_novelty.py, which checks both give the same value).
    """
    norm = normalize_text(text)
    if not norm:
        return ""
    grams = {norm[i : i + SHINGLE_CHARS] for i in range(max(1, len(norm) - SHINGLE_CHARS + 1))}
    digests = b"".join(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest() for g in grams)
    # row = one big-endian 64-bit hash; column j = bit 63 - j
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    majority = np.flatnonzero(bits.sum(axis=0) * 2 > len(grams))
    value = 0
    for j in majority:
        value |= 1 << (63 - int(j))
    return f"{value:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def near_duplicate(a: str, b: str, max_bits: int = NEAR_DUP_BITS) -> bool:
    return bool(a) and bool(b) and hamming(a, b) <= max_bits


def new_ledger() -> dict[str, Any]:
    """The source part of a cluster: URLs, URL hashes, counts and independent groups."""
    return {"urls": [], "url_h": [], "n_src": 0, "groups": [], "n_ind": 0}


def add_report(cluster: dict[str, Any], url: str, outlet: str, fp: str) -> tuple[bool, bool]:
    """Count one report into ``cluster`` (mutated). Returns (new URL?, new independent source?).

    A report without a URL still counts once as a source (and is never recognised again by
    URL; idempotence is the novelty module's job, by sighting id).
    """
    new_url = True
    if url:
        h = url_hash(url)
        if h in cluster["url_h"]:
            new_url = False
        else:
            cluster["url_h"] = [*cluster["url_h"], h][-MAX_URL_HASHES:]
            if len(cluster["urls"]) < MAX_URLS:
                cluster["urls"] = [*cluster["urls"], url]
    if new_url:
        cluster["n_src"] += 1

    for group in cluster["groups"]:
        same_outlet = bool(outlet) and outlet in group["o"]
        same_text = any(near_duplicate(fp, g) for g in group["f"])
        if same_outlet or same_text:
            if outlet and outlet not in group["o"] and len(group["o"]) < MAX_GROUP_OUTLETS:
                group["o"].append(outlet)
            if fp and fp not in group["f"] and len(group["f"]) < MAX_GROUP_FPS:
                group["f"].append(fp)
            return new_url, False
    cluster["groups"] = [
        *cluster["groups"],
        {"o": [outlet] if outlet else [], "f": [fp] if fp else []},
    ][-MAX_GROUPS:]
    cluster["n_ind"] += 1
    return new_url, True
