"""Wire-copy detection on real news sentences (shared/corpus/events-dev.jsonl, read in place).

Why on the corpus: the near-duplicate threshold must separate *different* sentences about the
same actors and topics (what independent outlets write) from *edited copies* of one sentence
(what outlets do to a wire story). Synthetic sentences cannot show the first.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pipeline.alerts.sources import NEAR_DUP_BITS, fingerprint, hamming, near_duplicate

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def sentences(corpus_dir: Path) -> list[str]:
    path = corpus_dir / "events-dev.jsonl"
    with path.open(encoding="utf-8") as fh:
        texts = sorted({json.loads(line)["text"] for line in fh if line.strip()})
    assert len(texts) >= 100, f"{path}: expected the development sentences"
    return texts


def _wire_edits(text: str) -> list[str]:
    """What outlets typically do to a wire story's sentence."""
    words = text.split()
    mid = len(words) // 2
    return [
        "WASHINGTON, March 3 (Wire) - " + text,  # dateline
        text.rstrip(".") + ", the agency reported.",  # attribution
        " ".join(words[:mid] + words[mid + 1 :]),  # one word dropped
        text.replace(" said", " stated", 1) if " said" in text else text.replace(" the ", " a ", 1),
    ]


def test_distinct_real_sentences_are_never_taken_for_copies(sentences):
    fps = [fingerprint(t) for t in sentences]
    closest = min(hamming(a, b) for a, b in itertools.combinations(fps, 2))
    assert closest > NEAR_DUP_BITS, f"two different sentences only {closest} bits apart"


def test_most_wire_edits_of_real_sentences_are_recognised(sentences):
    pairs = [(t, e) for t in sentences for e in _wire_edits(t) if e != t]
    found = sum(near_duplicate(fingerprint(t), fingerprint(e)) for t, e in pairs)
    assert found / len(pairs) >= 0.9, f"only {found}/{len(pairs)} wire edits recognised"
