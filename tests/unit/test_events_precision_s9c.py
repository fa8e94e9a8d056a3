"""Precision guards of session 9c, on own invented sentences (not from any labelled set):
ordinary news that uses the event words for something the contract does not count, each next
to a near real event of the same shape that must still fire.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_precision_s9 import sanctions


@pytest.mark.parametrize(
    "text",
    [
        "Brussels imposed provisional anti-dumping duties of up to 19% on Indian ceramic tiles on "
        "Monday after European producers complained of below-cost imports.",
        "The U.S. Commerce Department imposed countervailing duties on Vietnamese solar panels, "
        "finding that exporters had received unfair subsidies.",
    ],
)
def test_a_trade_remedy_is_no_sanction(text: str, parser: SentenceParser) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        # the same duties framed as punishment of a state stay a sanction
        (
            "Beijing imposed anti-dumping duties of up to 200% on Canadian canola in what Ottawa "
            "called retaliation for its tariffs on Chinese electric cars.",
            ["CHN"],
            ["CAN"],
        ),
        # a plain punitive tariff in the same shape
        (
            "Brussels imposed duties of up to 19% on Belarusian potash on Monday.",
            ["IGO:EU"],
            ["BLR"],
        ),
    ],
)
def test_punitive_duties_stay(
    text: str, sender: list[str], target: list[str], parser: SentenceParser
) -> None:
    got = sanctions(text, parser)
    assert len(got) == 1, got
    assert [a["id"] for a in got[0]["roles"]["sender"]] == sender
    assert [a["id"] for a in got[0]["roles"]["target"]] == target


def test_a_broadcast_rights_dispute_is_commercial(parser: SentenceParser) -> None:
    text = "A mediator was named in the row between La Liga and a broadcaster over TV rights."
    assert mediations(text, parser) == []


def test_a_state_mediation_with_a_broadcaster_word_stays(parser: SentenceParser) -> None:
    text = (
        "Qatar agreed to mediate between Ethiopia and Egypt, state broadcaster Al Jazeera reported."
    )
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == ["QAT"]
    assert got[0]["ids"]["parties"] == ["EGY", "ETH"]


@pytest.mark.parametrize(
    "text",
    [
        "The AU envoy for Sudan met the army chief in Port Sudan on Friday but was not allowed "
        "to meet jailed opposition leaders.",
        "The UN envoy for Yemen met government officials in Aden on Monday but was denied "
        "access to Houthi negotiators.",
    ],
)
def test_an_envoy_who_meets_one_side_only_is_no_mediation(
    text: str, parser: SentenceParser
) -> None:
    assert mediations(text, parser) == []


def test_an_envoy_who_meets_both_sides_stays(parser: SentenceParser) -> None:
    text = (
        "The UN envoy for Yemen met government officials in Aden on Monday and then met Houthi "
        "negotiators in Muscat."
    )
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == ["IGO:UN"]
