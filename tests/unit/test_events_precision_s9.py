"""Precision guards of session 9, on own invented sentences (not from any labelled set): ordinary
news that uses the event words for something the contract does not count, each next to a near
real event of the same shape that must still fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_parse import events


@pytest.mark.parametrize(
    "text",
    [
        # civil disputes: neighbours, households, a court-appointed mediator
        "A quarrel between two Dorset households over a shared driveway ended when a "
        "court-appointed mediator stepped in.",
        "Neighbours' feud over a garden wall in Lyon ends in court mediation",
        # commercial disputes and corporate deals
        "Carlow Shipping and supplier agree to mediation in contract row",
        "A commercial mediator will try to resolve the dispute between Norvik Steel and the "
        "Dutch bottling firm.",
        "Kemble Group sells its drinks unit in a deal brokered by an investment bank",
        # sport: a club's owners and its fans
        "Ex-striker brokers truce between Millbrook Rovers owners and fans",
    ],
)
def test_civil_and_commercial_mediation_is_no_event(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        # the same shapes with states as sides stay events
        (
            "Qatar agreed to mediate between Chad and Sudan over their border dispute.",
            ["QAT"],
            ["SDN", "TCD"],
        ),
        (
            "Norway brokered a truce between Colombia and Venezuela.",
            ["NOR"],
            ["COL", "VEN"],
        ),
        # a state-brokered deal in a sentence that also mentions a contract or supplier
        (
            "Turkey brokered a deal between Russia and Ukraine on grain contracts.",
            ["TUR"],
            ["RUS", "UKR"],
        ),
    ],
)
def test_state_mediation_of_the_same_shape_stays(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == mediator
    assert got[0]["ids"]["parties"] == parties


def test_a_state_mediator_between_a_firm_and_its_workers_is_domestic(
    parser: SentenceParser,
) -> None:
    text = (
        "Chile's labour ministry appointed a mediator between Codelco and striking miners on "
        "Tuesday."
    )
    assert mediations(text, parser) == []


def sanctions(text: str, parser: SentenceParser) -> list[dict[str, Any]]:
    return [e for e in events(text, parser) if e["type"] == "sanctions"]


@pytest.mark.parametrize(
    "text",
    [
        "Thailand lifted its ban on rice exports to Laos as domestic supplies improved.",
        "Vietnam halted sugar exports to Cambodia to keep local prices in check.",
        "Kazakhstan banned wheat shipments to Kyrgyzstan to protect domestic supply.",
    ],
)
def test_an_export_ban_for_the_home_market_is_no_sanction(
    text: str, parser: SentenceParser
) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        (
            "Thailand lifted its ban on rice exports to Laos after the border dispute was settled.",
            "lift",
            ["THA"],
            ["LAO"],
        ),
        (
            "Vietnam halted sugar exports to Cambodia in retaliation for the border incident.",
            "impose",
            ["VNM"],
            ["KHM"],
        ),
        (
            "China banned exports of gallium to the United States on Tuesday.",
            "impose",
            ["CHN"],
            ["USA"],
        ),
    ],
)
def test_a_punitive_export_ban_stays(
    text: str, action: str, sender: list[str], target: list[str], parser: SentenceParser
) -> None:
    got = sanctions(text, parser)
    assert len(got) == 1, got
    assert (got[0]["action"], got[0]["ids"]["sender"], got[0]["ids"]["target"]) == (
        action,
        sender,
        target,
    )


@pytest.mark.parametrize(
    "text",
    [
        "A former UN mediator in the Cyprus talks, now a lecturer in Geneva, published a book "
        "about the negotiations on Monday.",
        "The ex-mediator of the AU in the Sudan talks gave a lecture at Oxford on Thursday.",
    ],
)
def test_a_former_mediator_is_a_cv_not_an_event(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        ("A former Norwegian diplomat is mediating between Colombia and the ELN rebels.", ["NOR"]),
        ("The UN mediator in the Cyprus talks met both leaders in Nicosia on Monday.", ["IGO:UN"]),
    ],
)
def test_a_serving_mediator_stays(text: str, mediator: list[str], parser: SentenceParser) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == mediator


@pytest.mark.parametrize(
    "text",
    [
        "Germany's chancellor said sanctions alone could not end the conflict, and urged talks "
        "with Moscow.",
        "The French president said EU sanctions would not end Russia's war on their own.",
    ],
)
def test_what_sanctions_do_is_no_lift(text: str, parser: SentenceParser) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    "text",
    [
        "Sanctions on Belarus were lifted by the EU on Monday.",
        "The EU ended its sanctions on Belarus on Monday.",
    ],
)
def test_sanctions_that_are_ended_stay_a_lift(text: str, parser: SentenceParser) -> None:
    got = sanctions(text, parser)
    assert [(e["action"], e["ids"]["sender"], e["ids"]["target"]) for e in got] == [
        ("lift", ["IGO:EU"], ["BLR"])
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Poland's miners' union accepted the mediators' plan for a four-day week.",
        "Canada's postal workers accepted mediation in their contract dispute.",
        "Spain's rail workers rejected mediation in their dispute over pay.",
    ],
)
def test_a_state_that_only_owns_a_union_is_no_side(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action", "parties"),
    [
        (
            "Spain's government rejected mediation in its dispute with Morocco over the workers "
            "held at the border.",
            "reject",
            ["ESP", "MAR"],
        ),
        (
            "Sudan's government agreed to African Union mediation with the rebels.",
            "accept",
            ["OTHER", "SDN"],
        ),
    ],
)
def test_a_state_side_of_the_same_shape_stays(
    text: str, action: str, parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [(e["action"], e["ids"]["parties"]) for e in got] == [(action, parties)]
