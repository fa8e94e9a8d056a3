"""Sanctions of round 10, on invented sentences (not from any labelled set): measures the
sentence filter left unparsed ("cut rail links", "stop importing"), a listing on an
asset-freeze list, asset freezes the tagger reads as a verb, the assets of firms owned by a
state, an organisation barring a member from its body, a passive renewal's late agent, an
ultimatum's coordinated clause, a state's legislators calling on their own government, a
second traded good the parse coordinates with the verb; each with a near miss that must
stay silent."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


@pytest.mark.parametrize(
    ("text", "actions", "sender", "target"),
    [
        # "links" and "importing" now reach the parse
        (
            "Moscow cut ferry links to Latvia on Tuesday in retaliation for the expulsion of "
            "its diplomats.",
            {"impose"},
            ["RUS"],
            ["LVA"],
        ),
        (
            "Canada will stop importing Iranian pistachios from March, the trade ministry said.",
            {"impose"},
            ["CAN"],
            ["IRN"],
        ),
        # an asset-freeze list is a sanctions list
        (
            "Canada added four Belarusian officials to its asset freeze list on Friday.",
            {"impose", "extend"},
            ["CAN"],
            ["BLR"],
        ),
        # "asset freezes" tagged as a verb with "travel bans" as its conjunct
        (
            "Norway announced asset freezes and travel bans on two Iranian generals on Monday.",
            {"impose"},
            ["NOR"],
            ["IRN"],
        ),
        # whose firms the frozen assets belong to
        (
            "Japan announced a freeze on the assets of three banks owned by Iran's government.",
            {"impose"},
            ["JPN"],
            ["IRN"],
        ),
        # an organisation bars a member state from its body
        (
            "The African Union voted to bar Mali from the organisation until elections are held.",
            {"impose"},
            ["IGO:AU"],
            ["MLI"],
        ),
        # the agent of a passive renewal stands after the verb, past the target's phrase
        (
            "Sanctions on Belarus's president and his closest aides were prolonged for another "
            "year by the European Union.",
            {"extend"},
            ["IGO:EU"],
            ["BLR"],
        ),
        # an ultimatum in a coordinated clause: the reporting speaker threatens
        (
            "Syria must release the aid workers or face new sanctions, France's foreign minister "
            "said.",
            {"threaten"},
            ["FRA"],
            ["SYR"],
        ),
        # the second good hangs on the verb as a conjunct
        (
            "Riyadh suspended all exports to and imports from Lebanon on Monday.",
            {"impose"},
            ["SAU"],
            ["LBN"],
        ),
        # a state's legislators urging their own government: the call is theirs
        (
            "U.S. lawmakers urged the administration on Monday to impose tariffs on imports of "
            "Venezuelan oil.",
            {"call"},
            ["USA"],
            ["VEN"],
        ),
    ],
)
def test_sanction_read(
    parser: SentenceParser, text: str, actions: set[str], sender: list[str], target: list[str]
) -> None:
    e = only(text, parser)
    assert e["action"] in actions
    assert e["ids"] == {"sender": sender, "target": target}
    assert not e["negated"]


@pytest.mark.parametrize(
    "text",
    [
        # links cut by weather, imports stopped by a firm: no state acts on another
        "Storms cut rail links to the coast on Monday, the operator said.",
        "The brewery will stop importing hops from March, its chief executive said.",
        # a list that is no sanctions list
        "The club added two Brazilian players and a goalkeeper to its squad list on Monday.",
        "The bank added four clients to its internal freeze list on Friday.",
        # asset freezes on persons no state qualifies
        "Norway announced asset freezes and travel bans on two convicted fraudsters.",
        # frozen assets of firms a private person owns
        "Japan announced a freeze on the assets of three banks owned by a local businessman.",
        # a state, not the organisation, keeps a member out of a meeting
        "France barred Mali from the summit in Paris on Monday.",
        # a passive renewal whose agent is no state
        "Sanctions on the club's owner and his closest aides were prolonged for another year "
        "by the league.",
        # a choice in a coordinated clause that names no measure
        "Syria must release the aid workers or face isolation, France's foreign minister said.",
        # a firm suspending its own trade is no sender
        "The retailer suspended all exports to and imports from Lebanon on Monday.",
        # legislators urging a measure that names no foreign state
        "U.S. lawmakers urged the administration on Monday to impose tariffs on luxury yachts.",
    ],
)
def test_no_sanction(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


def test_two_measures_of_one_sentence(parser: SentenceParser) -> None:
    """A suspension and a call for measures in one sentence are two events."""
    got = sanctions(
        "The African Union suspended Mali's membership on Monday and called for targeted "
        "measures against Bamako.",
        parser,
    )
    assert sorted(e["action"] for e in got) == ["call", "impose"]
    assert all(e["ids"] == {"sender": ["IGO:AU"], "target": ["MLI"]} for e in got)


def test_one_measure_beside_a_call_for_calm(parser: SentenceParser) -> None:
    e = only(
        "The African Union suspended Mali's membership on Monday and called for calm in Bamako.",
        parser,
    )
    assert e["action"] == "impose"


@pytest.mark.parametrize(
    "text",
    [
        "The Andean Community suspended Bolivia on Tuesday after the army seized power.",
        "Mercosur suspended Paraguay's membership after the president was removed.",
        "Honduras was suspended from the Central American Integration System after the coup.",
    ],
)
def test_unlisted_bloc_suspends_a_member(parser: SentenceParser, text: str) -> None:
    """A named body the actor list lacks suspends a member state: the sender is OTHER."""
    e = only(text, parser)
    assert e["action"] == "impose"
    assert e["ids"]["sender"][0].split(":")[0] in ("OTHER", "ORG")
    assert e["ids"]["target"] in (["BOL"], ["PRY"], ["HND"])


@pytest.mark.parametrize(
    "text",
    [
        # a firm suspends flights or a state's broadcaster, a body suspends its own meeting
        "Lufthansa suspended flights to Bolivia on Tuesday after the army seized power.",
        "YouTube suspended Bolivia's state broadcaster from its platform on Tuesday.",
        "The Andean Community suspended its summit on Tuesday after the army seized power.",
        # a person suspended from a named body
        "Garcia was suspended from the Central American Integration System after the scandal.",
        # sport and culture bodies: no sanction in the contract
        "FIFA suspended Bolivia from all competitions on Tuesday after the army seized power.",
        "Bolivia was suspended from the Andean Song Contest after the army seized power.",
    ],
)
def test_unlisted_body_without_a_member_state(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []
