"""Generated news articles for the pipeline benchmark: our own text, a realistic length mix.

Why generated: the benchmark must run anywhere (no corpus), be the same for every run (seeded),
and contain articles that fire alerts, each a *different* event, so produce-to-alert latency
is measured on every event article rather than on one event and its duplicates.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

COUNTRIES = [
    "Norway", "Kenya", "Chile", "Vietnam", "Portugal", "Ghana", "Peru", "Mongolia",
    "Finland", "Senegal", "Uruguay", "Malaysia", "Austria", "Zambia", "Ecuador", "Nepal",
    "Ireland", "Tunisia", "Bolivia", "Cambodia", "Denmark", "Namibia", "Paraguay", "Laos",
    "Belgium", "Botswana", "Colombia", "Thailand", "Greece", "Rwanda", "Argentina", "Qatar",
]
SANCTIONERS = ["The European Union", "The UN Security Council", "The United States",
               "Canada", "Japan", "Australia"]
FILLER = [
    "Officials said the talks would continue later in the week.",
    "Markets in the region were little changed on the news.",
    "The ministry did not respond to a request for comment.",
    "Analysts expect the central bank to keep interest rates on hold until the spring.",
    "Heavy rain is forecast along the coast, and farmers fear for the harvest.",
    "The opposition called the budget a missed opportunity for the regions.",
    "Local football clubs reported record attendance at the weekend's matches.",
    "A spokesperson said the government was studying the proposal carefully.",
    "Inflation slowed for a third month as fuel prices eased.",
    "Thousands of people gathered in the capital for the annual festival.",
    "The company said it would invest in a new factory near the port.",
    "Researchers at the national university published the survey on Monday.",
    "Rail workers announced a strike over pay and working conditions.",
    "The election commission said turnout was higher than four years ago.",
    "Diplomats described the atmosphere of the meeting as constructive.",
    "Exports of coffee and copper rose sharply in the third quarter.",
]
TITLES = ["Budget debate continues", "Storm warning for the coast", "Markets steady",
          "League results", "Rail strike announced", "Festival draws crowds",
          "Inflation slows again", "New factory planned"]


@dataclass(frozen=True)
class GeneratedArticle:
    id: str
    title: str
    content: str
    event: str | None  # "mediation" / "sanctions" when the text reports one


MEDIATIONS = [(a, b, c) for a in COUNTRIES for b, c in itertools.combinations(COUNTRIES, 2)
              if a not in (b, c)]
SANCTIONS = [(s, t) for s in SANCTIONERS for t in COUNTRIES]


def _event(order: list[int], n: int) -> tuple[str, str, str]:
    """The ``n``-th event: a different actor combination each time (kind, title, sentence)."""
    if n % 2 == 0:
        a, b, c = MEDIATIONS[order[n // 2] % len(MEDIATIONS)]
        return ("mediation", f"{a} offers to mediate between {b} and {c}",
                f"{a} is ready to act as a mediator between {b} and {c}, the foreign "
                f"ministry of {a} said on Tuesday, offering to host talks.")
    sender, target = SANCTIONS[(n // 2) % len(SANCTIONS)]
    return ("sanctions", f"New sanctions on {target}",
            f"{sender} imposed new sanctions on {target} on Monday over its missile programme.")


def _body(rng: random.Random, sentences: int) -> list[str]:
    return [rng.choice(FILLER) for _ in range(sentences)]


def generate(n: int, seed: int = 13, prefix: str = "bench") -> list[GeneratedArticle]:
    """``n`` articles: 40% short (2-3 sentences), 40% medium (8-14), 20% full length
    (40-80 sentences, 3-7k characters); every fourth reports a new mediation or sanctions
    event in its first paragraph (distinct for up to 384 events, i.e. 1,536 articles)."""
    rng = random.Random(seed)
    order = list(range(len(MEDIATIONS)))
    rng.shuffle(order)
    out = []
    events = 0
    for i in range(n):
        roll = rng.random()
        size = rng.randint(2, 3) if roll < 0.4 else rng.randint(8, 14) if roll < 0.8 else (
            rng.randint(40, 80))
        sentences = _body(rng, size)
        kind = None
        title = rng.choice(TITLES)
        if i % 4 == 1:
            kind, title, sentence = _event(order, events)
            events += 1
            sentences.insert(min(1, len(sentences)), sentence)
        paragraphs = [" ".join(sentences[k : k + 4]) for k in range(0, len(sentences), 4)]
        out.append(GeneratedArticle(f"{prefix}-{i:05d}", title, "\n\n".join(paragraphs), kind))
    return out
