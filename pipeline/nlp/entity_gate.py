"""Which parsed sentences spaCy's NER can still add an entity to.

Why: spaCy's ``ner`` (its own tok2vec) is about half of the parser's cost, yet its spans only
fill gaps. The enricher's own entities win where they overlap
(:func:`pipeline.nlp.enrich.merge_entities`), and :func:`pipeline.nlp.parsed_entities.
spacy_entity` keeps only a span whose first character is a capital. So a span can reach the
record only if it starts at a capitalised token that no linked entity overlaps; a sentence
whose capitalised tokens are all inside linked entities gets nothing from the NER and it is
not run there.

Three kinds of capitalised token are not counted as gaps: closed-class words (a sentence's
"The", "In", "But", the pronoun "I"), the names of days and months (spaCy labels them DATE,
which is not an actor label), and a sentence's first word when the tagger reads it as a common
noun or verb ("Officials said", "Talks resumed", "Fighting spread"): capitalised by its place,
not as a name (an adjective opening a sentence may be a people's name: "Caribbean leaders"). A
span starting with such a word still needs a capitalised name after it to be an actor ("The
Hague"), and that name is checked itself. These are the judgements in the rule;
``tests/unit/test_entity_gate.py`` and the before/after comparisons in the closing notes of #10
hold it to the output.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Universal POS tags of words that start no PERSON / ORG / GPE / NORP name on their own.
CLOSED_CLASS = frozenset(
    {"DET", "PRON", "ADP", "CCONJ", "SCONJ", "ADV", "AUX", "PART", "NUM", "PUNCT", "SYM",
     "SPACE", "INTJ"}
)  # fmt: skip
DATE_WORDS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
     "february", "march", "april", "june", "july", "august", "september", "october",
     "november", "december"}
)  # fmt: skip  (not "May": a name too)
#: Tags of a sentence's first word that mean it is capitalised by its place only.
COMMON_OPENERS = frozenset({"NOUN", "VERB"})


def entity_gaps(
    tokens: Sequence[tuple[int, int, str, str]], covered: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The capitalised tokens, as (start, end), where a spaCy span could still become an entity.

    ``tokens`` are one sentence's (start, end, text, pos) in order, the first its first word,
    and ``covered`` the linked entities' (start, end),
    in the same offsets.
    """
    gaps = []
    for i, (start, end, text, pos) in enumerate(tokens):
        if not text[:1].isupper() or pos in CLOSED_CLASS or text.lower() in DATE_WORDS:
            continue
        if i == 0 and pos in COMMON_OPENERS:
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        gaps.append((start, end))
    return gaps
