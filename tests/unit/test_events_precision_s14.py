"""Precision rules of session 14, on own invented paraphrases (not from any labelled set): a
mediation that is only the content of another verb's complement takes that verb's action (a
rejected suggestion that X mediate is a rejection, wanting or calling for X to mediate is a
request, agreeing to let X mediate is an acceptance), so the sentence gives no false
``mediate``. Near misses keep their action: the would-be mediator agreeing, a participle that
describes a deal, a mediation told in the main clause. Mediated talks or a mediating role that
are called off, broken off or put on hold (also in the passive), and a mediated "dialogue" that
collapses, are a ``halt``; talks with no mediator that stop are no event.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_mediation_s9 import ids


@pytest.mark.parametrize(
    ("text", "action", "mediator"),
    [
        (
            "Cambodia on Tuesday rejected the idea that Japan mediate its border quarrel with "
            "Thailand.",
            "reject",
            ["JPN"],
        ),
        (
            "Morocco has firmly rejected the notion, raised by Spanish officials last month, that "
            "Madrid mediate its quarrel with Algeria.",
            "reject",
            ["ESP"],
        ),
        (
            "The opposition called for the Catholic bishops to be brought back as mediators in "
            "the stalled dialogue with Managua.",
            "request",
            None,
        ),
        (
            "Mali's junta wants the Algerian government, rather than France, to broker any new "
            "accord with the northern rebels.",
            "request",
            None,
        ),
        (
            "Serbia and Kosovo agreed in Brussels on Monday to put their energy dispute to "
            "mediation by the European Union.",
            "accept",
            ["IGO:EU"],
        ),
        (
            "Guatemala's government and the guerrilla command agreed after a week of contacts to "
            "let a commission of Latin American bishops mediate their talks.",
            "accept",
            None,
        ),
    ],
)
def test_mediation_in_a_complement_takes_the_governing_action(
    text: str, action: str, mediator: list[str] | None, parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == [action], got
    if mediator is not None:
        assert ids(got[0], "mediator") == mediator


@pytest.mark.parametrize(
    ("text", "action"),
    [
        # the cue's subject is the mediator itself: its own offer, no acceptance
        ("Turkey agreed to mediate between Ukraine and Russia on grain exports.", "offer"),
        # a participle describes the deal: the mediation happened
        ("Jordan said the truce Egypt brokered between Israel and Hamas was holding.", "mediate"),
        # the request sits in a relative clause; the main clause reports the mediation
        (
            "Norway, which both sides had asked for help, is mediating between Colombia and the "
            "ELN rebels.",
            "mediate",
        ),
    ],
)
def test_mediation_near_misses_keep_their_action(
    text: str, action: str, parser: SentenceParser
) -> None:
    assert [e["action"] for e in mediations(text, parser)] == [action]


@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        (
            "Norway's role as facilitator of the talks between Colombia and the ELN was put on "
            "hold after a car bombing in Bogota.",
            ["NOR"],
        ),
        (
            "The Qatari-brokered negotiations between Kabul and the Taliban were put on hold "
            "indefinitely.",
            ["QAT"],
        ),
        (
            "The Turkish-mediated talks between Kyiv and Moscow were called off on Friday after "
            "a missile strike.",
            ["TUR"],
        ),
        (
            "Negotiations between Khartoum and the rebels, sponsored by IGAD, broke off in Addis "
            "Ababa on Monday.",
            ["IGO:IGAD"],
        ),
        (
            "The dialogue between Caracas and the opposition, facilitated by Norway, collapsed "
            "after two rounds.",
            ["NOR"],
        ),
    ],
)
def test_mediated_talks_called_off_or_on_hold_are_a_halt(
    text: str, mediator: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["halt"], got
    assert ids(got[0], "mediator") == mediator


@pytest.mark.parametrize(
    "text",
    [
        "Washington called off a planned meeting with Pyongyang's envoy on Tuesday.",
        "The talks between Israel and Hamas broke off on Thursday, officials said.",
    ],
)
def test_unmediated_talks_that_stop_are_no_mediation(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []
