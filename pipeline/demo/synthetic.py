"""Deterministic synthetic articles for crash tests and soak runs.

Why generated rather than real news: the crash tests need thousands of articles whose content
we own (no copied news text), that are short (inference time is what makes a run slow) and
identical on every run, so the alerts a run must produce can be computed once, in process,
with the same functions the agents call. Every ``event_every``-th article reports a mediation
offer or a sanctions decision between actors drawn from a small pool; the rest are plain
filler that yields no event.

The novelty state gives an event its id from its *first* sighting, so the alert set of a run is
only comparable with a clean run's if every event's sightings arrive in one order whatever the
scheduling. They do when all articles naming one event's anchor actor (the mediator; the
sanctions target) sit in one input partition, which is read in order: so each anchor actor is
bound to one partition of ``partitions``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from kafka.partitioner.default import murmur2

from pipeline.schema import Article

_COUNTRIES = [
    "Russia",
    "China",
    "France",
    "Germany",
    "Japan",
    "Brazil",
    "India",
    "Turkey",
    "Egypt",
    "Norway",
    "Qatar",
    "Kenya",
]
_TARGETS = ["North Korea", "Iran", "Syria", "Venezuela", "Myanmar", "Belarus"]
_SOURCES = ["Synthetic Wire", "Example Post", "Test Herald", "Sample Times"]
_FILLER = [
    "The city council approved a new budget for road repairs on {day}.",
    "Local farmers reported a strong harvest of {crop} this season.",
    "A new museum exhibition about {crop} growing opened on {day}.",
    "Weather services expect mild temperatures and light rain on {day}.",
    "The regional football league announced its schedule for {day}.",
]
FILLER_TITLE = "Report "  # titles of the articles that carry no event
_CROPS = ["apples", "wheat", "barley", "grapes", "potatoes", "rice"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _bound(pool: list[str], partition: int, partitions: int, rng: random.Random) -> str:
    """An actor of ``pool`` that only articles of ``partition`` ever use (see module doc)."""
    mine = [x for i, x in enumerate(pool) if i % partitions == partition % partitions]
    return rng.choice(mine or pool)


def _mediation(rng: random.Random, partition: int, partitions: int) -> tuple[str, str]:
    mediator = _bound(_COUNTRIES, partition, partitions, rng)
    a = rng.choice([c for c in _COUNTRIES if c != mediator])
    b = rng.choice(_TARGETS)
    title = f"{mediator} offers to mediate between {a} and {b}"
    body = f"{mediator} offered to mediate between {a} and {b}, its foreign ministry said."
    return title, body


def _sanctions(rng: random.Random, partition: int, partitions: int) -> tuple[str, str]:
    sender = rng.choice(["the European Union", "the United States", "Japan", "Canada"])
    target = _bound(_TARGETS, partition, partitions, rng)
    title = f"New sanctions on {target}"
    body = f"{sender[0].upper()}{sender[1:]} imposed new sanctions on {target} on Tuesday."
    return title, body


def synthetic_articles(
    count: int,
    seed: int = 9,
    event_every: int = 50,
    prefix: str = "syn",
    pad: int = 0,
    partitions: int = 4,
) -> Iterator[Article]:
    """``count`` short articles, the same for the same arguments; ids ``{prefix}-{n:06d}``.

    ``pad`` appends filler sentences up to about that many characters, for records the size of
    real wire stories (larger fetches, slower inference) without changing their events."""
    rng = random.Random(seed)
    base = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    for n in range(count):
        article_id = f"{prefix}-{n:06d}"
        if event_every and n % event_every == event_every // 2:
            part = partition_of(article_id, partitions)
            title, body = (_mediation if rng.random() < 0.5 else _sanctions)(rng, part, partitions)
        else:
            day, crop = rng.choice(_DAYS), rng.choice(_CROPS)
            title = f"{FILLER_TITLE}{n}: {crop} and {day}"
            body = rng.choice(_FILLER).format(day=day, crop=crop)
        while len(body) < pad:
            body += " " + rng.choice(_FILLER).format(day=rng.choice(_DAYS), crop=rng.choice(_CROPS))
        when = (base + timedelta(seconds=7 * n)).isoformat()
        source = _SOURCES[n % len(_SOURCES)]
        yield Article(
            id=article_id,
            feed_id=source.lower().replace(" ", "-"),
            source=source,
            url=f"https://{source.lower().replace(' ', '')}.example/{prefix}/{n}",
            title=title,
            content=body,
            published=when,
            fetched=when,
        )


def partition_of(article_id: str, partitions: int) -> int:
    """The partition Kafka's default partitioner (murmur2, as in kafka-python and aiokafka)
    puts a record keyed ``article_id`` in."""
    return (murmur2(article_id.encode("utf-8")) & 0x7FFFFFFF) % partitions


def carries_event(article: Article) -> bool:
    """Whether the generator wrote an event into ``article`` (filler names no actor)."""
    return not article.title.startswith(FILLER_TITLE)
