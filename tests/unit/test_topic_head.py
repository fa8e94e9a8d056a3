"""The trained topic head: reproducible training, a loader that refuses bad weights by name,
zero-shot for topics without weights, and the held-out quality it was accepted on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from pipeline.cli.main import main
from pipeline.config import ROOT, ModelSettings
from pipeline.nlp.enrich import Enricher
from pipeline.nlp.models import load_model
from pipeline.nlp.topic_head import (
    HeadTopicScorer,
    TopicHeadError,
    load_head,
)
from pipeline.nlp.topics import EncoderTopicScorer, assigned, load_taxonomy

DEFAULT_HEAD = ROOT / "configs" / "topic-head.json"
TRAIN_DIR = ROOT / "configs" / "topics-train"
HOLDOUT = ROOT / "tests" / "fixtures" / "nlp" / "topics-holdout.jsonl"


@pytest.fixture(scope="module")
def zero_shot() -> EncoderTopicScorer:
    settings = ModelSettings(ner=None)
    encoder = load_model(settings.encoder, "models.encoder", "encoder", settings)
    return EncoderTopicScorer(load_taxonomy(), encoder, settings.batch_size)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(ModelSettings(ner=None), use_default_linker=False)


def _small_training_file(path: Path) -> Path:
    """12 elections, 12 sanctions and 12 other items of the project's training data."""
    want = {"elections": 12, "sanctions": 12, "": 12}
    lines = []
    for f in sorted(TRAIN_DIR.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            topics = json.loads(line)["topics"]
            key = topics[0] if len(topics) == 1 else None
            if key is None and not topics:
                key = ""
            if key in want and want[key] > 0:
                want[key] -= 1
                lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _scores(topics: list) -> dict[str, float]:  # type: ignore[type-arg]
    return {t.label: t.score for t in topics}


def test_training_is_reproducible_and_unknown_topics_stay_zero_shot(
    tmp_path: Path, zero_shot: EncoderTopicScorer, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _small_training_file(tmp_path / "train.jsonl")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        assert main(["train", "topics", str(data), "--out", str(out), "--folds", "3"]) == 0
    assert a.read_bytes() == b.read_bytes()  # same file -> same weights, byte for byte
    printed = capsys.readouterr().out
    assert "mediation" in printed and "stays zero-shot" in printed
    head = load_head(a)
    assert head.labels == ["sanctions", "elections"]
    content = json.loads(a.read_text())
    assert content["encoder"]["version"] == zero_shot.encoder.version
    assert content["training_data"]["items"] == 36
    assert a.stat().st_size < 100_000

    # the topics it has no weights for keep exactly their zero-shot scores
    scorer = HeadTopicScorer(zero_shot, head)
    texts = [
        "Norway offered to host talks between the two governments, its foreign minister said.",
        "Polls closed in the presidential runoff and counting began overnight.",
    ]
    got = [_scores(s) for s in scorer.score(texts)]
    ref = [_scores(s) for s in zero_shot.score(texts)]
    for g, r in zip(got, ref, strict=True):
        for label in ("mediation", "armed_conflict", "terrorism", "humanitarian"):
            assert g[label] == pytest.approx(r[label], abs=1e-5)
    assert got[0]["mediation"] >= 0.5 and got[1]["elections"] >= 0.5


def test_a_topic_added_by_description_alone_gets_a_zero_shot_score(
    tmp_path: Path, zero_shot: EncoderTopicScorer
) -> None:
    src = (ROOT / "configs" / "topics.yaml").read_text(encoding="utf-8")
    extra = (
        "  - label: space\n"
        "    name: Space\n"
        "    description: Space exploration, rockets, astronauts and missions to the moon.\n"
        "    threshold: 0.40\n"
    )
    src = src.replace("  - label: other\n", extra + "  - label: other\n")
    src = src.replace("head: topic-head.json", f"head: {DEFAULT_HEAD}")
    (tmp_path / "topics.yaml").write_text(src, encoding="utf-8")
    e = Enricher(
        ModelSettings(ner=None), taxonomy_path=tmp_path / "topics.yaml", use_default_linker=False
    )
    assert isinstance(e.topic_scorer, HeadTopicScorer) and not e.fallback_active
    assert "space" in e.topic_scorer.zero_shot_labels
    texts = [
        "The astronauts' capsule docked with the space station after a rocket launch.",
        "The central bank raised interest rates by half a point.",
    ]
    space, bank = (_scores(a.topics) for a in e.analyze_texts(texts))
    assert space["space"] > bank["space"]  # its description alone ranks the texts
    ref = [_scores(s) for s in e.topic_scorer.zero_shot.score(texts)]
    assert space["space"] == pytest.approx(ref[0]["space"], abs=1e-5)
    assert bank["trade_economy"] >= 0.5  # the trained topics still come from the head


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "'format' must be"),
        (None, "expected 384 numbers"),
        (None, "threshold"),
        (None, "finite number"),
    ],
)
def test_loader_rejects_a_corrupt_file_naming_it(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "head.json"
    if content is None:
        data = json.loads(DEFAULT_HEAD.read_text())
        if message.startswith("expected"):
            data["topics"][0]["weights"] = data["topics"][0]["weights"][:-1]
        elif message == "threshold":
            data["topics"][1]["threshold"] = 1.5
        else:
            data["topics"][2]["bias"] = "NaN"
        content = json.dumps(data)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TopicHeadError) as exc:
        load_head(path)
    assert str(path) in str(exc.value) and message in str(exc.value)


