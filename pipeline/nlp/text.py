"""Sentence splitting and tokens with character offsets (no model, no download).

Why our own: events are detected per sentence and their evidence is a sentence quoted back to
analysts, so the splitter must keep exact offsets into the article text and must not break at
"U.S." or "Mr." — cheap rules do that well enough for news prose. Headlines and paragraphs end
at newlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# abbreviations after which a period does not end a sentence
_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "gov", "sen", "rep",
    "prof", "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.u",
    "u.s.a", "d.c", "a.m", "p.m", "i.e", "e.g", "etc", "approx", "dept", "est", "fig",
}
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)|\n+")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offsets into the text given to :func:`tokenize`
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` into ``text``, stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group(0)[0] == ".":
            before = text[start : m.start()]
            word = re.search(r"([\w.]+)$", before)
            if word:
                w = word.group(1).lower()
                if w in _ABBREV or (len(w) == 1 and w.isalpha()):
                    continue
                nxt = text[m.end() :].lstrip()[:1]
                if nxt and nxt.islower():
                    continue
        _add(text, start, m.end(), spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk.rstrip())
    if trail > lead:
        spans.append((start + lead, start + trail))


def tokenize(text: str) -> list[Token]:
    """Words (with internal apostrophes: "Russia's", "won't") and single punctuation marks."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
