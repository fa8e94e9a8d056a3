"""Sanctions rules of round 9, on invented sentences (not from any labelled set): roles the
parse carried but the frames lost (a gerund's subject, states counted one by one, an apposed
list of senders, an agent after a "by" of duration, a state's firms), measures named by a halt
or a raised rate, a passive "hit with" whose agent hangs on the goods; each with a near miss."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # the subject of a gerund in the measure's phrase is what the measure is on
        (
            "Australia extended its ban on Iranian tankers docking at its harbours until 2028.",
            "extend",
            ["AUS"],
            ["IRN"],
        ),
        (
            "Seoul renewed its ban on Syrian vessels entering its waters for three more years.",
            "extend",
            ["KOR"],
            ["SYR"],
        ),
        # states counted one by one in one noun phrase are all targets
        (
            "Norway froze the accounts of five Syrian and three Libyan state shipping firms.",
            "impose",
            ["NOR"],
            ["LBY", "SYR"],
        ),
        (
            "Ottawa said it had frozen the holdings of two Belgian and four Dutch officials.",
            "impose",
            ["CAN"],
            ["BEL", "NLD"],
        ),
        # a list of states apposed to "three Nordic countries" is the sender
        (
            "Three Nordic countries - Norway, Sweden and Finland - froze their aid to Mali, "
            "accusing the junta of abuses.",
            "impose",
            ["FIN", "NOR", "SWE"],
            ["MLI"],
        ),
        # the first "by" of a passive is a duration, the second the agent
        (
            "Curbs on exports of Russian timber were extended by six months by Finland on Monday.",
            "extend",
            ["FIN"],
            ["RUS"],
        ),
        # a state's firms stand for the state as target
        (
            "The U.S. Treasury imposed sanctions on three Turkish banks on Friday.",
            "impose",
            ["USA"],
            ["TUR"],
        ),
        # a halt ordered to what crosses a border, investment in a state
        (
            "Moscow ordered a halt to Georgian wine imports after the row over the pipeline.",
            "impose",
            ["RUS"],
            ["GEO"],
        ),
        (
            "Britain ordered a halt to new investment in Syria by British firms.",
            "impose",
            ["GBR"],
            ["SYR"],
        ),
        # a raised punitive rate is an imposition (DEV-11.md)
        (
            "Washington hiked tariffs on Indian textiles to 40 percent on Tuesday.",
            "impose",
            ["USA"],
            ["IND"],
        ),
        # "hit with a ban on its exports by X": the agent hangs on the goods
        (
            "Moldova was hit with a ban on its fruit exports by Russia on Monday.",
            "impose",
            ["RUS"],
            ["MDA"],
        ),
    ],
)
def test_roles_and_measures(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, sender, target)
    assert not e["negated"] and not e["hypothetical"]


@pytest.mark.parametrize(
    "text",
    [
        # a halt to something that crosses no border
        "The president ordered a halt to the shelling of the northern suburbs.",
        # a raised domestic duty names no foreign state
        "Malaysia raised export duties on crude palm oil to cool domestic prices.",
        # a firm's own measure: no state acts
        "Two Chinese banks raised their lending rates on Monday.",
        # counted nationalities of victims, no measure
        "Three British and two German tourists were injured in the crash.",
    ],
)
def test_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    "text",
    [
        # a state restricting its own exports for its home market, a destination named
        "Vietnam lifted its curbs on rice exports to the Philippines once domestic stocks "
        "had recovered.",
        "India banned sugar exports to Bangladesh on Monday, citing shortages at home.",
        # sanctions as the subject that acts on something else
        "Sanctions alone will not stop the fighting in Sudan, the AU envoy warned.",
        "Canada's prime minister said the embargo would not end the war, but that the "
        "pressure on Moscow must continue.",
    ],
)
def test_no_sanction(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action", "target"),
    [
        # near misses of the two rules above: an export ban without a home-market reason,
        # and sanctions that end by themselves (an expiry)
        (
            "China banned exports of graphite to Japan on Tuesday, citing national security.",
            "impose",
            "JPN",
        ),
        ("U.N. sanctions on Eritrea will end in November, diplomats said.", "lift", "ERI"),
    ],
)
def test_near_misses_still_events(
    parser: SentenceParser, text: str, action: str, target: str
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["target"]) == (action, [target])


@pytest.mark.parametrize(
    ("text", "negated", "hypothetical"),
    [
        # "ruled out" withholds the measure: negated, not a hypothesis
        (
            "Seoul ruled out on Friday joining the oil embargo on Iran, citing its refiners.",
            True,
            False,
        ),
        ("Canberra has ruled out retaliatory tariffs on Chinese steel for now.", True, False),
    ],
)
def test_ruled_out(parser: SentenceParser, text: str, negated: bool, hypothetical: bool) -> None:
    e = only(text, parser)
    assert (e["negated"], e["hypothetical"]) == (negated, hypothetical)


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # what is cut, put on hold: by the subject, or in a passive by its owner
        (
            "The EU put its budget support to Mali on hold after the coup.",
            "impose",
            ["IGO:EU"],
            ["MLI"],
        ),
        (
            "IMF loans to Sri Lanka were put on hold on Friday, the fund's spokesman said.",
            "impose",
            ["IGO:IMF"],
            ["LKA"],
        ),
        # an IGO lifting a member's suspension
        ("The Arab League ended the suspension of Syria on Sunday.", "lift", ["IGO:ARL"], ["SYR"]),
        ("ECOWAS lifted Mali's suspension after the elections.", "lift", ["IGO:ECOWAS"], ["MLI"]),
    ],
)
def test_on_hold_and_suspension_lifted(
    parser: SentenceParser, text: str, action: str, sender: list[str], target: list[str]
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, sender, target)


@pytest.mark.parametrize(
    "text",
    [
        "The club put the striker's transfer to Spain on hold.",
        "The league ended the player's suspension after an appeal.",
        "Kenya lifted the suspension of the opposition newspaper.",
    ],
)
def test_on_hold_and_suspension_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        # what must or should be done, in reported speech: the speaker's call
        (
            "A ban on Russian diamonds must be part of the next package, Belgium's prime "
            "minister said.",
            "BEL",
            "RUS",
        ),
        (
            "Curbs on Iranian oil should be tightened further, Israel's foreign minister said.",
            "ISR",
            "IRN",
        ),
        # "the junta in Bamako" names the state, not a place
        (
            "Sanctions on the junta in Bamako must be tightened, Senegal's president said.",
            "SEN",
            "MLI",
        ),
    ],
)
def test_demanded_is_a_call(parser: SentenceParser, text: str, sender: str, target: str) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == ("call", [sender], [target])
    assert not e["hypothetical"] and not e["negated"]


@pytest.mark.parametrize(
    "text",
    [
        # a measure that should not be taken is no call
        "A ban on Russian diamonds should not be part of the package, Belgium's prime "
        "minister said.",
        # an obligation with no measure on a state
        "Prices on the domestic market must be stabilised, the finance minister said.",
    ],
)
def test_demanded_near_misses(parser: SentenceParser, text: str) -> None:
    assert [e for e in sanctions(text, parser) if e["action"] == "call"] == []


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # more names on a list named for a state: a tightening of that regime
        ("Canada added 12 people to its Belarus sanctions list on Monday.", "extend", "CAN", "BLR"),
        # a measure that takes effect, announced by a state (a ministry "in" its capital)
        (
            "A ban on Russian oil imports came into force on Monday, the EU said.",
            "impose",
            "IGO:EU",
            "RUS",
        ),
        (
            "An entry ban on nine Sudanese generals took effect on Friday, the foreign ministry "
            "in Oslo said.",
            "impose",
            "NOR",
            "SDN",
        ),
    ],
)
def test_list_and_in_force(
    parser: SentenceParser, text: str, action: str, sender: str, target: str
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, [sender], [target])


@pytest.mark.parametrize(
    "text",
    [
        "The EU added 20 people to its sanctions list.",  # no state named
        "A ban on smoking in bars took effect on Monday, the ministry in Paris said.",
        "The ceasefire took effect at midnight, Egypt's foreign ministry said.",
    ],
)
def test_list_and_in_force_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # a border shut to trade with a state is a trade embargo
        ("Baku shut its border to all trade with Armenia on Friday.", "impose", "AZE", "ARM"),
        # rights groups urging a state: a call by a non-state caller
        (
            "Rights groups urged London on Friday to impose entry bans on Burundian officials.",
            "call",
            "OTHER",
            "BDI",
        ),
    ],
)
def test_border_and_campaigners(
    parser: SentenceParser, text: str, action: str, sender: str, target: str
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, [sender], [target])


@pytest.mark.parametrize(
    "text",
    [
        "Greece closed its border to refugees from Turkey.",  # a closure, not a trade embargo
        "Ankara shut its border with Syria on Monday, citing security.",
        "Campaign groups urged the club to impose bans on Russian players.",  # no state urged
    ],
)
def test_border_and_campaigners_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


def test_inquiry_topic_is_no_health_measure(parser: SentenceParser) -> None:
    """A disease named as the topic of an inquiry does not make a tariff a health measure;
    a disease as the reason of a ban still does."""
    e = only(
        "Beijing slapped a 60 percent duty on Australian coal on Friday, a step Canberra "
        "linked to its push for an investigation into the outbreak.",
        parser,
    )
    assert (e["ids"]["sender"], e["ids"]["target"]) == (["CHN"], ["AUS"])
    assert (
        sanctions("Japan banned imports of Chinese pork over the swine fever outbreak.", parser)
        == []
    )


def test_customs_stand_for_their_state(parser: SentenceParser) -> None:
    e = only("Russian customs imposed punitive duties on Moldovan apples on Monday.", parser)
    assert (e["ids"]["sender"], e["ids"]["target"]) == (["RUS"], ["MDA"])


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        # measures a state took against another, renewed
        (
            "Canada renewed the economic measures it took against Syria for a further year.",
            "CAN",
            "SYR",
        ),
        # a measure kept for a stated term
        (
            "The UN arms embargo on Libya will remain in force for another year, the council "
            "decided.",
            "IGO:UN",
            "LBY",
        ),
        ("UK arms embargo on Myanmar to stay in place until 2030 - officials", "GBR", "MMR"),
    ],
)
def test_renewed_and_kept(parser: SentenceParser, text: str, sender: str, target: str) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == ("extend", [sender], [target])
    assert not e["hypothetical"] and not e["negated"]


@pytest.mark.parametrize(
    "text",
    [
        "Western sanctions on Russia remain in place, the analyst said.",  # no term: background
        "The government renewed the measures it adopted against inflation.",
    ],
)
def test_renewed_and_kept_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        # a measure named among the steps kept open: the speaker's (hypothetical) threat
        (
            "'Nothing is ruled out, including measures against Serbian officials,' Germany's "
            "foreign minister said.",
            "DEU",
            "SRB",
        ),
        (
            "All options are on the table, including an embargo on Eritrean gold, Britain's "
            "foreign secretary said.",
            "GBR",
            "ERI",
        ),
    ],
)
def test_steps_left_open(parser: SentenceParser, text: str, sender: str, target: str) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == ("threaten", [sender], [target])
    assert e["hypothetical"] and not e["negated"]


def test_steps_ruled_out_are_no_threat(parser: SentenceParser) -> None:
    text = (
        "Tokyo ruled out all options, including sanctions on Russian firms, Japan's foreign "
        "minister said."
    )
    assert [e for e in sanctions(text, parser) if e["action"] == "threaten"] == []


@pytest.mark.parametrize(
    ("text", "action", "target", "hypothetical"),
    [
        # visa-free travel for a state's citizens, suspended: a visa measure on that state
        (
            "Britain suspended visa-free travel for Venezuelan nationals on Monday.",
            "impose",
            "VEN",
            False,
        ),
        # a modal cut under a condition is a (hypothetical) threat
        (
            "Brussels could suspend visa-free travel for Serbian citizens if Belgrade keeps "
            "stalling, the commissioner said.",
            "threaten",
            "SRB",
            True,
        ),
    ],
)
def test_visa_free_travel(
    parser: SentenceParser, text: str, action: str, target: str, hypothetical: bool
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["target"], e["hypothetical"]) == (action, [target], hypothetical)


@pytest.mark.parametrize(
    "text",
    [
        "The US suspended all non-essential travel by its officials to Iraq.",  # own staff
        "The government suspended travel for its officials during the holiday.",
    ],
)
def test_travel_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []
