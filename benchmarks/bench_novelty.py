"""Novelty decision cost per sighting, as ratios against baselines run in the same process.

Figures printed:
- fingerprint: the numpy SimHash in pipeline.alerts.sources vs the plain-Python reference
  below (both must give the same value);
- decide(): per sighting, for a stream mixing new events, repeats and wire copies, vs the
  JSON round trip of the same state that the alert agent does for every sighting anyway
  (json.loads of the stored value + json.dumps of the new one). A ratio near 1-3 means the
  novelty logic costs about as much as reading and writing its table value.

Run: .venv/bin/python benchmarks/bench_novelty.py [--n 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from datetime import UTC, datetime, timedelta

from pipeline.alerts.identity import event_key, normalize_text
from pipeline.alerts.novelty import decide
from pipeline.alerts.sources import FP_BITS, SHINGLE_CHARS, fingerprint
from pipeline.config import EventSettings
from pipeline.schema import Actor, Event

WORDS = [
    "minister",
    "said",
    "talks",
    "sanctions",
    "council",
    "ready",
    "mediate",
    "between",
    "government",
    "officials",
    "agreed",
    "offer",
    "envoy",
    "capital",
    "statement",
    "tuesday",
    "friday",
    "new",
    "package",
    "measures",
    "urged",
]
COUNTRIES = ["RUS", "USA", "PRK", "CHN", "IRN", "UKR", "TUR", "QAT", "EGY", "ISR", "KOR", "IND"]


def reference_fingerprint(text: str) -> str:
    """The plain-Python SimHash (one loop per bit) the numpy version must equal."""
    norm = normalize_text(text)
    if not norm:
        return ""
    grams = {norm[i : i + SHINGLE_CHARS] for i in range(max(1, len(norm) - SHINGLE_CHARS + 1))}
    weights = [0] * FP_BITS
    for gram in grams:
        digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=FP_BITS // 8).digest()
        h = int.from_bytes(digest, "big")
        for bit in range(FP_BITS):
            weights[bit] += 1 if (h >> bit) & 1 else -1
    value = sum(1 << b for b in range(FP_BITS) if weights[b] > 0)
    return f"{value:0{FP_BITS // 4}x}"


def sentence(rng: random.Random, n: int = 28) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def stream(n: int, seed: int = 7) -> list[Event]:
    """~30 % new events, the rest repeats: same text in other outlets or new text."""
    rng = random.Random(seed)
    events: list[Event] = []
    for i in range(n):
        if events and rng.random() < 0.7:
            base = rng.choice(events)
            text = base.evidence if rng.random() < 0.5 else sentence(rng)
            roles, etype, action = base.roles, base.type, base.action
        else:
            a, b, c = rng.sample(COUNTRIES, 3)
            if rng.random() < 0.5:
                etype, action = "mediation", rng.choice(["offer", "accept", "mediate"])
                roles = {
                    "mediator": [Actor(a, a, "country")],
                    "parties": [Actor(b, b, "country"), Actor(c, c, "country")],
                }
            else:
                etype, action = "sanctions", rng.choice(["threaten", "impose", "extend"])
                roles = {"sender": [Actor(a, a, "country")], "target": [Actor(b, b, "country")]}
            text = sentence(rng)
        events.append(
            Event(
                type=etype,
                action=action,
                roles=roles,
                evidence=text,
                confidence=0.9,
                article_id=f"art-{i}",
                source=f"outlet-{rng.randrange(40)}",
                url=f"https://outlet-{i % 40}.example/{i}",
                title="t",
            )
        )
    return events


def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    n = parser.parse_args().n
    rng = random.Random(1)
    texts = [sentence(rng) for _ in range(n)]
    assert all(fingerprint(t) == reference_fingerprint(t) for t in texts[:200])
    t_ref = timed(lambda: [reference_fingerprint(t) for t in texts])
    t_fp = timed(lambda: [fingerprint(t) for t in texts])
    print(
        f"fingerprint: {t_fp / n * 1e6:8.1f} us/text   reference {t_ref / n * 1e6:8.1f} us/text"
        f"   speed-up x{t_ref / t_fp:.1f}"
    )

    events = stream(n)
    settings = EventSettings()
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    table: dict[str, str] = {}
    t_json = t_decide = 0.0
    fired = 0
    for i, ev in enumerate(events):
        key = event_key(ev)
        stored = table.get(key)
        start = time.perf_counter()
        state = json.loads(stored) if stored else None
        mid = time.perf_counter()
        d = decide(state, ev, t0 + timedelta(seconds=30 * i), settings)
        end = time.perf_counter()
        table[key] = json.dumps(d.state, sort_keys=True)
        t_json += (mid - start) + (time.perf_counter() - end)
        t_decide += end - mid
        fired += d.alert is not None
    biggest = max(len(v) for v in table.values())
    print(
        f"decide():    {t_decide / n * 1e6:8.1f} us/sighting   JSON round trip "
        f"{t_json / n * 1e6:8.1f} us   ratio x{t_decide / t_json:.1f}"
    )
    print(f"sightings {n}, keys {len(table)}, alerts {fired}, largest state {biggest} bytes")


if __name__ == "__main__":
    main()
