"""Role rules of session 12, on own invented sentences (not from any labelled set), each shape in
several wordings with a near miss that must not change: a mediation between a state and a
non-state side (rebels, the opposition, a movement, an armed group of the dictionary) names
that side as the second party, also when the side is the subject, an object of "told" or
only the accuser of the mediator; an armed group (gang, cartel, rebels) that a demonym only
locates is no state as a target."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_parse import one


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        # a coordinated subject: the state's government and a group noun
        (
            "The Philippine government and communist rebels held a fresh round of talks in "
            "Oslo, facilitated by Norway.",
            ["OTHER", "PHL"],
        ),
        # the side is the object of "talks with"
        (
            "Indonesia's government welcomed Finnish mediation in its talks with the separatist "
            "movement in Aceh.",
            ["IDN", "OTHER"],
        ),
        # the side only accuses the mediator, in a clause of its own
        (
            "Senegal pulled out of its mediation in Guinea-Bissau's crisis after opposition "
            "leaders accused Dakar of favouring the president.",
            ["GNB", "OTHER"],
        ),
        # an armed group the dictionary knows, coordinated after "informed"
        (
            "Egypt informed Israel and Hamas on Monday that it would pause its mediation until "
            "both sides showed flexibility.",
            ["ISR", "ORG:hamas"],
        ),
        # the non-state side is the subject, the state is "the government"
        (
            "Senegal's opposition accepted an offer of talks with the government mediated by "
            "Gambia.",
            ["OTHER", "SEN"],
        ),
    ],
)
def test_a_non_state_side_is_the_second_party(
    text: str, parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert got and all(e["ids"]["parties"] == parties for e in got), got


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        # "opposition from" someone is no side of the conflict
        (
            "Kenya offered on Friday to mediate in Somalia's political crisis, despite "
            "opposition from Mogadishu's parliament.",
            ["SOM"],
        ),
        # no non-state side named: one state stays one party
        (
            "Ghana offered to mediate in Togo's political crisis, its foreign minister said.",
            ["TGO"],
        ),
        # two states already: a rebel word elsewhere adds nothing
        (
            "Qatar offered to mediate between Sudan and Chad after rebel raids across their "
            "border.",
            ["SDN", "TCD"],
        ),
    ],
)
def test_no_second_party_without_a_non_state_side(
    text: str, parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1 and got[0]["ids"]["parties"] == parties, got


@pytest.mark.parametrize(
    ("text", "target"),
    [
        # an armed group a demonym only locates: OTHER, in the asset-freeze and the noun frame
        (
            "Washington froze the assets of four Haitian gang leaders on Friday over a wave of "
            "kidnappings.",
            "OTHER",
        ),
        (
            "The European Union imposed sanctions on three Mexican cartel commanders accused of "
            "arms trafficking.",
            "OTHER",
        ),
        (
            "Britain barred two Afghan rebel commanders from entering the country and froze "
            "their assets.",
            "OTHER",
        ),
        # near misses: the state's own officials and army stand for it
        (
            "Washington froze the assets of four Haitian government officials on Friday over "
            "corruption.",
            "HTI",
        ),
        (
            "The European Union imposed sanctions on three Mexican army commanders accused of "
            "abuses.",
            "MEX",
        ),
    ],
)
def test_an_armed_group_named_by_a_demonym_is_no_state(
    text: str, target: str, parser: SentenceParser
) -> None:
    got = one(text, parser)
    assert got["type"] == "sanctions" and got["ids"]["target"] == [target], got
