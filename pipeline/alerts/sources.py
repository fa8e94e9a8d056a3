"""Counting the reports of one event: distinct URLs, and independent outlets/wire stories.

Why two counts: ``source_count`` says how widely an event is reported (every distinct URL);
``independent_source_count`` says how many separate newsrooms vouch for it. One Reuters story
carried by thirty outlets is one independent source, as is an outlet re-publishing its own
article under a new URL. A report joins an existing *independent group* when it comes from an
outlet already in that group or its text is a near-duplicate of a text in it; otherwise it
starts a new group. Groups are never merged, so the independent count never goes down.

Near-duplicates are found with a 128-bit SimHash over character 4-grams of the normalised
evidence sentence (a wire copy keeps the sentence, outlets re-title it), 32 hex characters per
text. Calibrated on the 152 real sentences of ``shared/corpus/events-dev.jsonl`` (many on the
same topics and actors): no two distinct sentences come closer than 33 bits (0.1 % of the
11,476 pairs closer than 40), while typical wire-copy edits (a dateline before, an attribution
after, a dropped or swapped word) stay at or under 26 bits for 91-100 % of sentences (the
shortest sentences move most). 64 bits separated less well (distinct pairs from 13 bits, edits
up to 21). tests/unit/test_alerts_corpus.py keeps these properties checked.

Everything here works on the JSON-able cluster dict kept in the novelty table, and every list
is capped so the state stays bounded however often an event is reported.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from pipeline.alerts.identity import normalize_text

FP_BITS = 128
FP_BYTES = FP_BITS // 8
NEAR_DUP_BITS = 26  # of 128; see the module docstring for the figures
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
    """128-bit SimHash of character 4-grams of the normalised text, as 32 hex characters.

    Bit ``b`` is set when more than half of the distinct 4-grams' 128-bit hashes have bit ``b``
    set. numpy does the per-bit counting (5-10x the pure-Python loop; see
    benchmarks/bench_novelty.py, which checks both give the same value).
    """
    norm = normalize_text(text)
    if not norm:
        return ""
    grams = {norm[i : i + SHINGLE_CHARS] for i in range(max(1, len(norm) - SHINGLE_CHARS + 1))}
    digests = b"".join(
        hashlib.blake2b(g.encode("utf-8"), digest_size=FP_BYTES).digest() for g in grams
    )
    # one row per gram: its hash as big-endian bits, column j = bit (FP_BITS - 1 - j)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, FP_BYTES), axis=1)
    majority = np.packbits(bits.sum(axis=0) * 2 > len(grams))
    return majority.tobytes().hex()


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def near_duplicate(a: str, b: str, max_bits: int = NEAR_DUP_BITS) -> bool:
    """Both fingerprints present, of one layout, and at most ``max_bits`` apart."""
    return bool(a) and len(a) == len(b) and hamming(a, b) <= max_bits


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
