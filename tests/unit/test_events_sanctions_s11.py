"""Sanctions frames of round 11, on invented sentences (not from any labelled set): a paused
loan programme, a retaliation against another state's measure (mostly ruled out), a measure
demanded in a that-clause, a call to sanction named persons, a ban kept in place for a stated
term, a restored membership, a passive measure weighed and denied, what is cut "for" a state,
a cap on trade, removal from a list, and the CSCE as the OSCE; each with a near miss that
must not fire (or must not fire that way)."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


@pytest.mark.parametrize(
    ("text", "action", "sender", "target", "negated"),
    [
        # a lender pausing its loans to a state as punishment
        (
            "The World Bank paused all new loans to Myanmar after the coup.",
            "impose",
            ["IGO:WB"],
            ["MMR"],
            False,
        ),
        # retaliation against another state's measure, ruled out: a negated counter-measure
        (
            "Ottawa said it would not retaliate against the Indian rice export duties this year.",
            "impose",
            ["CAN"],
            ["IND"],
            True,
        ),
        (
            "Jakarta has no plans to retaliate against Malaysia's palm oil curbs, a minister "
            "said on Friday.",
            "impose",
            ["IDN"],
            ["MYS"],
            True,
        ),
        # a measure demanded in a that-clause is the demander's call
        (
            "Chilean lawmakers demanded that the government impose tariffs on Peruvian fruit.",
            "call",
            ["CHL"],
            ["PER"],
            False,
        ),
        # a ban kept in place for a stated term is a renewal
        (
            "Tokyo kept its ban on fish imports from Pyongyang in place for another two years.",
            "extend",
            ["JPN"],
            ["PRK"],
            False,
        ),
        # a bloc restoring a member's membership lifts its suspension
        (
            "The African Union restored Guinea's membership on Friday after the elections.",
            "lift",
            ["IGO:AU"],
            ["GIN"],
            False,
        ),
        # a measure weighed in the passive, denied: the speaker's negated step
        (
            "No embargo is being considered against Mali's junta, Senegal's foreign minister said.",
            "threaten",
            ["SEN"],
            ["MLI"],
            True,
        ),
        # what is cut "for" a state: its destination
        (
            "Ottawa suspended 12 of its arms export permits for Turkey on Tuesday.",
            "impose",
            ["CAN"],
            ["TUR"],
            False,
        ),
        # a cap on what a state may import, imposed on it
        (
            "Iran was hit with a cap on crude oil exports by the European Union in March.",
            "impose",
            ["IGO:EU"],
            ["IRN"],
            False,
        ),
        # a state struck off a list of trusted partners loses a privilege
        (
            "Ankara removed Greece from its list of trusted trading partners on Monday.",
            "impose",
            ["TUR"],
            ["GRC"],
            False,
        ),
        # struck off a terrorism blacklist: a designation lifted
        (
            "Washington removed Sudan from its list of state sponsors of terrorism.",
            "lift",
            ["USA"],
            ["SDN"],
            False,
        ),
        # the CSCE is the OSCE of its day
        (
            "The CSCE suspended Yugoslavia from its meetings in July 1992.",
            "impose",
            ["IGO:OSCE"],
            ["SRB"],
            False,
        ),
    ],
)
def test_round11_frames(
    parser: SentenceParser,
    text: str,
    action: str,
    sender: list[str],
    target: list[str],
    negated: bool,
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, sender, target)
    assert e["negated"] is negated


@pytest.mark.parametrize(
    "text",
    [
        # a firm pausing its own lending is no state's act
        "Standard Chartered paused new lending to Zambian retailers on Monday.",
        # retaliation against a measure no state owns names no target
        "Ottawa said it would not retaliate against any tariffs on its rice this year.",
        # a that-clause after a reporting verb is no demand (and its act was done at home)
        "Chilean lawmakers said that the government would lower tariffs on fruit.",
        # a ban kept, no term stated: the state of things, no renewal
        "Tokyo has kept its ban on fish imports from Pyongyang for years.",
        # suspended "for" a time names no recipient
        "Ottawa suspended its arms export permits for two weeks during the audit.",
        # a cap on prices at home
        "Kenya imposed a cap on fuel prices for its motorists on Monday.",
        # struck off a list that is neither a privilege nor a designation
        "The EU removed Panama from its list of tax havens on Tuesday.",
        # a membership restored by a club is no sanction
        "The golf club restored Guinea's membership card to the former ambassador.",
    ],
)
def test_round11_near_misses(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


def test_urged_to_sanction_is_a_call_beside_the_pending_measure(parser: SentenceParser) -> None:
    # the urging side calls; the measure urged stays beside it (events-dev's convention)
    got = {
        e["action"]: e
        for e in sanctions(
            "Canada's parliament urged the cabinet to sanction Iranian officials over the "
            "executions.",
            parser,
        )
    }
    assert set(got) == {"call", "impose"}
    assert (got["call"]["ids"]["sender"], got["call"]["ids"]["target"]) == (["CAN"], ["IRN"])
    assert got["impose"]["hypothetical"] and not got["call"]["hypothetical"]


def test_wanting_to_sanction_is_no_call(parser: SentenceParser) -> None:
    # the subject's own intent ("wants to sanction"), nobody urged: no call
    assert all(
        e["action"] != "call"
        for e in sanctions("Canada wants to sanction Iranian officials, a minister said.", parser)
    )
