"""The parser's shortcuts (replayed ruler and lemmatizer, repeated sentences parsed once)
give exactly the parses of spaCy's full pipeline run sentence by sentence: event roles
read lemma, POS and dependency labels, so any drift would change events."""

from __future__ import annotations

from pipeline.nlp.parser import SentenceParser, load_parser
from pipeline.nlp.text import split_sentences

# multi-token ruler rules ("gon na", "ai n't", "there is", "y' all", "let 's"), whitespace
# tokens, pronouns, auxiliaries and determiners the ruler rewrites, and repeated sentences
TEXTS = [
    "We're gonna sanction them, ain't we? Y'all know there is a ban on it. Let's go.",
    "  Sanctions  \n on   Iran were  lifted, weren't they?\n\nI gotta cut aid to it; you said so.",
    "The bloc did not do that: it had had enough and said it would freeze assets of those who "
    "undermine the accord.",
    "Peru suspended flights to and from Bolivia. Peru suspended flights to and from Bolivia.",
    "Kenyan President William Ruto, who was being praised, said mediators would draft proposals.",
    "Canada threatened import restrictions on Mexican steel; Ottawa must open its market or face "
    "tariff penalties.",
]


def full_pipeline(parser: SentenceParser, sentence: str) -> tuple[list, list]:
    doc = parser.nlp(sentence)  # every component, attribute_ruler and lemmatizer included
    toks = [(t.idx, t.idx + len(t.text), t.lemma_, t.pos_, t.dep_, t.head.i) for t in doc]
    return toks, [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def test_parses_equal_the_full_spacy_pipeline() -> None:
    parser = load_parser("en_core_web_sm")
    assert parser.pipeline.attrs is not None  # en_core_web_sm takes the fast path
    sentences = [t[a:b] for t in TEXTS for a, b in split_sentences(t)] * 2  # warm caches too
    expected = [full_pipeline(parser, s) for s in sentences]
    assert parser.parse_chunks(sentences) == expected
    # through parse(): offsets into the text, a repeated sentence parsed once, same tokens
    for text, (parsed, _) in zip(TEXTS, parser.parse(TEXTS, [0] * len(TEXTS)), strict=True):
        for sent in parsed:
            toks, _ = full_pipeline(parser, text[sent.start : sent.end])
            got = [
                (t.start - sent.start, t.end - sent.start, t.lemma, t.pos, t.dep, t.head)
                for t in sent.tokens
            ]
            assert got == toks
