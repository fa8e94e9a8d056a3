"""Sanctions frames of round 13, on invented sentences (not from any labelled set), each shape
in several wordings plus near misses that must not fire: what was cut given back ("restored"
links, aid, licences, a place on a trusted list) is a lift; a promised measure with an "if" or
"unless" condition is a threat; and a threat or option whose measure names no state is aimed at
the state its condition names, or that the remark was about ("asked about", "referring to");
a passive bar from a state's airspace, ports or waters is that state's; and a donor's gift cut
in the passive is cut by the donor its "from" phrase or modifier names."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # what was cut, given back: a lift by the state that restores it
        ("Russia restored air and rail links with Armenia on Monday after a two-month freeze.",
         "lift", ["RUS"], ["ARM"]),
        ("The United States has restored development aid to Niger, the State Department said.",
         "lift", ["USA"], ["NER"]),
        ("Air links between Moscow and Tbilisi were restored by the Russian government on Friday.",
         "lift", ["RUS"], ["GEO"]),
        ("Beijing restored the import licences of three Australian beef exporters.",
         "lift", ["CHN"], ["AUS"]),
        ("Tokyo will restore Seoul to its list of trusted trading partners, the trade ministry "
         "said.", "lift", ["JPN"], ["KOR"]),
        # a body gives a member back its seat or membership
        ("The African Union restored Guinea's membership on Friday after the elections.",
         "lift", ["IGO:AU"], ["GIN"]),
        ("The Arab League restored Syria's seat at a summit in Jeddah.",
         "lift", ["IGO:ARL"], ["SYR"]),
        # barred in the passive from a state's airspace, ports or waters: that state acts
        ("Russian airlines were barred from Canadian airspace on Sunday.",
         "impose", ["CAN"], ["RUS"]),
        ("North Korean fishing boats are now barred from Japanese waters, the coast guard said.",
         "impose", ["JPN"], ["PRK"]),
        ("Belarusian carriers were banned from European Union airspace on Friday.",
         "impose", ["IGO:EU"], ["BLR"]),
        # what a donor gives, cut in the passive: the donor ("from", a modifier) acts
        ("Malawi's budget support from Britain and Norway was frozen on Friday.",
         "impose", ["GBR", "NOR"], ["MWI"]),
        ("Ethiopia's EU aid was suspended after the election.", "impose", ["IGO:EU"], ["ETH"]),
        # a measure promised on a condition: a threat, aimed at the state of the condition
        ("Turkey will retaliate with tariffs if Washington goes ahead with the steel duties, the "
         "trade minister said.", "threaten", ["TUR"], ["USA"]),
        ("Vietnam would suspend fisheries cooperation if Beijing kept seizing its boats, Hanoi "
         "said.", "threaten", ["VNM"], ["CHN"]),
        ("Nigeria said it would halt oil shipments to Ghana unless Accra freed the detained "
         "traders.", "threaten", ["NGA"], ["GHA"]),
        ("Ankara is prepared to impose tariffs on Greek goods if Athens keeps the port "
         "closed, the minister said.", "threaten", ["TUR"], ["GRC"]),
        # an option whose measure names no state: the condition's state, or the one asked about
        ("An arms embargo remains one of the options unless Khartoum lets aid convoys through, "
         "Britain's envoy said.", "threaten", ["GBR"], ["SDN"]),
        ('"A ban on gas imports is among the steps we are weighing," Italy\'s prime minister '
         "said, referring to Algeria.", "threaten", ["ITA"], ["DZA"]),
        ("'Trade curbs are one option we are studying,' Japan's foreign minister told reporters "
         "when asked about Russia.", "threaten", ["JPN"], ["RUS"]),
    ],
)  # fmt: skip
def test_round13_measures(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, sender, target)
    assert not e["negated"]


@pytest.mark.parametrize(
    "text",
    [
        "The club restored the player's membership after an appeal.",
        "Police restored order in the capital after two days of rioting.",
        "Bahrain and Qatar agreed to restore diplomatic relations after talks in Riyadh.",
        "The airline restored flights to Turkey after the storm.",
        "The minister said the plan remains an option if the weather improves.",
        "Tariffs on steel remain an option if domestic producers keep losing market share, the "
        "minister said.",
        "China will respond with countermeasures if the company persists, a spokesman warned.",
        "He was banned from the stadium for three years.",
        "Trucks were banned from the city centre during the summit.",
        "Aid from the charity was suspended after the storm.",
        "Flights from Britain to Spain were suspended because of fog.",
        "The shipment from Germany was halted at the port because of a strike.",
        "Ghana warned it would cut off electricity supplies to Togo unless Lome settled its debts.",
    ],
)
def test_round13_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []
