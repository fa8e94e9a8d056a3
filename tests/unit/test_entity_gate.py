"""spaCy's NER runs only on parsed sentences where it could still add an entity.

The guarantee a user relies on: the entities (and so the events) are the same as with the NER
run on every parsed sentence; only the time differs. Own sentences, not from any labelled set.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.nlp.actors import default_linker
from pipeline.nlp.enrich import merge_entities
from pipeline.nlp.entity_gate import entity_gaps
from pipeline.nlp.parsed_entities import parse_articles
from pipeline.nlp.parser import SentenceParser
from pipeline.schema import Article

SENTENCES = [
    "Russia offered to mediate between Iran and Saudi Arabia, the foreign minister said.",
    "The European Union imposed new sanctions on Belarus on Monday.",
    "Kyrgyz Foreign Minister Almaz Toktobaev offered to mediate between Tajikistan and Iran.",
    "In March, Norway suspended aid to Eritrea over the crackdown.",
    "Officials in Qatar said the talks brokered by Egypt would resume.",
    "The Hague-based court froze the assets of Vostok Trading, a firm in Minsk.",
    "May said Britain would impose sanctions on Russian banks.",
    "Acme Logistics halted its flights to Libya after the embargo.",
]


def tok(text: str, word: str, pos: str) -> tuple[int, int, str, str]:
    start = text.index(word)
    return (start, start + len(word), word, pos)


def test_a_capitalised_name_no_linked_entity_covers_is_a_gap() -> None:
    text = "The envoy Almaz Toktobaev met Iran on Monday."
    tokens = [
        tok(text, "The", "DET"),
        tok(text, "envoy", "NOUN"),
        tok(text, "Almaz", "PROPN"),
        tok(text, "Toktobaev", "PROPN"),
        tok(text, "Iran", "PROPN"),
        tok(text, "Monday", "PROPN"),
    ]
    iran = (text.index("Iran"), text.index("Iran") + 4)
    assert [text[s:e] for s, e in entity_gaps(tokens, [iran])] == ["Almaz", "Toktobaev"]
    # once the person is linked too, nothing is left for spaCy to add
    person = (text.index("Almaz"), text.index("Toktobaev") + len("Toktobaev"))
    assert entity_gaps(tokens, [iran, person]) == []


def test_a_common_word_opening_a_sentence_is_no_gap_but_a_name_there_is() -> None:
    text = "Officials in Qatar said Zubair Trading had halted its flights."
    tokens = [tok(text, "Officials", "NOUN"), tok(text, "Qatar", "PROPN"),
              tok(text, "Zubair", "PROPN"), tok(text, "Trading", "PROPN")]
    qatar = (text.index("Qatar"), text.index("Qatar") + 5)
    firm = (text.index("Zubair"), text.index("Trading") + len("Trading"))
    assert entity_gaps(tokens, [qatar, firm]) == []  # "Officials" is capitalised by its place
    named = "Hamas said Talks would resume."
    tokens = [tok(named, "Hamas", "PROPN"), tok(named, "Talks", "NOUN")]
    # a name opening the sentence is still a gap; so is a common word capitalised mid-sentence
    assert [named[s:e] for s, e in entity_gaps(tokens, [])] == ["Hamas", "Talks"]


def test_may_is_a_name_as_well_as_a_month() -> None:
    text = "May said so."
    assert entity_gaps([tok(text, "May", "PROPN")], []) == [(0, 3)]


def entities(parser: SentenceParser, text: str, gated: bool) -> list[tuple[Any, ...]]:
    """The article's entities as the enrich stage merges them, with or without the gate."""
    linker = default_linker()
    art = Article(id="t", feed_id="f", source="s", url="", title="", content=text)
    known = linker.find_mentions(text)
    _, extra = parse_articles(parser, [art], [text], linker, [known] if gated else None)[0]
    merged = merge_entities(known, extra)
    return [(e.text, e.label, e.start, e.end, e.actor.id if e.actor else None) for e in merged]


@pytest.mark.parametrize("text", SENTENCES)
def test_gated_entities_equal_entities_with_ner_everywhere(
    parser: SentenceParser, text: str
) -> None:
    assert entities(parser, text, gated=True) == entities(parser, text, gated=False)


def test_an_unknown_person_still_comes_from_spacy(parser: SentenceParser) -> None:
    text = SENTENCES[2]
    start = text.index("Almaz")
    person = ("Almaz Toktobaev", "PERSON", start, start + 15, "PERSON:almaz-toktobaev")
    assert person in entities(parser, text, gated=True)


def test_ner_runs_only_where_a_name_is_uncovered(
    parser: SentenceParser, monkeypatch: pytest.MonkeyPatch
) -> None:
    ner = parser.pipeline.ner
    assert ner is not None
    seen: list[str] = []

    class Spy:
        """The real NER component, noting the sentences it is given."""

        def pipe(self, docs: Any, **kw: Any) -> Any:
            docs = list(docs)
            seen.extend(d.text for d in docs)
            return ner.pipe(docs, **kw)

    monkeypatch.setattr(parser.pipeline, "ner", Spy())
    linker = default_linker()
    text = " ".join(SENTENCES[:3])
    art = Article(id="t", feed_id="f", source="s", url="", title="", content=text)
    parse_articles(parser, [art], [text], linker, [linker.find_mentions(text)])
    # every name in the first two is a linked actor; the third has an unknown person
    assert seen == [SENTENCES[2]]
