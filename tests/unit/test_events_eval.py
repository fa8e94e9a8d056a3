"""Event evaluation: the figures are computed as documented, bad files fail with file:line, and
the detector meets its targets on the development set and on the project's own sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.events.evaluation import EvalDataError, eval_events, format_report, main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"


def _ev(etype: str, action: str, r1: list[str], r2: list[str], **kw: Any) -> dict[str, Any]:
    names = ("mediator", "parties") if etype == "mediation" else ("sender", "target")
    return {"type": etype, "action": action, "roles": {names[0]: r1, names[1]: r2}, **kw}


def _actor(aid: str, kind: str) -> dict[str, str]:
    return {"id": aid, "name": aid, "kind": kind}


def _write(tmp_path: Path, items: list[dict[str, Any]]) -> Path:
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return p


def test_figures_from_a_known_analyzer(tmp_path: Path) -> None:
    items = [
        # matched on an alt action, roles right (an org reads as OTHER)
        {"id": "a", "text": "A", "gold": [_ev("sanctions", "impose", ["USA"], ["OTHER"],
                                              alt_actions=["extend"])]},
        # wrong action: a false event and a miss
        {"id": "b", "text": "B", "gold": [_ev("mediation", "offer", ["RUS"], [])]},
        # a negative with a false event
        {"id": "c", "text": "C", "gold": []},
        # a negative kept silent
        {"id": "d", "text": "D", "gold": []},
    ]
    preds = {
        "A": [_ev("sanctions", "extend", [_actor("USA", "country")],
                  [_actor("ORG:x", "org")])],
        "B": [_ev("mediation", "mediate", [_actor("RUS", "country")], [])],
        "C": {"events": [_ev("sanctions", "lift", [_actor("IGO:EU", "igo")], [])]},
        "D": [],
    }
    r = eval_events(_write(tmp_path, items), lambda text: preds[text])
    assert r["overall"]["tp"] == 1 and r["overall"]["fp"] == 2 and r["overall"]["fn"] == 1
    assert r["by_type"]["mediation"]["f1"] == 0.0
    assert r["by_type"]["sanctions"]["precision"] == pytest.approx(0.5)
    assert r["by_type"]["sanctions"]["recall"] == pytest.approx(1.0)
    assert r["action_accuracy"] == pytest.approx(0.5)  # a right (alt), b wrong
    assert r["role_accuracy"] == pytest.approx(1.0)
    assert r["false_event_rate"] == pytest.approx(0.5)
    assert {e["id"] for e in r["errors"]} == {"b", "c"}
    text = format_report(r, verbose=True)
    assert "false-event rate 0.500" in text and "- b:" in text


def test_bad_file_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text('{"text": "x", "gold": []}\n{not json}\n', encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"bad\.jsonl:2"):
        eval_events(p, lambda t: [])
    p.write_text('{"text": "x", "gold": [{"type": "war", "action": "x"}]}\n', encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"bad\.jsonl:1"):
        eval_events(p, lambda t: [])
    assert main([str(tmp_path / "missing.jsonl")]) == 2
    p.write_bytes('{"text": "Bogot\xe1", "gold": []}\n'.encode("latin-1"))
    with pytest.raises(EvalDataError, match=r"bad\.jsonl: cannot read"):
        eval_events(p, lambda t: [])


def test_own_sentences_meet_the_targets() -> None:
    r = eval_events(FIXTURES / "dev-own.jsonl")
    assert r["overall"]["f1"] >= 0.85
    assert r["false_event_rate"] <= 0.05


@pytest.mark.parametrize("name", ["holdout.jsonl", "holdout-2.jsonl", "holdout-3.jsonl"])
def test_held_out_sentences_stay_useful(name: str) -> None:
    """Written after the rules, to watch generalisation; the bar is lower on purpose."""
    r = eval_events(FIXTURES / name)
    assert r["overall"]["precision"] >= 0.85
    assert r["overall"]["f1"] >= 0.8
    assert r["false_event_rate"] <= 0.1


@pytest.mark.corpus
def test_dev_set_meets_the_targets(corpus_dir: Path) -> None:
    r = eval_events(corpus_dir / "events-dev.jsonl")
    assert r["items"] == 152
    assert r["overall"]["f1"] >= 0.85
    assert r["false_event_rate"] <= 0.05
