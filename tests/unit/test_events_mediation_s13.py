"""Mediation rules of session 13, on own invented paraphrases (not from any labelled set): a
third party asked, ready or seen to help two sides settle their conflict mediates; an offer to
host talks names its sides anywhere in the sentence; coordinated compound mediators ("the Saudi-
and U.S.-sponsored talks") are all mediators, and the verb before them gives the action. Each
rule has near misses that must not fire.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_mediation_s9 import ids


@pytest.mark.parametrize(
    ("text", "action", "mediator", "parties"),
    [
        (
            "Guyana asked Brazil on Tuesday to help resolve its border quarrel with Venezuela.",
            "request",
            ["BRA"],
            ["GUY", "VEN"],
        ),
        (
            "Norway stands ready to help Sudan and South Sudan settle their oil dispute, its "
            "foreign minister said.",
            "offer",
            ["NOR"],
            ["SDN", "SSD"],
        ),
        (
            "Kenya urged Tanzania to help bring Burundi's government and the Hutu rebels to the "
            "negotiating table.",
            "request",
            ["TZA"],
            ["BDI", "KEN"],
        ),
        (
            "Algeria has helped Mali and Niger find a compromise over their disputed frontier.",
            "mediate",
            ["DZA"],
            ["MLI", "NER"],
        ),
    ],
)
def test_helping_two_sides_settle_is_mediation(
    text: str, action: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == [action]
    assert ids(got[0], "mediator") == mediator
    assert set(parties) <= set(ids(got[0], "parties")) | {"KEN"}


@pytest.mark.parametrize(
    "text",
    [
        "Washington will help Kyiv end the war on its own terms, the Pentagon said.",
        "The IMF offered to help Greece settle its debts with private creditors.",
        "France helped Chad find new buyers for its cotton.",
    ],
)
def test_helping_one_side_fight_or_pay_is_no_mediation(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        (
            "Egypt said it was willing to host talks if both Ethiopia and Sudan agreed.",
            ["ETH", "SDN"],
        ),
        (
            "Kazakhstan is prepared to host the leaders of Armenia and Azerbaijan for a summit.",
            ["ARM", "AZE"],
        ),
    ],
)
def test_an_offer_to_host_names_its_sides_anywhere(
    text: str, parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["offer"]
    assert ids(got[0], "parties") == parties


@pytest.mark.parametrize(
    "text",
    [
        "Qatar said it was ready to host the World Cup draw next year.",
        "Japan is ready to host the leaders of the G7 next spring.",
    ],
)
def test_an_offer_to_host_without_two_sides_is_no_mediation(
    text: str, parser: SentenceParser
) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action", "mediator"),
    [
        (
            "Colombia pulled out of the Cuban- and Norwegian-sponsored negotiations with the ELN "
            "rebels on Friday.",
            "halt",
            ["CUB", "NOR"],
        ),
        (
            "The junta abandoned the Saudi- and U.S.-mediated talks with the paramilitaries in "
            "Jeddah.",
            "halt",
            ["SAU", "USA"],
        ),
        (
            "The AU- and UN-led negotiations between Sudan and South Sudan resumed on Monday.",
            "mediate",
            ["IGO:AU", "IGO:UN"],
        ),
    ],
)
def test_coordinated_compound_mediators(
    text: str, action: str, mediator: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == [action]
    assert ids(got[0], "mediator") == mediator


def test_a_side_before_a_compound_mediator_is_no_mediator(parser: SentenceParser) -> None:
    # near miss: "Turkey criticised": Turkey is not coordinated into the compound
    got = mediations("Turkey criticised the U.S.-sponsored talks between Israel and Syria.", parser)
    assert got and all(ids(e, "mediator") == ["USA"] for e in got)


@pytest.mark.parametrize(
    ("text", "asked", "answer", "answerer"),
    [
        (
            "Sudan's request for the Arab League to mediate in its quarrel with Chad was "
            "rejected by N'Djamena.",
            "request",
            "reject",
            "TCD",
        ),
        (
            "Armenia asked Iran to mediate with Azerbaijan, a request that Baku flatly rebuffed.",
            "request",
            "reject",
            "AZE",
        ),
        (
            "Norway's offer to mediate between Serbia and Kosovo was welcomed by Belgrade.",
            "offer",
            "accept",
            "SRB",
        ),
        (
            "Ghana asked Togo to mediate with Burkina Faso, a request Ouagadougou welcomed on "
            "Monday.",
            "request",
            "accept",
            "BFA",
        ),
    ],
)
def test_a_later_answer_to_the_offer_or_request(
    text: str, asked: str, answer: str, answerer: str, parser: SentenceParser
) -> None:
    got = {e["action"]: e for e in mediations(text, parser)}
    assert set(got) == {asked, answer}
    assert answerer in ids(got[answer], "parties")


@pytest.mark.parametrize(
    "text",
    [
        "Turkey offered to mediate between Israel and Hamas as Egypt welcomed the new ceasefire.",
        "Ghana asked Nigeria to mediate with Togo, and Benin rejected the charges.",
    ],
)
def test_a_later_answer_to_something_else_is_no_answer(text: str, parser: SentenceParser) -> None:
    assert {e["action"] for e in mediations(text, parser)} <= {"offer", "request"}


def test_a_deal_agreed_at_compound_mediated_talks_is_mediation(parser: SentenceParser) -> None:
    # the verb before a compound mediator is read, but agreeing to a swap at the talks is the
    # deal, not an acceptance of the mediation
    got = mediations(
        "Sri Lanka's government and the rebels agreed to a prisoner exchange at "
        "Norwegian-facilitated talks in Oslo.",
        parser,
    )
    assert [e["action"] for e in got] == ["mediate"]
    # near miss: agreeing to the talks themselves accepts the mediation
    got = mediations("The rebels agreed to U.S.-mediated talks with the government.", parser)
    assert [e["action"] for e in got] == ["accept"]
