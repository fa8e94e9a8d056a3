"""`newsmon analyze`, held to shared/contracts/analyze-json.md, on the seed article."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import REPO, SEED_FILE

ACTOR_KEYS = {"id", "name", "kind"}
NEWSMON = [sys.executable, "-m", "pipeline"]  # run from REPO, as a user runs the CLI


def _newsmon(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSMON, *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _ids(event: dict[str, Any], role: str) -> set[str]:
    return {a["id"] for a in event["roles"][role]}


TITLED_BODY = "The EU imposed an oil embargo on Russia on Monday."
JSONL_LINES = [
    json.dumps({"id": "a", "text": "Norway's central bank kept rates unchanged."}),
    "{not json",
    json.dumps({"id": "c", "text": "Qatar offered to mediate between Israel and Hamas."}),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """The three runs that load the models, at once (about 13 s apiece one after another)."""
    inputs = tmp_path_factory.mktemp("stdin")
    commands = {
        "seed": (("analyze", "--json", str(SEED_FILE)), None),
        "titled": (
            ("analyze", "--json", "--title", "Brussels acts against Moscow", "-"),
            TITLED_BODY,
        ),
        "jsonl": (("analyze", "--jsonl", "-"), "\n".join(JSONL_LINES) + "\n"),
    }
    started = {}
    for name, (args, stdin) in commands.items():
        source = inputs / name
        source.write_text(stdin or "", encoding="utf-8")
        with source.open("rb") as fed:  # the child keeps its own copy of the descriptor
            started[name] = subprocess.Popen(
                [*NEWSMON, *args],
                cwd=REPO,
                stdin=fed,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
    done = {}
    for name, proc in started.items():
        stdout, stderr = proc.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return done


@pytest.fixture(scope="module")
def seed_result(runs: dict[str, subprocess.CompletedProcess[str]]) -> dict[str, Any]:
    done = runs["seed"]
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)  # stdout holds exactly one JSON object


def test_seed_gives_exactly_the_two_contract_events(seed_result: dict[str, Any]) -> None:
    assert set(seed_result) == {"topics", "entities", "events"}
    events = {(e["type"], e["action"]): e for e in seed_result["events"]}
    assert set(events) == {("mediation", "offer"), ("sanctions", "impose")}
    med, san = events[("mediation", "offer")], events[("sanctions", "impose")]
    assert _ids(med, "mediator") == {"RUS"} and _ids(med, "parties") == {"USA", "PRK"}
    assert _ids(san, "sender") == {"IGO:UNSC"} and _ids(san, "target") == {"PRK"}
    for event in (med, san):
        assert event["negated"] is False and event["hypothetical"] is False
        assert 0 < event["confidence"] <= 1
        assert event["evidence"] in SEED_FILE.read_text(encoding="utf-8")
        for actors in event["roles"].values():
            assert all(set(a) >= ACTOR_KEYS for a in actors)


def test_topics_cover_the_taxonomy_highest_first(seed_result: dict[str, Any]) -> None:
    scores = [t["score"] for t in seed_result["topics"]]
    assert scores == sorted(scores, reverse=True)
    labels = [t["label"] for t in seed_result["topics"]]
    assert {"mediation", "sanctions"} <= set(labels[:3])


def test_entity_offsets_index_the_input_text(seed_result: dict[str, Any]) -> None:
    text = SEED_FILE.read_text(encoding="utf-8")
    assert seed_result["entities"]
    for entity in seed_result["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert entity["label"] in {"PERSON", "ORG", "LOC", "MISC"}
    linked = {e["text"]: e["actor"] for e in seed_result["entities"] if e["actor"]}
    assert linked["Sergei Lavrov"]["id"] == "PERSON:sergei-lavrov"
    assert linked["Sergei Lavrov"]["country"] == "RUS"
    assert linked["Pyongyang"]["id"] == "PRK"


def test_title_option_keeps_offsets_in_the_body(
    runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    done = runs["titled"]
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    for entity in result["entities"]:
        assert TITLED_BODY[entity["start"] : entity["end"]] == entity["text"]
    assert [(e["type"], e["action"]) for e in result["events"]] == [("sanctions", "impose")]


def test_jsonl_keeps_order_and_reports_bad_lines(
    runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    done = runs["jsonl"]
    assert done.returncode == 0, done.stderr[-2000:]
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c"]
    assert out[0]["events"] == [] and "error" in out[1] and ":2:" in out[1]["error"]
    assert [(e["type"], e["action"]) for e in out[2]["events"]] == [("mediation", "offer")]


def test_unreadable_path_is_named() -> None:
    done = _newsmon("analyze", "--json", "no/such/file.txt")
    assert done.returncode != 0
    assert "no/such/file.txt" in done.stderr
