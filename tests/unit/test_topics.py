"""Topic taxonomy and scoring: the seed ranks sanctions and mediation first; off-topic text
does not get sanctions; every configured topic is scored; bad taxonomies are named."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")

from pipeline.config import ModelSettings
from pipeline.nlp.enrich import Enricher
from pipeline.nlp.topics import (
    ASSIGN_AT,
    ClassifierTopicScorer,
    TaxonomyError,
    assigned,
    load_taxonomy,
    split_sentences,
)
from pipeline.schema import TopicScore

REQUIRED = {
    "mediation",
    "sanctions",
    "armed_conflict",
    "nuclear_missile",
    "elections",
    "trade_economy",
    "terrorism",
    "humanitarian",
    "other",
}
OFF_TOPIC = [
    "Whisk the eggs with the sugar, fold in the flour and bake for 25 minutes. "
    "Serve the cake warm with fresh berries.",
    "Turkey is best roasted slowly: brush it with butter and baste it every half hour.",
    "The visitors won 2-1 with a late header, and the coach praised his defence after the "
    "match. The league leaders now travel to the capital for the cup final.",
    "The new phone has a bigger battery, a brighter screen and a faster camera.",
]


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(ModelSettings(ner=None), use_default_linker=False)


@pytest.fixture(scope="module")
def zero_shot_enricher(tmp_path_factory: pytest.TempPathFactory) -> Enricher:
    """The default taxonomy without its trained head: the zero-shot fallback alone."""
    src = (Path(__file__).resolve().parents[2] / "configs" / "topics.yaml").read_text()
    path = tmp_path_factory.mktemp("zero-shot") / "topics.yaml"
    path.write_text(src.replace("  head: topic-head.json\n", ""), encoding="utf-8")
    e = Enricher(ModelSettings(ner=None), taxonomy_path=path, use_default_linker=False)
    assert e.taxonomy.head is None
    return e


def _scores(topics: list[TopicScore]) -> dict[str, float]:
    return {t.label: t.score for t in topics}


def test_default_taxonomy_has_the_required_topics_and_documented_thresholds() -> None:
    tax = load_taxonomy()
    assert set(tax.labels) >= REQUIRED
    assert tax.catch_all is not None and tax.catch_all.label == "other"
    for topic in tax.scored:
        assert topic.examples, topic.label
        assert 0.2 < topic.threshold < 0.7, topic.label


def test_seed_ranks_sanctions_and_mediation_above_elections_and_terrorism(
    enricher: Enricher, seed_text: str
) -> None:
    topics = enricher.analyze_texts([seed_text])[0].topics
    s = _scores(topics)
    for top in ("sanctions", "mediation"):
        assert s[top] >= ASSIGN_AT
        for low in ("elections", "terrorism", "trade_economy"):
            assert s[top] > s[low]
    assert s["elections"] < ASSIGN_AT and s["terrorism"] < ASSIGN_AT
    # the trained head also gives the ICBM test the article reports (nuclear_missile)
    assert {"sanctions", "mediation"} <= {t.label for t in topics[:3]}
    assert "other" not in assigned(topics)


def test_off_topic_texts_do_not_get_sanctions(enricher: Enricher) -> None:
    for text, analysis in zip(OFF_TOPIC, enricher.analyze_texts(OFF_TOPIC), strict=True):
        s = _scores(analysis.topics)
        assert s["sanctions"] < ASSIGN_AT, text
        assert assigned(analysis.topics) == ["other"], (text, analysis.topics[:3])


def test_every_topic_scored_highest_first_in_batch_order(enricher: Enricher) -> None:
    texts = [
        "Voters went to the polls on Sunday to elect a new parliament.",
        "",
        "A suicide bomber attacked a market, and the militant group claimed responsibility.",
    ]
    out = enricher.analyze_texts(texts)
    for analysis in out:
        labels = [t.label for t in analysis.topics]
        assert sorted(labels) == sorted(enricher.taxonomy.labels)
        scores = [t.score for t in analysis.topics]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= x <= 1.0 for x in scores)
    assert out[0].topics[0].label == "elections"
    assert out[1].topics[0].label == "other"  # nothing to go on
    assert out[2].topics[0].label == "terrorism"
    # a text's scores do not depend on what else is in the batch
    alone = enricher.analyze_texts([texts[2]])[0].topics
    assert _scores(alone) == pytest.approx(_scores(out[2].topics), abs=1e-4)


def test_split_sentences_keeps_lines_and_sentence_ends() -> None:
    text = 'Headline here\n\nFirst one. Second "quoted." Third? Yes\nU.S.\nLast'
    assert split_sentences(text) == [
        "Headline here",
        "First one.",
        'Second "quoted."',
        "Third?",
        "Yes",
        "U.S.",
        "Last",
    ]


def test_split_sentences_does_not_split_after_initials_and_titles() -> None:
    text = "Lavrov pressed U.S. Secretary of State Rex Tillerson. Mr. Lavrov said so."
    assert split_sentences(text) == [
        "Lavrov pressed U.S. Secretary of State Rex Tillerson.",
        "Mr. Lavrov said so.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("topics: nope", "expected <class 'list'>"),
        ("topics:\n  - label: Bad Label\n    description: x", "lower_snake_case"),
        (
            "topics:\n  - label: a\n    description: x\n  - label: a\n    description: y",
            "duplicate label",
        ),
        ("topics:\n  - label: a", "missing key 'description'"),
        ("topics:\n  - label: a\n    description: x\n    threshold: 3", "threshold"),
        ("topics: [", "not valid YAML"),
    ],
)
def test_bad_taxonomy_errors_name_file_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError) as exc:
        load_taxonomy(path)
    assert str(path) in str(exc.value) and message in str(exc.value)


def test_configured_classifier_replaces_the_encoder(tmp_path: Path) -> None:
    """A fine-tuned classifier whose labels are taxonomy labels scores every topic."""
    from tests.unit.test_ner import build_tiny_classifier

    labels = ["sanctions", "elections"]
    path = build_tiny_classifier(tmp_path / "clf", labels)
    e = Enricher(ModelSettings(ner=None, topic_classifier=str(path)), use_default_linker=False)
    assert isinstance(e.topic_scorer, ClassifierTopicScorer)
    assert not e.fallback_active
    assert any(k.startswith(f"topics:{path}") for k in e.models)
    topics = e.analyze_texts(["Sergei Lavrov met Rex Tillerson.", "talks"])
    for t in topics:
        s = _scores(t.topics)
        assert set(s) == set(e.taxonomy.labels)
        assert s["sanctions"] + s["elections"] == pytest.approx(1.0, abs=0.01)  # softmax part
        assert s["mediation"] == 0.0  # not a label of this classifier


def test_unloadable_classifier_falls_back_to_encoder(tmp_path: Path) -> None:
    e = Enricher(
        ModelSettings(ner=None, topic_classifier=str(tmp_path / "missing")),
        use_default_linker=False,
    )
    assert e.fallback_active
    # the encoder scorer: its trained head (configs/topics.yaml scorer.head) or zero-shot
    assert any(k.startswith(("topics:head:", "topics:zero-shot:")) for k in e.models)


def test_configured_nli_model_is_asked_one_hypothesis_per_topic(tmp_path: Path) -> None:
    from tests.unit.test_ner import build_tiny_classifier

    path = build_tiny_classifier(tmp_path / "nli", ["contradiction", "neutral", "entailment"])
    e = Enricher(ModelSettings(ner=None, topic_classifier=str(path)), use_default_linker=False)
    scorer = e.topic_scorer
    assert isinstance(scorer, ClassifierTopicScorer) and scorer.entail == 2
    texts = ["Rex Tillerson met Sergei Lavrov in New York.", "the talks", "Russia"]
    batch = [_scores(a.topics) for a in e.analyze_texts(texts)]
    for text, scores in zip(texts, batch, strict=True):
        assert set(scores) == set(e.taxonomy.labels)
        assert all(0.0 <= v <= 1.0 for v in scores.values())
        # each (text, topic) pair is scored on its own: batch composition changes nothing
        alone = _scores(e.analyze_texts([text])[0].topics)
        assert alone == pytest.approx(scores, abs=1e-4)
    assert batch[0] != batch[1]  # the premise reaches the model


def test_dev_set_quality_holds_at_the_configured_thresholds(zero_shot_enricher: Enricher) -> None:
    """Guards the zero-shot phrases and thresholds (the fallback for topics without trained
    weights): figures documented in configs/topics.yaml."""
    from pipeline.nlp.evaluation import eval_topics

    root = Path(__file__).resolve().parent.parent
    r = eval_topics(root / "fixtures" / "nlp" / "topics-dev.jsonl", zero_shot_enricher)
    assert r["micro"]["f1"] >= 0.88
    for label in ("mediation", "sanctions"):
        assert r["per_topic"][label]["recall"] >= 0.9, label


def test_events_dev_mediation_and_sanctions_are_found(
    enricher: Enricher, zero_shot_enricher: Enricher, corpus_dir: Path
) -> None:
    from pipeline.nlp.evaluation import events_dev_topic_items, score_topics

    items = events_dev_topic_items(corpus_dir / "events-dev.jsonl")
    results = {}
    for name, e in (("zero-shot", zero_shot_enricher), ("head", enricher)):
        analyses = e.analyze_texts([it.text for it in items])
        predicted = [set(assigned(a.topics)) for a in analyses]
        results[name] = score_topics(items, predicted, ["mediation", "sanctions"])["per_topic"]
    # zero-shot thresholds were tuned on this set: 17 of 19 mediation sentences at tuning time
    assert results["zero-shot"]["sanctions"]["f1"] >= 0.85
    assert results["zero-shot"]["mediation"]["recall"] >= 0.84
    # the trained head never saw it: 14 of 19 mediation sentences when it was committed
    assert results["head"]["sanctions"]["f1"] >= 0.85
    assert results["head"]["mediation"]["recall"] >= 0.70
