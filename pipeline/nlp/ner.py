"""Named entities by token classification, with exact character offsets into the input text.

Why not ``transformers.pipeline("token-classification")`` itself: the enrich stage batches
windows from many articles together (sorted by length, padded per batch), which the pipeline
object cannot do across inputs, and it needs windows cut at sentence boundaries so that no
entity is split by the model's length limit. The steps are the pipeline's own: a fast
tokenizer's offset mapping gives every sub-word token its characters, sub-words are grouped
into words by ``word_ids`` (aggregation "first" by default, as the pipeline's
``aggregation_strategy="first"``: a word takes the label of its first sub-word; "average"
averages the sub-words' probabilities), and B-/I- (or BIOES) tags over words become spans
whose offsets run from the first word's first character to the last word's last.
Labels are mapped to PERSON/ORG/LOC/MISC (OntoNotes-style GPE/FAC to LOC, NORP/EVENT/... to
MISC); types with no mapping (DATE, MONEY, ...) are dropped.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.nlp.models import LoadedModel, forward_windows

LABEL_MAP = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    "MISC": "MISC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
_SENTENCE_END = (".", "!", "?", '."', ".\u201d", "?\u201d", "!\u201d")


@dataclass(frozen=True)
class Span:
    """An entity found by the model: ``text[start:end]`` with a mapped label."""

    start: int
    end: int
    label: str
    score: float


def parse_tag(tag: str) -> tuple[str, str | None]:
    """'B-PER' -> ('B', 'PERSON'); 'O' -> ('O', None); 'LOC' (no prefix) -> ('I', 'LOC')."""
    if tag in ("O", "0", ""):
        return "O", None
    prefix, sep, kind = tag.partition("-")
    if not sep:
        prefix, kind = "I", tag
    prefix = prefix.upper()
    if prefix not in ("B", "I", "E", "S", "U", "L"):
        return "O", None
    return prefix, LABEL_MAP.get(kind.upper())


def cut_windows(
    text: str, offsets: Sequence[tuple[int, int]], word_ids: Sequence[int | None], budget: int
) -> list[tuple[int, int]]:
    """Token ranges [a, b) of at most ``budget`` tokens, cut at sentence starts when possible,
    else at word starts, else anywhere (a single word longer than the budget)."""
    n = len(offsets)
    if n <= budget:
        return [(0, n)] if n else []
    sentence_starts: list[int] = []
    word_starts: list[int] = []
    for j in range(1, n):
        if word_ids[j] != word_ids[j - 1]:
            word_starts.append(j)
            gap = text[offsets[j - 1][1] : offsets[j][0]]
            prev = text[offsets[j - 1][0] : offsets[j - 1][1]]
            if "\n" in gap or (gap and prev.endswith(_SENTENCE_END)):
                sentence_starts.append(j)
    out = []
    a = 0
    while a < n:
        b = min(a + budget, n)
        if b < n:
            cut = None
            for starts in (sentence_starts, word_starts):
                k = bisect.bisect_right(starts, b) - 1
                if k >= 0 and starts[k] > a:
                    cut = starts[k]
                    break
            b = cut or b
        out.append((a, b))
        a = b
    return out


class NerTagger:
    """Runs a token-classification model over many texts at once."""

    def __init__(self, loaded: LoadedModel, batch_size: int = 16, aggregation: str = "first"):
        if aggregation not in ("first", "average"):
            raise ValueError(f"aggregation must be 'first' or 'average', got {aggregation!r}")
        self.loaded = loaded
        self.batch_size = batch_size
        self.aggregation = aggregation
        self.name = loaded.name
        self.version = loaded.version
        id2label = loaded.model.config.id2label
        self.tags = [parse_tag(str(id2label[i])) for i in range(len(id2label))]

    @staticmethod
    def _probs(output: Any, mask: Any) -> Any:
        import torch

        return torch.softmax(output.logits.float(), dim=-1)

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entity spans per text, offsets into that text."""
        loaded = self.loaded
        start_id, end_id = loaded.special_ids
        budget = loaded.max_length - sum(t is not None for t in (start_id, end_id))
        texts = list(texts)
        if not texts:
            return []
        with loaded.tokenizer_lock:
            enc = loaded.tokenizer(
                texts, add_special_tokens=False, return_offsets_mapping=True, verbose=False
            )
        windows: list[list[int]] = []
        where: list[tuple[int, int, int]] = []  # (text index, first token, last token)
        word_ids_all = []
        for i, text in enumerate(texts):
            ids = enc["input_ids"][i]
            offsets = enc["offset_mapping"][i]
            wids = enc.word_ids(i)
            word_ids_all.append(wids)
            for a, b in cut_windows(text, offsets, wids, budget):
                windows.append(list(ids[a:b]))
                where.append((i, a, b))
        skip = 1 if start_id is not None else 0
        probs = forward_windows(loaded, windows, self.batch_size, self._probs)
        per_text_probs: list[list[Any]] = [[] for _ in texts]
        for (i, a, b), p in zip(where, probs, strict=True):
            per_text_probs[i].append((a, p[skip : skip + (b - a)]))
        return [
            self._decode(texts[i], enc["offset_mapping"][i], word_ids_all[i], per_text_probs[i])
            for i in range(len(texts))
        ]

    def _decode(
        self,
        text: str,
        offsets: Sequence[tuple[int, int]],
        word_ids: Sequence[int | None],
        window_probs: list[tuple[int, Any]],
    ) -> list[Span]:
        import torch

        # words: (start char, end char, probability vector)
        words: list[tuple[int, int, Any]] = []
        current: list[Any] = []  # probability rows of the current word's sub-words
        w_start = w_end = 0
        prev_wid: int | None = None
        for a, probs in window_probs:
            for k in range(probs.shape[0]):
                j = a + k
                wid = word_ids[j]
                if wid is None or wid != prev_wid or not current:
                    if current:
                        words.append((w_start, w_end, self._aggregate(current)))
                    current = [probs[k]]
                    w_start, w_end = offsets[j]
                else:
                    current.append(probs[k])
                    w_end = offsets[j][1]
                prev_wid = wid
        if current:
            words.append((w_start, w_end, self._aggregate(current)))

        spans: list[Span] = []
        open_: tuple[int, int, str, list[float]] | None = None

        def close() -> None:
            nonlocal open_
            if open_ is not None:
                s, e, lab, scores = open_
                spans.append(Span(s, e, lab, sum(scores) / len(scores)))
                open_ = None

        for s, e, p in words:
            best = int(torch.argmax(p))
            prefix, label = self.tags[best]
            score = float(p[best])
            if label is None:
                close()
                continue
            if (
                prefix in ("B", "S", "U")
                or open_ is None
                or open_[2] != label
                or "\n" in text[open_[1] : s]
            ):
                close()
                open_ = (s, e, label, [score])
            else:
                open_ = (open_[0], e, label, [*open_[3], score])
            if prefix in ("E", "L", "S", "U"):
                close()
        close()
        return spans

    def _aggregate(self, rows: list[Any]) -> Any:
        if self.aggregation == "first" or len(rows) == 1:
            return rows[0]
        import torch

        return torch.stack(rows).mean(0)
