"""`newsmon eval events` through the full analyze path (models included), on the real dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli.main import main


def _eval(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["--log-level", "ERROR", "eval", "events", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _f1(result: dict) -> float:
    return float(result["overall"]["f1"])


def test_events_dev_meets_the_targets(corpus_dir: Path, capsys) -> None:
    result = _eval(corpus_dir / "events-dev.jsonl", capsys)
    assert _f1(result) >= 0.85
    assert result["false_event_rate"] <= 0.05


def test_bad_file_is_named(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"text": "x", "gold": [}\n')
    assert main(["--log-level", "ERROR", "eval", "events", str(bad), "--dictionary-only"]) == 2
    assert str(bad) in capsys.readouterr().err
