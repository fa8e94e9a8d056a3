"""The enrich stage: article text, NER + dictionary merging, seed actors, thread safety,
and the offline fallback when models.ner points at a missing model."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("torch")

from pipeline.config import ModelSettings
from pipeline.nlp.enrich import (
    Enricher,
    article_text,
    merge_entities,
    sentence_around,
)
from pipeline.schema import Actor, Article, Entity

RUS = Actor("RUS", "Russia", "country")
JOR = Actor("JOR", "Jordan", "country")
UNSC = Actor("IGO:UNSC", "UN Security Council", "igo")


def _article(title: str, body: str, i: int = 0) -> Article:
    return Article(
        id=f"a{i}", feed_id="f", source="s", url=f"https://x/{i}", title=title, content=body
    )


@pytest.fixture(scope="module")
def offline_enricher(tmp_path_factory: pytest.TempPathFactory) -> Enricher:
    """The configured NER points at a model that is not there: dictionary fallback."""
    missing = tmp_path_factory.mktemp("models") / "bert-base-NER-not-downloaded"
    return Enricher(ModelSettings(ner=str(missing)))


@pytest.fixture(scope="module")
def tiny_ner_enricher(tmp_path_factory: pytest.TempPathFactory) -> Enricher:
    from tests.unit.test_ner import build_tiny_ner

    path = build_tiny_ner(tmp_path_factory.mktemp("tiny-ner"))
    return Enricher(ModelSettings(ner=str(path), max_length=32))


def test_article_text_joins_title_and_body_once() -> None:
    assert article_text(_article("Title", "Body text.")) == "Title\n\nBody text."
    assert article_text(_article("Title", "Title\nBody text.")) == "Title\nBody text."
    assert article_text(_article("Only title", "")) == "Only title"
    summary_only = Article(id="x", feed_id="f", source="s", url="u", title="T", summary="S.")
    assert article_text(summary_only) == "T\n\nS."


def test_sentence_around_bounds_context_to_the_sentence() -> None:
    text = "Roast the turkey well. Jordan met Russia's envoy in Amman.\nNext line."
    start = text.index("Jordan")
    assert sentence_around(text, start, start + 6) == "Jordan met Russia's envoy in Amman."


def test_merge_keeps_ner_boundaries_and_fills_gaps_from_dictionary() -> None:
    ner = [Entity("Jordan Peterson", "PERSON", 0, 15, actor=None)]
    dictionary = [
        Entity("Jordan", "LOC", 0, 6, actor=JOR),  # inside a person span: dropped
        Entity("Russia", "LOC", 30, 36, actor=RUS),  # missed by NER: kept
    ]
    merged = merge_entities(ner, dictionary)
    assert [(e.text, e.actor.id if e.actor else None) for e in merged] == [
        ("Jordan Peterson", None),
        ("Russia", "RUS"),
    ]


def test_merge_prefers_a_longer_linked_match_over_unlinked_ner_pieces() -> None:
    ner = [Entity("Security Council", "ORG", 7, 23, actor=None)]
    dictionary = [Entity("UN Security Council", "ORG", 4, 23, actor=UNSC)]
    merged = merge_entities(ner, dictionary)
    assert [(e.start, e.end, e.actor) for e in merged] == [(4, 23, UNSC)]


def test_offline_fallback_is_flagged_and_dictionary_finds_seed_actors(
    offline_enricher: Enricher, seed_text: str
) -> None:
    e = offline_enricher
    assert e.fallback_active is True
    assert e.ner is None
    ner_key = next(k for k in e.models if k.startswith("ner:"))
    assert "unavailable" in e.models[ner_key]
    title, _, body = seed_text.partition("\n")
    [out] = e.enrich_batch([_article(title.strip(), body.strip())])
    assert out.text.startswith(title.strip() + "\n\n")
    ids = {x.actor.id for x in out.entities if x.actor}
    assert {"RUS", "USA", "PRK", "IGO:UNSC"} <= ids
    persons = {x.actor.id: x.actor.country for x in out.entities if x.label == "PERSON"}
    assert persons.get("PERSON:sergei-lavrov") == "RUS"
    assert persons.get("PERSON:rex-tillerson") == "USA"
    for ent in out.entities:
        assert out.text[ent.start : ent.end] == ent.text
    # "the Kremlin", "Pyongyang", "Washington", "Russian Federation" link to their countries
    by_text = {
        x.text.removeprefix("the ").removeprefix("The "): x.actor.id
        for x in out.entities
        if x.actor
    }
    assert by_text["Kremlin"] == "RUS"
    assert by_text["Pyongyang"] == "PRK"
    assert by_text["Washington"] == "USA"
    assert by_text["Russian Federation"] == by_text["Russia"] == "RUS"
    assert out.models == e.models
    # the seed keeps sanctions and mediation (the trained head adds the ICBM test it reports)
    assert {"sanctions", "mediation"} <= {t.label for t in out.topics[:3]}
    assert {"sanctions", "mediation"} <= {t.label for t in out.topics if t.score >= 0.5}


def test_enrich_batch_is_ordered_pure_and_thread_safe(offline_enricher: Enricher) -> None:
    articles = [
        _article(f"Russia and Jordan talk {i}", "The UN Security Council met. " * (i % 4 + 1), i)
        for i in range(12)
    ]
    sequential = [offline_enricher.enrich_batch([a])[0].to_dict() for a in articles]
    batched = [x.to_dict() for x in offline_enricher.enrich_batch(articles)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        chunks = list(pool.map(offline_enricher.enrich_batch, [articles[:6], articles[6:]] * 2))
    threaded = [x.to_dict() for chunk in chunks[:2] for x in chunk]
    for got in (batched, threaded):
        assert [g["article"]["id"] for g in got] == [a.id for a in articles]
        assert [g["entities"] for g in got] == [s["entities"] for s in sequential]
        for g, s in zip(got, sequential, strict=True):
            got_scores = {t["label"]: t["score"] for t in g["topics"]}
            want_scores = {t["label"]: t["score"] for t in s["topics"]}
            assert got_scores == pytest.approx(want_scores, abs=1e-3)


def test_ner_spans_are_linked_and_merged_with_dictionary(tiny_ner_enricher: Enricher) -> None:
    e = tiny_ner_enricher
    assert not e.fallback_active
    assert any(k.startswith("ner:") and "unavailable" not in v for k, v in e.models.items())
    text = "Sergei Lavrov met Rex Tillerson in New York. The diplomat said Pyongyang agreed."
    [analysis] = e.analyze_texts([text])
    got = [(x.text, x.label, x.actor.id if x.actor else None) for x in analysis.entities]
    assert got == [
        ("Sergei Lavrov", "PERSON", "PERSON:sergei-lavrov"),  # NER span, linked by resolve
        ("Rex Tillerson", "PERSON", "PERSON:rex-tillerson"),
        ("New York", "LOC", None),  # NER span the dictionary does not know: kept unlinked
        ("Pyongyang", "LOC", "PRK"),  # not in the tiny model's vocabulary: dictionary fills
    ]


def test_empty_batch_and_empty_article(offline_enricher: Enricher) -> None:
    assert offline_enricher.enrich_batch([]) == []
    [out] = offline_enricher.enrich_batch([_article("", "")])
    assert out.text == "" and out.entities == []
    assert out.topics[0].label == "other"


def test_without_linker_entities_come_from_ner_only(tmp_path: Path) -> None:
    e = Enricher(ModelSettings(ner=None), use_default_linker=False)
    assert e.linker is None and e.fallback_active is False
    assert e.analyze_texts(["Russia and the UN Security Council."])[0].entities == []
