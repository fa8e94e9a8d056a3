"""Precision guards of session 10, on own invented sentences (not from any labelled set): the
structural reasons ordinary news fires an event, each next to a real event of the same shape
that must still fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_parse import events


def sanctions(text: str, parser: SentenceParser) -> list[dict[str, Any]]:
    return [e for e in events(text, parser) if e["type"] == "sanctions"]


@pytest.mark.parametrize(
    "text",
    [
        # a state mediator alone does not make a labour or sports row a state's dispute
        "The Dutch government sent a mediator to end a week-long strike by airport cleaners.",
        "Italy's labour minister offered to mediate in the pay dispute at the Taranto steelworks.",
        "Portugal's president offered to mediate after the two Lisbon clubs traded insults.",
    ],
)
def test_a_state_mediator_in_a_private_dispute_is_no_event(
    text: str, parser: SentenceParser
) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        # the same shape without a private-dispute word: the sides may be states left unnamed
        ("Oman offered to mediate in the border dispute, its foreign minister said.", ["OMN"]),
        ("Kuwait launched a mediation effort between the two parties.", ["KWT"]),
    ],
)
def test_a_state_mediator_with_no_side_named_stays(
    text: str, mediator: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == mediator


@pytest.mark.parametrize(
    "text",
    [
        # the sides named with "between" are private persons, firms or local bodies
        "The Danish government appointed a mediator between fishermen and an offshore wind "
        "developer.",
        "Austria's government named a mediator for the row between two provinces over a toll.",
        "A Paris mediator settled a quarrel between a Danish ferry operator and a Polish "
        "shipyard.",
        "A state arbitrator brokered a deal between nurses and Oslo University Hospital.",
    ],
)
def test_mediation_between_private_sides_is_no_event(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        # a state, an armed group or an unnamed conflict side among the sides keeps the event
        (
            "Norway's envoy mediated between the Sudanese government and the rebels in Juba.",
            ["NOR"],
            ["OTHER", "SDN"],
        ),
        ("Egypt mediated between Israel and the Palestinian factions.", ["EGY"], ["ISR", "OTHER"]),
        (
            "Qatar is trying to mediate between rival political blocs in Beirut.",
            ["QAT"],
            ["OTHER"],
        ),
    ],
)
def test_mediation_between_conflict_sides_stays(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == mediator


@pytest.mark.parametrize(
    "text",
    [
        # cutting or suspending a tariff lowers a measure: no sanction is imposed
        "Vietnam cut its import tariffs on American ethanol to ease trade frictions.",
        "India suspended the import duties on Australian lentils for a year.",
    ],
)
def test_cutting_a_tariff_is_no_imposed_sanction(text: str, parser: SentenceParser) -> None:
    assert [e for e in sanctions(text, parser) if e["action"] == "impose"] == []


def test_cutting_imports_from_a_state_still_fires(parser: SentenceParser) -> None:
    got = sanctions("Vietnam suspended imports of American ethanol over the dispute.", parser)
    assert [(e["action"], e["ids"]["sender"], e["ids"]["target"]) for e in got] == [
        ("impose", ["VNM"], ["USA"])
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a past relative clause describes who someone is: background, not this report
        "Turkey, which brokered the grain corridor deal, said it would expand its navy.",
        "A Dutch diplomat who served for a decade as a U.N. mediator in Cyprus has died at 79.",
    ],
)
def test_a_past_mediation_in_a_relative_clause_is_background(
    text: str, parser: SentenceParser
) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        ("Turkey, which is mediating between Russia and Ukraine, said talks would resume.", "TUR"),
        ("Egypt brokered a truce between Israel and Hamas on Sunday.", "EGY"),
    ],
)
def test_a_mediation_reported_as_news_stays(
    text: str, mediator: str, parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == [mediator]


@pytest.mark.parametrize(
    "text",
    [
        # an airline named after its state is no state
        "Air Canada halted its flights to Tel Aviv until the end of June.",
        # an entry measure on one private person is an immigration decision
        "The Mexican government denied a visa to a Cuban dissident blogger.",
        "Turkish authorities barred a Swedish reporter from entering the country.",
        "Britain cancelled the visa of a Serbian tennis player before the tournament.",
    ],
)
def test_an_airline_or_one_private_person_makes_no_sanction(
    text: str, parser: SentenceParser
) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        ("Canada halted all flights to and from Iran on Friday.", ["CAN"], ["IRN"]),
        ("Turkey barred 30 Swedish officials from entering the country.", ["TUR"], ["SWE"]),
        ("Mexico will deny visas to Cuban officials, its foreign minister said.", ["MEX"], ["CUB"]),
    ],
)
def test_a_state_measure_on_a_state_or_its_officials_stays(
    text: str, sender: list[str], target: list[str], parser: SentenceParser
) -> None:
    got = sanctions(text, parser)
    assert [(e["ids"]["sender"], e["ids"]["target"]) for e in got] == [(sender, target)]


def test_a_climate_or_energy_envoy_meeting_two_sides_mediates_nothing(
    parser: SentenceParser,
) -> None:
    for text in (
        "Japan's climate envoy met Indian and Brazilian negotiators in Bonn to narrow gaps on "
        "finance.",
        "Germany's energy envoy met Qatari and Algerian negotiators in Doha on gas supplies.",
    ):
        assert mediations(text, parser) == [], text


@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        ("Norway's peace envoy met Colombian government and ELN negotiators in Havana.", "NOR"),
        ("The U.N. envoy met Sudanese government and rebel negotiators in Jeddah.", "IGO:UN"),
    ],
)
def test_a_peace_envoy_meeting_two_sides_mediates(
    text: str, mediator: str, parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == [mediator]


def test_a_call_on_an_abbreviated_body_is_read_as_a_call(parser: SentenceParser) -> None:
    # the dots of "U.N." do not end the clause of the urging verb
    got = sanctions(
        "France called on the U.N. Security Council on Monday to impose an arms embargo on "
        "South Sudan.",
        parser,
    )
    assert ("call", ["FRA"], ["SSD"]) in [
        (e["action"], e["ids"]["sender"], e["ids"]["target"]) for e in got
    ]
    near = "France called on the U.N. to investigate abuses in South Sudan."
    assert sanctions(near, parser) == []


@pytest.mark.parametrize(
    ("text", "near"),
    [
        (
            "The president, who was elected after the collapse of peace talks mediated by "
            "Norway, spoke to reporters on Monday.",
            "The president, who was elected in May, said peace talks mediated by Norway between "
            "Colombia and the ELN would resume on Monday.",
        ),
        (
            "The anniversary of the peace accord brokered by Qatar between Chad and Sudan was "
            "marked in Doha on Sunday.",
            "A peace accord brokered by Qatar between Chad and Sudan was signed in Doha on Sunday.",
        ),
        (
            "The former president won the Nobel Peace Prize for mediating an end to the war "
            "between Ethiopia and Eritrea.",
            "Algeria is mediating an end to the war between Ethiopia and Eritrea.",
        ),
    ],
)
def test_mediation_looked_back_on_is_background(
    text: str, near: str, parser: SentenceParser
) -> None:
    # a mediation word under a past relative clause, an anniversary or a prize is history
    assert mediations(text, parser) == [], text
    assert len(mediations(near, parser)) == 1, near


@pytest.mark.parametrize(
    "text",
    [
        "The truce, mediated by Kenya last year between Sudan and South Sudan, has mostly held, "
        "diplomats said.",
        "Two decades ago, Norway brokered a ceasefire between Sri Lanka and the Tamil Tigers.",
    ],
)
def test_mediation_dated_last_year_or_ago_is_history(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == [], text
    near = "Kenya mediated a truce between Sudan and South Sudan last week."
    assert len(mediations(near, parser)) == 1
