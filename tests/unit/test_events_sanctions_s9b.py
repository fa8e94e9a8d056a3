"""Sanctions guards of round 9b, on invented sentences (not from any labelled set): calls for
sanctions that someone dismisses, a sanction noun that only names an enforcement mission,
suspended contacts (diplomatic, unlike a state's boycott of all contact), and deliveries
halted over unpaid bills (a commercial dispute); each with a near miss that stays an event."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


@pytest.mark.parametrize(
    "text",
    [
        # a dismissed call: the callers are unnamed, the one who dismisses is no sender
        "Sudan's foreign ministry rejected calls for sanctions as interference on Monday.",
        "Belarus's president brushed aside calls for new sanctions, his spokesman said.",
        # the sanction noun only modifies an enforcement mission
        "NATO extended its arms embargo enforcement mission in the Adriatic by six months.",
        "The bloc renewed its embargo patrols off the Somali coast for another year.",
        # contacts suspended: diplomatic, like breaking relations
        "Algeria suspended contacts with the French embassy over a row about a journalist.",
        "Niger halted contacts with Benin's mission in Niamey, state television said.",
        # deliveries halted over unpaid bills: a commercial dispute
        "Uzbekistan cut gas supplies to Tajikistan on Monday in a row over unpaid bills.",
        "Russia's Gazprom halted gas exports to Moldova, citing arrears of $700 million.",
    ],
)
def test_no_sanction(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # the call itself, not dismissed, stays a call
        (
            "Kenya's foreign minister called for sanctions on Eritrea on Monday.",
            "call",
            ["KEN"],
            ["ERI"],
        ),
        # the embargo itself renewed is an extension
        (
            "NATO extended its arms embargo on Libya by six months.",
            "extend",
            ["IGO:NATO"],
            ["LBY"],
        ),
        # a state's boycott of all contact with another state is a sanction
        (
            "Azerbaijan boycotted all official contact with Armenia on Tuesday.",
            "impose",
            ["AZE"],
            ["ARM"],
        ),
        # a halt named as punishment, with no payment dispute, stays a sanction
        (
            "Uzbekistan cut gas supplies to Tajikistan on Monday in retaliation for the border "
            "closure.",
            "impose",
            ["UZB"],
            ["TJK"],
        ),
    ],
)
def test_near_misses_still_events(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    e = only(text, parser)
    assert e["action"] == action
    assert sorted(a["id"] for a in e["roles"]["sender"]) == sender
    assert sorted(a["id"] for a in e["roles"]["target"]) == target


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # a demonym before goods stands for the state: liquefied natural gas, fertiliser
        (
            "Latvia urged its NATO allies on Friday to ban imports of Russian liquefied "
            "natural gas.",
            "call",
            ["LVA"],
            ["RUS"],
        ),
        (
            "Canada lifted its curbs on Belarusian fertilizer on Wednesday.",
            "lift",
            ["CAN"],
            ["BLR"],
        ),
    ],
)
def test_goods_of_a_state(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    e = only(text, parser)
    assert e["action"] == action
    assert sorted(a["id"] for a in e["roles"]["sender"]) == sender
    assert sorted(a["id"] for a in e["roles"]["target"]) == target


def test_goods_near_miss(parser: SentenceParser) -> None:
    # restrictions on what crosses no border stay domestic
    assert (
        sanctions("Canada lifted its curbs on Belarusian protest groups on Wednesday.", parser)
        == []
    )


@pytest.mark.parametrize(
    ("text", "action", "sender", "target", "negated"),
    [
        # "there were no plans to lift ...": no subject, the speaker is the sender
        (
            "There are no plans to ease the curbs on Iranian shipping, Canada's foreign "
            "minister said on Monday.",
            "ease",
            ["CAN"],
            ["IRN"],
            True,
        ),
        # "held off on" a measure: the measure, negated
        (
            "Ottawa held off on counter-tariffs against American aluminium on Friday.",
            "impose",
            ["CAN"],
            ["USA"],
            True,
        ),
        # "the suspension of X exports to Y" announced: a halt to them
        (
            "Peru's government announced the suspension of copper shipments to Bolivia on Tuesday.",
            "impose",
            ["PER"],
            ["BOL"],
            False,
        ),
    ],
)
def test_withheld_and_nominal_measures(
    parser: SentenceParser,
    text: str,
    action: str,
    sender: list[str],
    target: list[str],
    negated: bool,
) -> None:
    e = only(text, parser)
    assert e["action"] == action
    assert sorted(a["id"] for a in e["roles"]["sender"]) == sender
    assert sorted(a["id"] for a in e["roles"]["target"]) == target
    assert e["negated"] is negated


@pytest.mark.parametrize(
    "text",
    [
        "There are no plans to ease the curbs on street protests, Canada's minister said.",
        "The central bank held off on rate cuts on Friday.",  # no measure on a state
        "Peru's league announced the suspension of two Bolivian players on Tuesday.",
        "The airline announced the suspension of flights to Lagos for maintenance.",
    ],
)
def test_withheld_and_nominal_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        # a passive readmission: the body named by "to"/"into" lifts the suspension
        ("Mali was readmitted to the African Union on Friday after the vote.", "IGO:AU", "MLI"),
        ("Egypt was reinstated into the African Union in June.", "IGO:AU", "EGY"),
    ],
)
def test_passive_readmission(parser: SentenceParser, text: str, sender: str, target: str) -> None:
    e = only(text, parser)
    assert e["action"] == "lift"
    assert e["ids"] == {"sender": [sender], "target": [target]}


@pytest.mark.parametrize(
    "text",
    [
        "The midfielder was readmitted to the national squad on Friday.",
        "Chad's former leader was readmitted to hospital on Friday.",
    ],
)
def test_passive_readmission_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


def test_name_beginning_with_former(parser: SentenceParser) -> None:
    # a name that begins with "former" is the state, unlike "a former Greek official"
    e = only("Athens imposed a trade embargo on the former Yugoslav Republic of Macedonia.", parser)
    assert e["ids"] == {"sender": ["GRC"], "target": ["MKD"]}


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        # a passive halt of what crosses a border: the speaker or the agent is the sender
        (
            "Sales of rare earth magnets to Japanese buyers are now banned, China's commerce "
            "ministry said on Monday.",
            "CHN",
            "JPN",
        ),
        ("Flights to Minsk were halted by Lithuania on Sunday.", "LTU", "BLR"),
    ],
)
def test_passive_halt(parser: SentenceParser, text: str, sender: str, target: str) -> None:
    e = only(text, parser)
    assert e["action"] == "impose"
    assert e["ids"] == {"sender": [sender], "target": [target]}


@pytest.mark.parametrize(
    "text",
    [
        "Exports of maize to Zambia were halted, traders said.",  # nobody named acts
        "Smoking in restaurants is now banned, Ireland's health ministry said.",
        "Exports of rice to Nepal were banned by India to curb domestic inflation.",
    ],
)
def test_passive_halt_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        # a demonym before an armed group's member only locates the group: it is the target
        ("Spain froze the assets of a Malian militia commander on Monday.", "OTHER"),
        ("Britain froze the assets of two Chadian rebel leaders on Monday.", "OTHER"),
        # near miss: a state's officials stand for the state
        ("Britain froze the assets of two Chadian ministers on Monday.", "TCD"),
    ],
)
def test_armed_group_members(parser: SentenceParser, text: str, target: str) -> None:
    e = only(text, parser)
    assert [a["id"].split(":")[0] for a in e["roles"]["target"]] == [target]
