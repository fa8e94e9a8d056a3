"""Mediation rules of session 8, on own invented sentences (not from any labelled set): hosts
of talks between two sides, envoys meeting both sides, shuttle messages, brokered truces with
coordinated mediators, halts and rejections worded around the mediator, parties named with a
possessive ("X's government and the rebels"), venues that are no party, and a mediator's CV.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_parse import events


def mediations(text: str, parser: SentenceParser) -> list[dict[str, Any]]:
    return [e for e in events(text, parser) if e["type"] == "mediation"]


@pytest.mark.parametrize(
    ("text", "action", "mediator", "parties"),
    [
        # a state hosting talks between two other sides mediates; offering to host is an offer
        (
            "Qatar hosted talks between Chad and Sudan in Doha on Sunday.",
            "mediate",
            ["QAT"],
            ["SDN", "TCD"],
        ),
        (
            "Norway is ready to host peace talks between Colombia and Venezuela, its foreign "
            "minister said.",
            "offer",
            ["NOR"],
            ["COL", "VEN"],
        ),
        (
            "Ghana's president will host a meeting between the leaders of Togo and Benin.",
            "mediate",
            ["GHA"],
            ["BEN", "TGO"],
        ),
        (
            "The Omani foreign minister said he had hosted a round between American and "
            "Iranian negotiators.",
            "mediate",
            ["OMN"],
            ["IRN", "USA"],
        ),
        # envoys meeting both sides; a side without a name is the envoy's remit or OTHER
        (
            "The U.N. envoy for Libya met government and opposition delegations in Tunis.",
            "mediate",
            ["IGO:UN"],
            ["LBY", "OTHER"],
        ),
        (
            "The African Union's envoy met Ethiopian officials on Monday and Eritrean officials "
            "on Tuesday.",
            "mediate",
            ["IGO:AU"],
            ["ERI", "ETH"],
        ),
        # shuttle messages between two sides
        (
            "Kuwait's foreign minister passed messages between Saudi and Qatari negotiators.",
            "mediate",
            ["KWT"],
            ["QAT", "SAU"],
        ),
        # an active "brokered" truce a few words on, with both coordinated mediators
        (
            "Egypt and the United Nations brokered a three-day humanitarian truce between "
            "Israel and Lebanon.",
            "mediate",
            ["EGY", "IGO:UN"],
            ["ISR", "LBN"],
        ),
        # a titled person in apposition acts for their state
        (
            "Turkey's special envoy, Ayse Demirkol, brokered a truce between Armenia and "
            "Azerbaijan.",
            "mediate",
            ["TUR"],
            ["ARM", "AZE"],
        ),
        # halts worded around the mediator
        (
            "Kenya said it would step aside as mediator between Sudan and South Sudan.",
            "halt",
            ["KEN"],
            ["SDN", "SSD"],
        ),
        (
            "ECOWAS mediators suspended talks between Guinea and Mali on Friday.",
            "halt",
            ["IGO:ECOWAS"],
            ["GIN", "MLI"],
        ),
        # "accept no further mediation" rejects it; agreeing to X-mediated talks accepts it
        (
            "Ethiopia said it would accept no further Kenyan mediation with Somalia.",
            "reject",
            ["KEN"],
            ["ETH", "SOM"],
        ),
        (
            "Serbia agreed on Monday to EU-mediated talks with Kosovo.",
            "accept",
            ["IGO:EU"],
            ["SRB", "XKX"],
        ),
        # "the junta in X" is the state X, as a side and as the one who rejects
        (
            "Senegal offered to mediate between the junta in Guinea and ECOWAS.",
            "offer",
            ["SEN"],
            ["GIN", "IGO:ECOWAS"],
        ),
        (
            "The junta in Mali rejected a mediation mission by AU envoys.",
            "reject",
            ["IGO:AU"],
            ["MLI"],
        ),
        # the second side after a possessive government
        (
            "Algeria offered to mediate between Niger's government and the rebels.",
            "offer",
            ["DZA"],
            ["NER", "OTHER"],
        ),
    ],
)
def test_mediation_frames(
    parser: SentenceParser, text: str, action: str, mediator: list[str], parties: list[str]
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, (text, got)
    assert got[0]["action"] == action
    assert got[0]["ids"]["mediator"] == mediator
    assert got[0]["ids"]["parties"] == parties


def test_talks_in_a_city_or_country_are_no_party(parser: SentenceParser) -> None:
    got = mediations("Sudan's warring sides met at U.N.-sponsored talks in Switzerland.", parser)
    assert len(got) == 1
    assert got[0]["ids"]["mediator"] == ["IGO:UN"]
    assert "CHE" not in got[0]["ids"]["parties"]


def test_ready_to_host_and_act_as_mediator_keeps_the_roles(parser: SentenceParser) -> None:
    got = mediations(
        "Egypt said Cairo was ready to host talks between Israel and Hamas and to act as a "
        "mediator.",
        parser,
    )
    assert [e["action"] for e in got] == ["offer"]
    assert got[0]["ids"]["mediator"] == ["EGY"]
    assert "EGY" not in got[0]["ids"]["parties"]


@pytest.mark.parametrize(
    "text",
    [
        # a host's own ministers, or its own ministry and a firm, are no sides
        "Putin hosted talks between his defence and foreign ministers on Monday.",
        "Japan hosted talks between its trade ministry and Toyota executives.",
        # a mediator's CV or obituary
        "Jonas Berg, the Swedish diplomat who mediated in Cyprus and Georgia, died on Sunday.",
        # fiction about a mediator
        "The film follows an EU mediator trying to end a war in an invented republic.",
        # an envoy visiting one side is a visit, not mediation
        "The U.N. envoy met Iranian officials in Tehran on Monday.",
        # talks at a venue, with no host named between sides
        "Delegates from several countries met in Vienna for talks on the budget.",
    ],
)
def test_no_mediation(parser: SentenceParser, text: str) -> None:
    assert mediations(text, parser) == []
