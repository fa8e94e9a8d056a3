"""`newsmon eval entities|topics`: exact-span scoring, partial topic labels, tuning, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.nlp.evaluation import (
    EvalInputError,
    TopicItem,
    eval_entities,
    eval_topics,
    events_dev_topic_items,
    read_conll,
    score_topics,
    tag_spans,
    tune_thresholds,
)
from pipeline.nlp.topics import load_taxonomy
from pipeline.schema import Entity, TopicScore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "nlp"
CONLL = FIXTURES / "entities.conll"


class _Analysis:
    def __init__(self, entities: list[Entity], topics: list[TopicScore] | None = None):
        self.entities = entities
        self.topics = topics or []


class FakeEnricher:
    """Returns fixed analyses, so the scoring arithmetic can be checked by hand."""

    taxonomy = load_taxonomy()
    models = {"fake": "1"}

    def __init__(self, analyses: list[_Analysis]):
        self.analyses = analyses
        self.seen: list[str] = []

    def analyze_texts(self, texts: list[str]) -> list[_Analysis]:
        self.seen = list(texts)
        return self.analyses[: len(texts)]


def test_tag_spans_handles_iob1_iob2_and_bioes() -> None:
    assert tag_spans(["I-PER", "I-PER", "O", "I-LOC"]) == {(0, 2, "PERSON"), (3, 4, "LOC")}
    assert tag_spans(["B-PER", "B-PER", "I-PER"]) == {(0, 1, "PERSON"), (1, 3, "PERSON")}
    assert tag_spans(["S-ORG", "B-LOC", "E-LOC", "I-LOC"]) == {
        (0, 1, "ORG"),
        (1, 3, "LOC"),
        (3, 4, "LOC"),
    }
    assert tag_spans(["B-PER", "I-ORG"]) == {(0, 1, "PERSON"), (1, 2, "ORG")}


def test_eval_entities_with_predictions_in_file_counts_exact_spans() -> None:
    r = eval_entities(CONLL)
    assert r["sentences"] == 3
    # gold: 2 PER, 2 LOC, 1 ORG, 1 MISC. predicted: "Rex" alone (wrong span), Geneva as ORG
    per, loc, org = r["per_type"]["PERSON"], r["per_type"]["LOC"], r["per_type"]["ORG"]
    assert (per["tp"], per["fp"], per["fn"]) == (1, 1, 1)
    assert (loc["tp"], loc["fp"], loc["fn"]) == (1, 0, 1)
    assert (org["tp"], org["fp"], org["fn"]) == (1, 1, 0)
    assert r["per_type"]["MISC"]["f1"] == 1.0
    assert (r["overall"]["tp"], r["overall"]["fp"], r["overall"]["fn"]) == (4, 2, 2)
    assert r["overall"]["precision"] == pytest.approx(4 / 6, abs=1e-4)


def test_eval_entities_runs_the_enricher_on_space_joined_tokens(tmp_path: Path) -> None:
    # a plain CoNLL-2003 layout: token POS chunk gold (drop the fixture's prediction column)
    gold_only = tmp_path / "gold.conll"
    lines = CONLL.read_text(encoding="utf-8").splitlines()
    gold_only.write_text("\n".join(" ".join(x.split()[:-1]) for x in lines) + "\n")
    sentences = read_conll(gold_only, with_predictions=False)
    text0 = " ".join(sentences[0].tokens)
    assert text0 == "Sergei Lavrov met Rex Tillerson in New York ."
    fake = FakeEnricher(
        [
            _Analysis(
                [
                    Entity("Sergei Lavrov", "PERSON", 0, 13),
                    Entity("Rex Tillerson", "PERSON", 18, 31),
                    Entity("New Yo", "LOC", 35, 41),  # not on a token boundary: a false positive
                ]
            ),
            _Analysis([Entity("UN Security Council", "ORG", 4, 23)]),
            _Analysis([]),
        ]
    )
    r = eval_entities(gold_only, fake)
    assert fake.seen[0] == text0
    assert r["per_type"]["PERSON"]["f1"] == 1.0
    assert (r["per_type"]["LOC"]["tp"], r["per_type"]["LOC"]["fp"]) == (0, 1)
    assert r["per_type"]["ORG"]["tp"] == 1
    assert r["per_type"]["MISC"]["fn"] == 1
    assert r["predictions"] == "enricher" and r["models"] == {"fake": "1"}


def test_bad_conll_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("Sergei B-PER\nLavrov\n", encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"bad\.conll:2"):
        eval_entities(bad, FakeEnricher([]))


def test_bad_events_dev_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "ev.jsonl"
    bad.write_text('{"text": "x", "gold": []}\n{not json}\n', encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"ev\.jsonl:2"):
        events_dev_topic_items(bad)
    bad.write_text('{"text": "x", "gold": []}\n\n{"gold": []}\n', encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"ev\.jsonl:3: not an events line"):
        events_dev_topic_items(bad)


def test_eval_topics_scores_assigned_topics_with_partial_labels(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    rows = [
        {"text": "a", "topics": ["sanctions"]},
        {"text": "b", "topics": ["mediation", "sanctions"]},
        {"title": "c", "body": "d", "topics": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")

    def topics(**scores: float) -> list[TopicScore]:
        return [TopicScore(k, v) for k, v in scores.items()]

    fake = FakeEnricher(
        [
            _Analysis([], topics(sanctions=0.9, mediation=0.2)),
            _Analysis([], topics(sanctions=0.4, mediation=0.7)),
            _Analysis([], topics(sanctions=0.6, other=0.4)),
            _Analysis([], topics(sanctions=0.8, elections=0.9)),  # partially labelled extra
        ]
    )
    extra = [TopicItem("e", {"sanctions"}, {"sanctions"})]
    r = eval_topics(path, fake, extra)
    assert fake.seen[2] == "c\n\nd"
    s = r["per_topic"]["sanctions"]
    assert (s["tp"], s["fp"], s["fn"]) == (2, 1, 1)
    assert r["per_topic"]["mediation"]["f1"] == 1.0
    # elections predicted on the extra item is not judged: it is labelled for sanctions only
    assert r["per_topic"]["elections"]["fp"] == 0
    assert r["per_topic"]["other"]["fn"] == 1
    assert r["exact_match"] == pytest.approx(1 / 3, abs=1e-4)


def test_score_topics_macro_ignores_topics_never_seen() -> None:
    items = [TopicItem("x", {"sanctions"}, None)]
    r = score_topics(items, [{"sanctions"}], ["sanctions", "elections"])
    assert r["macro_f1"] == 1.0


def test_tune_thresholds_finds_the_separating_cosine() -> None:
    class Scorer:
        taxonomy = load_taxonomy()

        def similarities(self, texts: list[str]) -> list[dict[str, float]]:
            base = {t.label: 0.1 for t in self.taxonomy.scored}
            return [{**base, "sanctions": float(t)} for t in texts]

    items = [
        TopicItem(str(v), {"sanctions"} if v >= 0.5 else set(), None)
        for v in (0.3, 0.35, 0.42, 0.5, 0.61, 0.7)
    ]
    tuned = tune_thresholds(items, Scorer())
    assert tuned["sanctions"]["f1"] == 1.0
    assert 0.42 < tuned["sanctions"]["threshold"] <= 0.5


def test_events_dev_gives_partial_topic_labels(corpus_dir: Path) -> None:
    items = events_dev_topic_items(corpus_dir / "events-dev.jsonl")
    sanc = [it for it in items if "sanctions" in it.topics]
    med = [it for it in items if "mediation" in it.topics]
    assert len(sanc) > 40 and len(med) > 10
    for it in items:
        assert it.labelled and it.topics <= it.labelled
        if "sanctions" in it.labelled and "sanctions" not in it.topics:
            assert "sanction" not in it.text.lower()


def test_cli_eval_entities_prints_per_type_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "entities", str(CONLL), "--predictions-in-file", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["overall"]["tp"] == 4
    assert main(["eval", "entities", str(CONLL), "--predictions-in-file"]) == 0
    out = capsys.readouterr().out
    assert "PERSON" in out and "overall" in out


def test_cli_eval_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "entities", str(tmp_path / "missing.conll"), "--predictions-in-file"]) == 2
    assert "missing.conll" in capsys.readouterr().err
