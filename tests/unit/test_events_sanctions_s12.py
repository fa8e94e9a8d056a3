"""Sanctions frames of round 12, on invented sentences (not from any labelled set), each shape
in several wordings plus near misses that must not fire (or not that way): a stoppage a state
is told it will face, an ultimatum whose speakers are coordinated after it, a call whose
sender is the one who urges (not the body urged), a cut in the passive (the state warned of
it as target), a member's seat or rights suspended by its body, a bar "from entry", a state
struck "off" a list, and a measure a state is "hit with" whose sender only modifies it."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


@pytest.mark.parametrize(
    ("text", "action", "sender", "target", "hypothetical"),
    [
        # what a state is told it will lose: a threat by the speaker or the owner of what is cut
        (
            "Zambia may face a suspension of British budget support unless the election is "
            "rerun, London warned.",
            "threaten",
            ["GBR"],
            ["ZMB"],
            True,
        ),
        (
            "Belgrade could face the withdrawal of EU aid if it keeps stalling, a Commission "
            "official said.",
            "threaten",
            ["IGO:EU"],
            ["SRB"],
            True,
        ),
        (
            "Haiti must hold the vote by March or face an end to development aid, Canada said.",
            "threaten",
            ["CAN"],
            ["HTI"],
            True,
        ),
        # an ultimatum whose speakers the parse coordinates after it
        (
            "Minsk must free the pilots within a week or face further measures, Poland and "
            "Lithuania warned on Monday.",
            "threaten",
            ["LTU", "POL"],
            ["BLR"],
            True,
        ),
        # a cut in the passive: the agent, the speaker or the one who warns acts
        (
            "Washington warned Kampala that its military aid could be suspended.",
            "threaten",
            ["USA"],
            ["UGA"],
            True,
        ),
        (
            "New loans to Zimbabwe were suspended by the World Bank after the vote.",
            "impose",
            ["IGO:WB"],
            ["ZWE"],
            False,
        ),
        (
            "Grain deliveries to Belarus were halted on Monday, Ukraine's farm ministry said.",
            "impose",
            ["UKR"],
            ["BLR"],
            False,
        ),
        # a member's seat or rights, suspended by its body
        (
            "The Arab League suspended Libya's seat on Saturday.",
            "impose",
            ["IGO:ARL"],
            ["LBY"],
            False,
        ),
        (
            "The African Union froze Sudan's voting rights in the bloc after the coup.",
            "impose",
            ["IGO:AU"],
            ["SDN"],
            False,
        ),
        # barred "from entry", as "from entering"
        (
            "Moscow barred nine Estonian officials from entry on Tuesday.",
            "impose",
            ["RUS"],
            ["EST"],
            False,
        ),
        # struck "off" a list, as removed "from" it: a privilege withdrawn, a designation lifted
        (
            "Canberra struck Beijing off its list of preferred suppliers after the row.",
            "impose",
            ["AUS"],
            ["CHN"],
            False,
        ),
        (
            "Washington struck Cuba off its terrorism blacklist on Tuesday.",
            "lift",
            ["USA"],
            ["CUB"],
            False,
        ),
        # hit with a measure in the passive, its sender named only as the measure's modifier
        (
            "Belarus was hit with an EU flight ban after the forced landing.",
            "impose",
            ["IGO:EU"],
            ["BLR"],
            False,
        ),
        (
            "Canadian canola was slapped with Chinese import curbs in March.",
            "impose",
            ["CHN"],
            ["CAN"],
            False,
        ),
        (
            "Iran's airline was hit with a U.S. export ban on spare parts.",
            "impose",
            ["USA"],
            ["IRN"],
            False,
        ),
        (
            "Tokyo threatened to bar Chinese officials' relatives from entry.",
            "threaten",
            ["JPN"],
            ["CHN"],
            False,
        ),
    ],
)
def test_round12_measures(
    parser: SentenceParser,
    text: str,
    action: str,
    sender: list[str],
    target: list[str],
    hypothetical: bool,
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, sender, target)
    assert e["hypothetical"] is hypothetical and not e["negated"]


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        ("Estonia's prime minister called for the European Union to halt all flights to Belarus.",
         ["EST"], ["BLR"]),
        ("Argentina's foreign minister called for the OAS to suspend Nicaragua.", ["ARG"], ["NIC"]),
        ("Lithuania pressed the EU to freeze the assets of Belarusian state banks.", ["LTU"],
         ["BLR"]),
    ],
)  # fmt: skip
def test_the_one_who_urges_a_cut_calls(
    parser: SentenceParser, text: str, sender: list[str], target: list[str]
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == ("call", sender, target)


@pytest.mark.parametrize(
    "text",
    [
        # a loss that is no measure
        "Exporters could face higher costs, the Japanese trade ministry said.",
        "Farmers could face a loss of income this winter, Ireland's agriculture minister warned.",
        # a decision welcomed: no call
        "Brazil welcomed the decision of the OAS to suspend Honduras.",
        # what is suspended in the passive is no cut object
        "Washington warned Cairo that the talks could be suspended.",
        # a firm's flights, no state acting
        "Flights to Kenya were cancelled after the crash, the airline said.",
        # rights and seats that no body of states holds
        "The junta suspended the voting rights of opposition lawmakers.",
        "The club suspended Brazil's seat on its board.",
        # one private person or a domestic ban from entry
        "Britain barred the Russian tennis player from entry.",
        "The court barred Kenyan protesters from entry to the parliament.",
        # a sport body's ban: no state sends it
        "The Argentine team was hit with a FIFA transfer ban.",
        # lists that grant no trade privilege and designate no one
        "The league struck the club off its list of approved venues.",
        "Seoul struck Tokyo off its list of dinner guests.",
    ],
)
def test_round12_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []
