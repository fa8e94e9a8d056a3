"""Sanctions rules of round 8b, on invented sentences (not from any labelled set): a call on
someone else to take a measure is the one event, and a measure someone threatens to take."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.nlp.parser import SentenceParser, load_parser
from tests.unit.test_events_parse import events


@pytest.fixture(scope="module")
def parser() -> SentenceParser:
    return load_parser("en_core_web_sm")


def sanctions(text: str, parser: SentenceParser) -> list[dict[str, Any]]:
    return [e for e in events(text, parser) if e["type"] == "sanctions"]


def only(text: str, parser: SentenceParser) -> dict[str, Any]:
    got = sanctions(text, parser)
    assert len(got) == 1, (text, got)
    return got[0]


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # urging another actor to act: only the call (the urged measure is not taken)
        (
            "Ghana pressed its AU partners on Friday to adopt sanctions on Togo's ruling generals.",
            "call",
            "GHA",
            "TGO",
        ),
        (
            "Sweden will ask the European Union to impose a trade embargo on Eritrea, the "
            "foreign minister said.",
            "call",
            "SWE",
            "ERI",
        ),
        (
            "Peru asked the Organization of American States on Tuesday to weigh an arms "
            "embargo on Nicaragua.",
            "call",
            "PER",
            "NIC",
        ),
        # threatening to take a measure that is no sanction noun
        (
            "Canada threatened on Monday to slap export curbs on Chinese steel.",
            "threaten",
            "CAN",
            "CHN",
        ),
        (
            "Berlin threatened to impose entry restrictions on Belarusian officials.",
            "threaten",
            "DEU",
            "BLR",
        ),
    ],
)
def test_calls_and_threats(
    parser: SentenceParser, text: str, action: str, sender: str, target: str
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, [sender], [target])
    assert not e["hypothetical"] and not e["negated"]
