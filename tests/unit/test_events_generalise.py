"""Punitive measures, modality and mediation phrasings found on dev-8 (issue 10, s7-recall).

Own sentences, written for these tests (not from any labelled set), run through the public
entry point (``detect_events`` on an enriched article with the en_core_web_sm parse): amounts of
aid and what they were earmarked for, coordinated objects and targets, measures as instruments
("retaliated with duties"), demanded ("called ... for an embargo"), ruled out, rolled over,
designations ("added to its blacklist"), passive entry bans, export licensing, urged measures
as calls, reported decisions ("said it would"), and the negatives next to them (sanitary and
weather suspensions, import licensing, private mediations).
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_parse import events, one


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # an amount of aid, and the recipient it was earmarked for
        ("Sweden has suspended 25 million kronor in budget support earmarked for Mozambique "
         "after the disputed count, the aid ministry said.", "impose", ["SWE"], ["MOZ"]),
        ("Washington is withholding 60 million dollars in security assistance from Lebanon, "
         "officials said.", "impose", ["USA"], ["LBN"]),
        # coordinated objects and targets
        ("Egypt closed its ports and airspace to all Turkish ships and aircraft on Sunday.",
         "impose", ["EGY"], ["TUR"]),
        ("Algeria cut off gas deliveries to Spain and Morocco after the row, the state energy "
         "company said.", "impose", ["DZA"], ["ESP", "MAR"]),
        # a measure as instrument, ruled out, rolled over, broadened
        ("Ottawa retaliated with punitive duties on American steel and whiskey on Friday.",
         "impose", ["CAN"], ["USA"]),
        ("Tokyo slapped a 40 percent surtax on Chinese aluminium, the trade ministry said.",
         "impose", ["JPN"], ["CHN"]),
        ("Canada broadened its restrictions on Iranian shipping companies on Friday.",
         "extend", ["CAN"], ["IRN"]),
        # a designation and export licensing
        ("Britain added nine Russian drone makers to its sanctions list on Tuesday.",
         "impose", ["GBR"], ["RUS"]),
        ("Japan will require export licences for sales of chipmaking chemicals to South Korea, "
         "the trade ministry said.", "impose", ["JPN"], ["KOR"]),
        # entry bans read from the passive and from the phrase of those barred
        ("Seven Belarusian election officials were barred from entering Poland under an order "
         "signed on Monday.", "impose", ["POL"], ["BLR"]),
    ],
)  # fmt: skip
def test_measures_read_by_the_parse(
    parser: SentenceParser,
    text: str,
    action: str,
    sender: list[str],
    target: list[str],
) -> None:
    e = one(text, parser)
    assert (e["type"], e["action"]) == ("sanctions", action)
    assert e["ids"] == {"sender": sorted(sender), "target": sorted(target)}
    assert not e["negated"]


def test_a_measure_ruled_out_is_negated(parser: SentenceParser) -> None:
    e = one("Italy's trade minister ruled out retaliatory tariffs on Chinese goods.", parser)
    assert (e["action"], e["ids"]) == ("impose", {"sender": ["ITA"], "target": ["CHN"]})
    assert e["negated"] and not e["hypothetical"]


def test_a_measure_urged_on_someone_else_is_a_call(parser: SentenceParser) -> None:
    e = one("Estonia called on its allies to ban all imports of Russian fertiliser.", parser)
    assert (e["action"], e["ids"]) == ("call", {"sender": ["EST"], "target": ["RUS"]})


def test_a_demanded_embargo_is_a_call(parser: SentenceParser) -> None:
    e = one("Latvia's prime minister called on Monday for a full embargo on Belarusian "
            "potash, saying the bloc had waited too long.", parser)  # fmt: skip
    assert (e["action"], e["ids"]) == ("call", {"sender": ["LVA"], "target": ["BLR"]})


def test_rolled_over_sanctions_are_extended(parser: SentenceParser) -> None:
    e = one("EU ministers agreed to roll over their sanctions on Syria for another year.", parser)
    assert (e["action"], e["ids"]) == ("extend", {"sender": ["IGO:EU"], "target": ["SYR"]})


def test_said_it_would_announces_a_decision(parser: SentenceParser) -> None:
    e = one("India said on Monday it would lift its ban on Malaysian palm oil from March.", parser)
    assert (e["action"], e["ids"]) == ("lift", {"sender": ["IND"], "target": ["MYS"]})
    assert not e["hypothetical"]


def test_a_condition_stays_hypothetical(parser: SentenceParser) -> None:
    e = one("India could lift its ban on Malaysian palm oil if the dispute is settled.", parser)
    assert e["action"] == "lift" and e["hypothetical"]


def test_could_face_is_a_hedged_threat(parser: SentenceParser) -> None:
    text = "Nairobi could face curbs on arms purchases, a British minister said on Friday."
    e = one(text, parser)
    assert (e["action"], e["ids"]) == ("threaten", {"sender": ["GBR"], "target": ["KEN"]})
    assert e["hypothetical"]


@pytest.mark.parametrize(
    "text",
    [
        "Singapore suspended flights from Indonesia for ten days after a surge in coronavirus "
        "cases, the health ministry said.",
        "Flights between Manila and Taipei were halted on Sunday as a typhoon made landfall.",
        "India requires licences for imports of gold from Switzerland to curb the trade deficit.",
        "A labour ministry mediator was called in to settle the wage dispute between the dock "
        "workers' union and the port operator.",
        "The striker and his club agreed to mediation over the unpaid bonuses.",
    ],
)
def test_negatives_next_to_the_new_frames(
    parser: SentenceParser,
    text: str,
) -> None:
    assert events(text, parser) == []


def test_called_off_mediation_is_a_halt(parser: SentenceParser) -> None:
    e = one("Kuwait called off its mediation between Bahrain and Qatar on Tuesday.", parser)
    assert (e["type"], e["action"]) == ("mediation", "halt")
    assert e["ids"]["mediator"] == ["KWT"]


def test_a_possessed_measure_reported_as_new(parser: SentenceParser) -> None:
    e = one("Russia's latest restrictions on Finnish trucks took effect on Monday.", parser)
    assert (e["action"], e["ids"]) == ("impose", {"sender": ["RUS"], "target": ["FIN"]})


def test_a_possessed_measure_without_news_or_target_is_silent(
    parser: SentenceParser,
) -> None:
    assert events("Spain's new tariffs on electricity will raise household bills.", parser) == []
    text = "The Kenyan government's latest restrictions on public gatherings were challenged."
    assert events(text, parser) == []


def test_readiness_with_a_condition_is_a_threat(parser: SentenceParser) -> None:
    text = "Canada is prepared to impose punitive duties on Chinese steel if talks fail."
    e = one(text, parser)
    assert (e["action"], e["ids"]) == ("threaten", {"sender": ["CAN"], "target": ["CHN"]})
    assert not e["hypothetical"]


def test_a_truce_brokered_by_a_state_after_its_parties(parser: SentenceParser) -> None:
    text = "The truce between Israel and Hezbollah, brokered by the United States and France, held."
    e = one(text, parser)
    assert (e["type"], e["action"]) == ("mediation", "mediate")
    assert e["ids"]["mediator"] == ["FRA", "USA"] and "ISR" in e["ids"]["parties"]


def test_a_business_deal_brokered_by_a_bank_is_no_mediation(
    parser: SentenceParser,
) -> None:
    text = "The deal between the two carmakers, brokered by a Japanese bank, was signed in Tokyo."
    assert events(text, parser) == []


def test_a_designation_of_state_qualified_entities(parser: SentenceParser) -> None:
    text = "Britain designated five Iranian officials under its human rights regime."
    e = one(text, parser)
    assert (e["action"], e["ids"]) == ("impose", {"sender": ["GBR"], "target": ["IRN"]})
    assert events("Moscow designated a new ambassador to Berlin.", parser) == []
    assert events("Russia designated three German NGOs undesirable organisations.", parser) == []


def test_adopting_another_blocs_package_of_measures(parser: SentenceParser) -> None:
    e = one("Norway will adopt the EU's latest package of measures against Belarus.", parser)
    assert (e["action"], e["ids"]) == ("impose", {"sender": ["NOR"], "target": ["BLR"]})


def test_urged_to_stop_buying_is_a_call(parser: SentenceParser) -> None:
    e = one("Warsaw urged Rome to stop buying Russian oil without delay.", parser)
    assert (e["action"], e["ids"]) == ("call", {"sender": ["POL"], "target": ["RUS"]})


def test_a_hedged_offer_a_few_words_before_the_trigger(parser: SentenceParser) -> None:
    text = "Ghana could play a mediating role between Mali and Niger, its president said."
    e = one(text, parser)
    assert e["type"] == "mediation" and e["action"] in ("offer", "mediate")
    assert e["hypothetical"] and e["ids"]["mediator"] == ["GHA"]
