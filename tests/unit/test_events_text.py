"""Sentence splitting keeps exact offsets and does not break at abbreviations."""

from __future__ import annotations

from pipeline.nlp.text import split_sentences, tokenize


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_headline_and_paragraphs_are_sentences() -> None:
    text = "Kremlin offers to mediate\n\nRussia is ready. The U.S. said no.\nNext line"
    assert sentences(text) == [
        "Kremlin offers to mediate",
        "Russia is ready.",
        "The U.S. said no.",
        "Next line",
    ]


def test_abbreviations_and_initials_do_not_split() -> None:
    text = "Mr. Putin met Gen. Smith in Washington, D.C. on Monday. J. Doe agreed."
    assert sentences(text) == ["Mr. Putin met Gen. Smith in Washington, D.C. on Monday.",
                               "J. Doe agreed."]


def test_quotes_and_offsets() -> None:
    text = '  "We are ready," he said. "Talks will start."  '
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ['"We are ready," he said.', '"Talks will start."']
    assert split_sentences("") == [] and split_sentences("   \n ") == []


def test_tokens_keep_possessives_and_offsets() -> None:
    text = "Russia's offer wasn't new."
    toks = tokenize(text)
    assert [t.text for t in toks] == ["Russia's", "offer", "wasn't", "new", "."]
    assert all(text[t.start : t.end] == t.text for t in toks)
