"""Mediation rules of session 14, on own invented paraphrases (not from any labelled set):
a third party meeting the sides apart ("separately", "separate meetings", "with both"), going
between the sides of a dispute (flying or travelling between capitals, relaying proposals,
carrying messages, also in a relative clause), meeting under a third party's chairmanship,
moderation or auspices (also with a state's factions as the only named side), and facilitating or
chairing rounds of talks between named sides. Each shape has near misses that must not fire.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_mediation_s9 import ids


def assert_mediates(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    """One 'mediate' event with these mediator ids and these party codes (ids before ':')."""
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["mediate"], got
    assert ids(got[0], "mediator") == mediator
    assert sorted(x.split(":")[0] for x in ids(got[0], "parties")) == parties


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "A Swiss diplomat has been meeting separately with Colombian government officials "
            "and rebel commanders to revive the stalled peace process.",
            ["CHE"],
            ["COL", "OTHER"],
        ),
        (
            "Qatar's foreign minister held separate meetings with Afghan government negotiators "
            "and Taliban commanders in Doha on Tuesday.",
            ["QAT"],
            ["AFG", "ORG"],
        ),
        (
            "Kenya's president, acting for IGAD, held talks with both the South Sudanese "
            "government and the rebels in Juba on Sunday.",
            ["IGO:IGAD"],
            ["OTHER", "SSD"],
        ),
    ],
)
def test_third_party_meets_sides_apart(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    assert_mediates(text, mediator, parties, parser)


@pytest.mark.parametrize(
    "text",
    [
        # two states met apart on a tour: a visit, no conflict side
        "Japan's prime minister held separate meetings with the leaders of France and Germany.",
        "Canada's trade minister met separately with officials of Mexico and the United States.",
        # together, not apart
        "Kenya's president held talks with the president of Uganda in Nairobi on Monday.",
    ],
)
def test_meetings_that_are_visits(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Senegal's president travelled between Bamako and Nouakchott last week to defuse "
            "the border crisis between Mali and Mauritania.",
            ["SEN"],
            ["MLI", "MRT"],
        ),
        (
            "Norway and Switzerland are relaying proposals between Colombia and the ELN on a "
            "prisoner exchange, diplomats said.",
            ["CHE", "NOR"],
            ["COL", "ORG"],
        ),
        (
            "Kuwait's emir, who has carried messages between Riyadh and Doha since the rift "
            "began, arrived in Doha on Sunday.",
            ["KWT"],
            ["QAT", "SAU"],
        ),
    ],
)
def test_going_between_the_sides(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    assert_mediates(text, mediator, parties, parser)


@pytest.mark.parametrize(
    "text",
    [
        # travel between capitals with no dispute: a tour
        "China's premier flew between Berlin and Paris this week to promote trade.",
        "The airline flies between Germany and France twice a day.",
        # relaying what is no message between sides
        "A Dutch firm is relaying electricity between Norway and Denmark.",
    ],
)
def test_travel_and_relays_that_mediate_nothing(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Sudan's government and the southern rebels met in Nairobi under the chairmanship "
            "of Kenya's foreign minister on Friday.",
            ["KEN"],
            ["OTHER", "SDN"],
        ),
        (
            "Somalia's rival clan factions resumed talks under Egyptian moderation.",
            ["EGY"],
            ["OTHER", "SOM"],
        ),
        (
            "Yemen's warring parties, meeting under U.N. auspices in Stockholm, agreed to swap "
            "prisoners.",
            ["IGO:UN"],
            ["YEM"],
        ),
        (
            "Turkey has facilitated four rounds of talks between Russia and Ukraine on grain "
            "shipments.",
            ["TUR"],
            ["RUS", "UKR"],
        ),
    ],
)
def test_meeting_under_a_third_party(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    assert_mediates(text, mediator, parties, parser)


@pytest.mark.parametrize(
    "text",
    [
        # one state's own body under its own chair: no conflict
        "Brazil's ministers met under the chairmanship of the president on Monday.",
        "The festival was held under the chairmanship of France's culture minister.",
        # a dated deal under auspices is background history
        "Sudan's warring factions signed a peace accord in Nairobi in 2005 under IGAD auspices.",
        # calling for talks is no hosting of them
        "The EU called for talks between Serbia and Kosovo.",
    ],
)
def test_under_a_chair_near_misses(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []
