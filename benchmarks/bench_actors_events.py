"""What the actor linker and event detection cost per article, as ratios against baselines run
in the same process on the same texts.

Figures printed:
- linker: ``ActorLinker.find_mentions`` (one trie regex behind a case-sensitive gate) vs a plain
  alternation of the same aliases (longest first) compiled with ``re``: ms per article, M chars/s,
  and the ratio (>1 = the trie is faster);
- detection: ``detect_events`` on the same articles (dictionary entities only), ms per article,
  and its cost relative to the linker pass alone;
- articles: the seed article plus synthetic articles built from the project's own labelled
  sentences (tests/fixtures/events) padded with trigger-free prose (about 1,600 characters each;
  most sentences carry no trigger, as in news).

Run: .venv/bin/python benchmarks/bench_actors_events.py [--articles 60] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.events.detect import detect_events
from pipeline.nlp.actors import default_linker
from pipeline.schema import Article, EnrichedArticle

ROOT = Path(__file__).resolve().parent.parent
FILLER = (
    "The meeting took place in the capital on a rainy afternoon. Officials from several "
    "ministries attended, and the discussion covered the budget, transport and schools. "
    "Analysts said the outcome was broadly in line with expectations. "
)


def articles(n: int) -> list[str]:
    rng = random.Random(7)
    sentences = []
    for f in sorted((ROOT / "tests" / "fixtures" / "events").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sentences.append(json.loads(line)["text"])
    seed = (ROOT / "tests" / "fixtures" / "000_5ada0a3603d28dc1.txt").read_text(encoding="utf-8")
    out = [seed]
    while len(out) < n:
        parts = rng.sample(sentences, 3) + [FILLER] * 6
        rng.shuffle(parts)
        out.append(" ".join(parts))
    return out


def best_per_item(fn: Callable[[str], object], texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, (time.perf_counter() - start) / len(texts))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    linker = default_linker()
    texts = articles(args.articles)
    chars = sum(map(len, texts)) / len(texts)

    keys = sorted(linker._rules, key=len, reverse=True)  # same aliases, longest first
    naive = re.compile(
        r"(?<![\w])(?:"
        + "|".join(re.escape(k).replace(r"\ ", r"[\s\-]+") for k in keys)
        + r")(?![\w])",
        re.I,
    )
    t_naive = best_per_item(lambda t: list(naive.finditer(t)), texts, args.repeat)
    t_trie = best_per_item(linker.find_mentions, texts, args.repeat)

    def detect(text: str) -> object:
        art = Article(id="b", feed_id="b", source="b", url="", title="", content=text)
        return detect_events(EnrichedArticle(article=art, text=text))

    t_detect = best_per_item(detect, texts, args.repeat)
    n_events = sum(len(detect(t)) for t in texts)  # type: ignore[arg-type]

    print(f"articles: {len(texts)}, {chars:.0f} chars each on average, {n_events} events found")
    print(f"aliases in the dictionary: {len(keys)}, actors: {len(linker.actors)}")
    print(
        f"linker (trie + gate):    {t_trie * 1000:7.2f} ms/article  "
        f"{chars / t_trie / 1e6:5.2f} M chars/s"
    )
    print(
        f"plain alternation (re): {t_naive * 1000:7.2f} ms/article  "
        f"{chars / t_naive / 1e6:5.2f} M chars/s"
    )
    print(f"ratio plain/trie:        {t_naive / t_trie:7.2f}x")
    print(
        f"detect_events:           {t_detect * 1000:7.2f} ms/article  "
        f"({1 / t_detect:.0f} articles/s; {t_detect / t_trie:.1f}x the linker pass alone)"
    )


if __name__ == "__main__":
    main()