def test_a_head_for_another_encoder_falls_back_to_zero_shot(
    tmp_path: Path, zero_shot: EncoderTopicScorer
) -> None:
    data = json.loads(DEFAULT_HEAD.read_text())
    data["encoder"]["version"] = "some/other-encoder 2.0"
    head_path = tmp_path / "head.json"
    head_path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TopicHeadError) as exc:
        HeadTopicScorer(zero_shot, load_head(head_path))
    assert str(head_path) in str(exc.value) and "some/other-encoder 2.0" in str(exc.value)

    src = (ROOT / "configs" / "topics.yaml").read_text(encoding="utf-8")
    (tmp_path / "topics.yaml").write_text(
        src.replace("head: topic-head.json", "head: head.json"), encoding="utf-8"
    )
    e = Enricher(
        ModelSettings(ner=None), taxonomy_path=tmp_path / "topics.yaml", use_default_linker=False
    )
    assert isinstance(e.topic_scorer, EncoderTopicScorer)
    assert e.fallback_active
    assert any(k.startswith("topics:zero-shot:") for k in e.models)


def test_default_head_is_small_versioned_and_recorded_on_every_record(enricher: Enricher) -> None:
    from pipeline.schema import Article

    assert DEFAULT_HEAD.stat().st_size < 1_000_000
    assert isinstance(enricher.topic_scorer, HeadTopicScorer)
    head = load_head(DEFAULT_HEAD)
    out = enricher.enrich_batch(
        [Article(id="a1", feed_id="f", source="s", url="u", title="t", content="Markets fell.")]
    )
    versions = " ".join(out[0].models.values())
    assert head.version in versions and head.data_sha256[:12] in versions
    # the head in configs/ is the one trained on the data in configs/
    from pipeline.nlp.topic_head import read_training_items

    _, sha, _ = read_training_items([TRAIN_DIR])
    assert head.data_sha256 == sha, "configs/topics-train changed: run newsmon train topics"


def test_seed_keeps_sanctions_and_mediation_and_sport_science_stay_other(
    enricher: Enricher, seed_text: str
) -> None:
    texts = [
        seed_text,
        "LONDON - Arsenal came from behind to beat Chelsea 3-1 in the Premier League on "
        "Saturday, with two goals in the last ten minutes.",
        "Astronomers said a newly found exoplanet orbits its star every 11 days and may "
        "have a thick atmosphere, according to a study in Nature.",
        "The tennis champion withdrew from the tournament with a wrist injury.",
    ]
    seed, *rest = enricher.analyze_texts(texts)
    topics = assigned(seed.topics)
    assert "sanctions" in topics and "mediation" in topics
    assert "elections" not in topics and "terrorism" not in topics
    for text, analysis in zip(texts[1:], rest, strict=True):
        assert assigned(analysis.topics) == ["other"], (text, analysis.topics[:3])


@pytest.mark.slow
def test_holdout_micro_f1_with_the_trained_head(enricher: Enricher) -> None:
    """The held-out set (scored once before training, once after; see its README)."""
    from pipeline.nlp.evaluation import eval_topics

    r = eval_topics(HOLDOUT, enricher)
    assert r["items"] >= 150
    assert r["micro"]["f1"] >= 0.85
    assert r["macro_f1"] >= 0.80


def test_head_scores_are_batch_independent(enricher: Enricher) -> None:
    texts = ["Oil prices fell 3% on Monday.", "", "Rebels ambushed an army convoy, killing 9."]
    batch = [_scores(a.topics) for a in enricher.analyze_texts(texts)]
    for text, scores in zip(texts, batch, strict=True):
        alone = _scores(enricher.analyze_texts([text])[0].topics)
        assert alone == pytest.approx(scores, abs=1e-4)
    assert batch[1]["other"] >= 0.5  # nothing to go on


def test_loader_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TopicHeadError, match=r"missing\.json: cannot read topic head"):
        load_head(tmp_path / "missing.json")
