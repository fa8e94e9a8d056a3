"""Sanctions recall of round 14, on invented sentences (not from any labelled set): what a state
cuts named in other words (commerce, its skies, transfers of revenue, goods, cargo), and goods
named by where they go or come from ("wine shipped from X", "goods bound for or coming from
X"); each with near misses that must stay silent (no state sender, no foreign state, weather)."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


def _assert_only(
    text: str, parser: SentenceParser, action: str, sender: list[str], target: list[str]
) -> dict:
    """The text's one sanctions event, checked for its action, senders and targets."""
    ev = only(text, parser)
    assert ev["action"] == action
    assert [a["id"] for a in ev["roles"]["sender"]] == sender
    assert sorted(a["id"] for a in ev["roles"]["target"]) == sorted(target)
    return ev


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # what is cut, in other words
        ("Ecuador halted all commerce with Peru after the border shooting.", "impose", ["ECU"],
         ["PER"]),
        ("Chile closed its skies to Bolivian airlines on Friday.", "impose", ["CHL"], ["BOL"]),
        ("Kenya froze the transfer of customs revenues to Somalia over the maritime row.",
         "impose", ["KEN"], ["SOM"]),
        ("Hungary halted cargo bound for Serbia on Thursday, the government said.", "impose",
         ["HUN"], ["SRB"]),
        # goods named by where they go or come from
        ("Thailand banned rice imports shipped from Cambodia in the border dispute.", "impose",
         ["THA"], ["KHM"]),
        ("Bulgaria shut its frontier to lorries arriving from Romania.", "impose",
         ["BGR"], ["ROU"]),
        ("Uruguay suspended all shipments sent to Argentina until the bridge blockade ends.",
         "impose", ["URY"], ["ARG"]),
    ],
)  # fmt: skip
def test_cut_in_other_words(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    _assert_only(text, parser, action, sender, target)


@pytest.mark.parametrize(
    "text",
    [
        # no state acts, or no foreign state is named, or it is the weather
        "The weather closed the skies over Chile on Friday.",
        "Online commerce with China grew strongly last year, the survey showed.",
        "The retailer halted goods shipped from Vietnam after a labelling error.",
        "The court froze the transfer of the club's revenues to its new owner.",
        "Peru halted all commerce in the capital during the holiday.",
    ],
)
def test_cut_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # economic, trade or military ties cut: a sanction (diplomatic ties are not)
        ("Ghana froze trade relations with Togo after the border incident.", "impose", ["GHA"],
         ["TGO"]),
        ("Australia suspended defence ties with Fiji after the coup, the minister said.",
         "impose", ["AUS"], ["FJI"]),
        ("Nigeria severed all economic ties with Niger on Sunday.", "impose", ["NGA"], ["NER"]),
        # threatened, whatever the measure verb: a threat, not an imposition
        ("Washington threatened to designate three Chinese shipping firms.", "threaten", ["USA"],
         ["CHN"]),
        ("Seoul threatened on Friday to strike Japan off its list of preferred suppliers.",
         "threaten", ["KOR"], ["JPN"]),
        ("Canada threatened to halt all shipments sent to India over the killing.", "threaten",
         ["CAN"], ["IND"]),
    ],
)  # fmt: skip
def test_ties_and_threats(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    ev = _assert_only(text, parser, action, sender, target)
    assert ev["hypothetical"] is False


@pytest.mark.parametrize(
    "text",
    [
        "Peru suspended diplomatic ties with Mexico on Monday.",
        "Nigeria severed diplomatic relations with Niger on Sunday.",
        "The two firms froze their commercial relations after the lawsuit.",
    ],
)
def test_ties_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


def test_designated_stays_imposed(parser: SentenceParser) -> None:
    """The near miss of the threat: the designation itself, taken, is an imposition."""
    assert only("Washington designated three Chinese shipping firms.", parser)["action"] == "impose"


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # a restriction on a state itself is punitive, whatever it restricts
        ("Washington tightened restrictions on Cuba on Friday.", "extend", ["USA"], ["CUB"]),
        ("Canada lifted its restrictions on Libya after the elections.", "lift", ["CAN"],
         ["LBY"]),
        ("Japan relaxed its curbs on Myanmar for three months on Monday.", "ease", ["JPN"],
         ["MMR"]),
    ],
)  # fmt: skip
def test_restrictions_on_a_state(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    _assert_only(text, parser, action, sender, target)


@pytest.mark.parametrize(
    "text",
    [
        # on people, on protests, or on a territory: no state is restricted
        "Peru imposed restrictions on Syrian refugees last week.",
        "Beijing imposed new restrictions on protests in the capital.",
        "Israel eased restrictions on Gaza after the truce.",
    ],
)
def test_restrictions_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []
