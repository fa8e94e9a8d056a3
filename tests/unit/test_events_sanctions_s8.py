"""Sanctions rules of round 8, on invented sentences (not from any labelled set): restrictions
whose "on exports" phrase the parse hangs on the verb, historic state names, passive measures
with a "by" agent, the speaker as sender of a sanction noun, and listings whose "to the
sanctions list" the parse attaches too low."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_parse import events


def sanctions(text: str, parser: SentenceParser) -> list[dict[str, Any]]:
    return [e for e in events(text, parser) if e["type"] == "sanctions"]


def only(text: str, parser: SentenceParser) -> dict[str, Any]:
    got = sanctions(text, parser)
    assert len(got) == 1, (text, got)
    return got[0]


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        (
            "Norway imposed curbs on exports of two rare metals to Kazakhstan on Friday, "
            "in a dispute over fishing rights.",
            "impose",
            "NOR",
            "KAZ",
        ),
        (
            "Peru lifted its restrictions on imports of Chilean fruit on Tuesday.",
            "lift",
            "PER",
            "CHL",
        ),
    ],
)
def test_restriction_whose_trade_phrase_hangs_on_the_verb(
    text: str, action: str, sender: str, target: str, parser: SentenceParser
) -> None:
    e = only(text, parser)
    assert e["action"] == action
    assert e["ids"] == {"sender": [sender], "target": [target]}
    assert not e["negated"] and not e["hypothetical"]


def test_curbs_on_gatherings_are_no_sanction(parser: SentenceParser) -> None:
    assert not sanctions("Norway imposed curbs on public gatherings in Oslo on Friday.", parser)


def test_yugoslavia_is_serbia(parser: SentenceParser) -> None:
    e = only("The Security Council voted to suspend its ban on flights to Yugoslavia.", parser)
    assert e["action"] == "ease"
    assert e["ids"] == {"sender": ["IGO:UNSC"], "target": ["SRB"]}


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        (
            "Sudan was hit with an arms embargo by the African Union on Monday.",
            "IGO:AU",
            "SDN",
        ),
        ("Chilean copper was slapped with tariffs by Japan on Friday.", "JPN", "CHL"),
    ],
)
def test_passive_measure_with_a_by_agent(
    text: str, sender: str, target: str, parser: SentenceParser
) -> None:
    e = only(text, parser)
    assert e["action"] == "impose"
    assert e["ids"] == {"sender": [sender], "target": [target]}


@pytest.mark.parametrize(
    "text",
    [
        "Sudan was hit with new sanctions on Monday.",  # nobody named imposes
        "The village was hit with a curfew by the army on Monday.",
    ],
)
def test_passive_measure_without_a_state_agent_is_nothing(
    text: str, parser: SentenceParser
) -> None:
    assert not sanctions(text, parser)


def test_reporting_organisation_is_the_sender(parser: SentenceParser) -> None:
    e = only(
        "Regional leaders lifted the trade sanctions on Niger on Saturday after the junta "
        "freed the president, ECOWAS said.",
        parser,
    )
    assert e["action"] == "lift"
    assert e["ids"] == {"sender": ["IGO:ECOWAS"], "target": ["NER"]}


def test_history_reported_by_an_organisation_is_nothing(parser: SentenceParser) -> None:
    assert not sanctions("Regional leaders had imposed sanctions on Niger, ECOWAS said.", parser)


def test_listing_whose_list_the_parse_hangs_low(parser: SentenceParser) -> None:
    e = only(
        "Australia added eleven Iranian officials accused of abuses in prisons to its "
        "sanctions list on Tuesday.",
        parser,
    )
    assert e["action"] in ("impose", "extend")
    assert e["ids"] == {"sender": ["AUS"], "target": ["IRN"]}


def test_a_department_stands_for_its_state(parser: SentenceParser) -> None:
    e = only(
        "The U.S. Commerce Department said on Friday it would restrict exports of "
        "navigation chips to 12 Iranian companies.",
        parser,
    )
    assert e["action"] == "impose"
    assert e["ids"] == {"sender": ["USA"], "target": ["IRN"]}


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        (
            "Suspending Myanmar from ASEAN remains an option, Malaysia's foreign minister said.",
            "MYS",
            "MMR",
        ),
        ("Cutting aid to Uganda remains an option, Sweden's development minister said.",
         "SWE", "UGA"),
    ],
)  # fmt: skip
def test_a_cut_as_an_option_in_reported_speech(
    text: str, sender: str, target: str, parser: SentenceParser
) -> None:
    e = only(text, parser)
    assert e["action"] == "threaten" and e["hypothetical"] and not e["negated"]
    assert e["ids"] == {"sender": [sender], "target": [target]}


def test_suspending_talks_as_an_option_is_no_sanction(parser: SentenceParser) -> None:
    assert not sanctions("Suspending talks is an option, the Kenyan minister said.", parser)


def test_travel_bans_and_asset_freezes(parser: SentenceParser) -> None:
    e = only(
        "Canada imposed travel bans and asset freezes on nine officials from Belarus and "
        "Iran over the crackdown.",
        parser,
    )
    assert e["action"] == "impose"
    assert e["ids"] == {"sender": ["CAN"], "target": ["BLR", "IRN"]}


def test_an_armed_group_that_a_state_only_locates_is_the_target(parser: SentenceParser) -> None:
    e = only(
        "Washington imposed an asset freeze on commanders of Sudan's RSF paramilitary force.",
        parser,
    )
    assert e["ids"] == {"sender": ["USA"], "target": ["OTHER"]}


def test_a_state_army_still_stands_for_the_state(parser: SentenceParser) -> None:
    e = only("Washington imposed an asset freeze on commanders of Sudan's army.", parser)
    assert e["ids"] == {"sender": ["USA"], "target": ["SDN"]}


def test_a_participle_acts_on_the_main_clause_object(parser: SentenceParser) -> None:
    e = only(
        "Canada listed Iran's Revolutionary Guards as a terrorist entity on Wednesday, "
        "freezing any assets they hold in Canada.",
        parser,
    )
    assert e["action"] == "impose"
    assert e["ids"] == {"sender": ["CAN"], "target": ["IRN"]}


def test_police_freezing_accounts_is_no_sanction(parser: SentenceParser) -> None:
    assert not sanctions(
        "Police arrested two Kenyan suspects on Monday, freezing their bank accounts.", parser
    )


def test_sanctioned_after_a_determiner_is_an_adjective(parser: SentenceParser) -> None:
    assert not sanctions(
        "Liberia struck 40 ships off its register for links to the sanctioned Syrian fuel trade.",
        parser,
    )


def test_sanctioned_as_a_verb_is_still_read(parser: SentenceParser) -> None:
    e = only("Japan sanctioned four Syrian officials on Monday.", parser)
    assert e["action"] == "impose" and e["ids"]["sender"] == ["JPN"]


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("The African Union readmitted Guinea on Friday after a year of suspension.", False),
        ("The African Union refused to readmit Guinea on Friday.", True),
    ],
)
def test_an_igo_readmitting_a_member_lifts_its_suspension(
    text: str, negated: bool, parser: SentenceParser
) -> None:
    e = only(text, parser)
    assert e["action"] == "lift" and e["negated"] is negated
    assert e["ids"] == {"sender": ["IGO:AU"], "target": ["GIN"]}


def test_a_ministry_reinstating_an_envoy_is_no_sanction(parser: SentenceParser) -> None:
    assert not sanctions("The ministry reinstated the Kenyan ambassador on Friday.", parser)


def test_an_igo_suspending_a_named_member(parser: SentenceParser) -> None:
    e = only("The Arab League suspended Libya on Tuesday after the crackdown.", parser)
    assert e["action"] == "impose"
    assert e["ids"] == {"sender": ["IGO:ARL"], "target": ["LBY"]}


def test_an_igo_suspending_talks_is_no_sanction(parser: SentenceParser) -> None:
    assert not sanctions("The African Union suspended talks with Sudan on Tuesday.", parser)


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        (
            "The bloc's foreign ministers agreed to impose new sanctions on Belarus, the "
            "European Union said.",
            "IGO:EU",
            "BLR",
        ),
        ("Ministers agreed on Monday to suspend aid to Niger, the Dutch government said.",
         "NLD", "NER"),
    ],
)  # fmt: skip
def test_the_speaker_of_an_agreement_to_act_is_the_sender(
    text: str, sender: str, target: str, parser: SentenceParser
) -> None:
    e = only(text, parser)
    assert e["action"] == "impose" and not e["hypothetical"]
    assert e["ids"] == {"sender": [sender], "target": [target]}


def test_an_agreement_reported_as_history_is_nothing(parser: SentenceParser) -> None:
    assert not sanctions(
        "Western leaders had agreed to impose sanctions on Iran, the European Union said.", parser
    )


def test_a_threat_with_a_date_between_is_still_a_plain_threat(parser: SentenceParser) -> None:
    e = only("Canada threatened on Friday to suspend aid to Haiti.", parser)
    assert e["action"] == "threaten" and not e["hypothetical"] and not e["negated"]
    assert e["ids"] == {"sender": ["CAN"], "target": ["HTI"]}


def test_an_order_to_stop_buying_is_a_decision(parser: SentenceParser) -> None:
    e = only(
        "Indonesia ordered all ministries to stop buying Australian beef on Friday in a row "
        "over live cattle.",
        parser,
    )
    assert e["action"] == "impose" and not e["hypothetical"] and not e["negated"]
    assert e["ids"] == {"sender": ["IDN"], "target": ["AUS"]}


def test_its_neighbour_is_the_other_state_named(parser: SentenceParser) -> None:
    e = only(
        "Chad closed its border with Sudan and halted trade with its neighbour on Monday, "
        "accusing Khartoum of arming rebels.",
        parser,
    )
    assert e["action"] == "impose"
    assert e["ids"] == {"sender": ["TCD"], "target": ["SDN"]}


def test_an_unnamed_neighbour_is_no_target(parser: SentenceParser) -> None:
    assert not sanctions("Qatar suspended flights to its neighbour on Monday.", parser)


@pytest.mark.parametrize(
    "text",
    [
        "Slovakia blocked a new package of EU sanctions on Belarus on Friday.",
        "China vetoed a Security Council resolution imposing sanctions on Myanmar.",
    ],
)
def test_a_blocked_or_vetoed_measure_is_negated(text: str, parser: SentenceParser) -> None:
    e = only(text, parser)
    assert e["negated"] and not e["hypothetical"]
    assert e["ids"]["sender"][0].startswith("IGO:")


def test_blocking_imports_is_still_an_imposition(parser: SentenceParser) -> None:
    e = only("China blocked imports of Lithuanian beef on Monday.", parser)
    assert e["action"] == "impose" and not e["negated"]
    assert e["ids"] == {"sender": ["CHN"], "target": ["LTU"]}
