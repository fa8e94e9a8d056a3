"""Mediation rules of session 9, on own invented paraphrases (not from any labelled set):
private and commercial mediation stays silent, a former mediator is a CV, a halt verb that
follows the named sides, ... Each rule has a near miss that must not change.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations


def ids(e: dict[str, Any], role: str) -> list[str]:
    return sorted(a["id"] for a in e["roles"][role])


@pytest.mark.parametrize(
    "text",
    [
        # business and labour mediation: no state or IGO on both sides of the frame
        "An independent mediator will try to resolve the row between the airline and the "
        "aircraft lessor over unpaid fees.",
        "France's air traffic controllers' union accepted the mediator's offer of a 3 percent "
        "pay rise, ending a week of strikes.",
        "An Italian labour tribunal named a mediator between the steelmaker and striking "
        "workers at its Taranto plant.",
        # a former mediator is a person's CV
        "A former U.N. mediator in the Cyprus talks will give a lecture at Oxford next month.",
        "The ex-OSCE mediator for Georgia has joined a law firm in Vienna.",
    ],
)
def test_private_mediation_and_cvs_stay_silent(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


def test_a_union_of_states_is_no_trade_union(parser: SentenceParser) -> None:
    # near miss of the private-dispute words: "African Union" names an IGO
    got = mediations(
        "The African Union agreed to mediate between Sudan and South Sudan over oil transit fees.",
        parser,
    )
    assert [e["action"] for e in got] == ["offer"]
    assert ids(got[0], "parties") == ["SDN", "SSD"]


def test_a_serving_mediator_after_a_former_title_still_counts(parser: SentenceParser) -> None:
    # near miss of the CV rule: "former" qualifies the president, not the mediator
    got = mediations(
        "The former president, now the U.N. mediator, met Cypriot and Turkish leaders in "
        "Nicosia on Monday.",
        parser,
    )
    assert got and got[0]["action"] == "mediate"
    assert ids(got[0], "mediator") == ["IGO:UN"]


@pytest.mark.parametrize(
    "text",
    [
        "The Qatari-led mediation between Chad's junta and the armed opposition groups broke "
        "down on Friday.",
        "Mediation between Serbia and Kosovo over the licence plates was suspended on Monday.",
    ],
)
def test_halt_verb_after_the_named_sides(text: str, parser: SentenceParser) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["halt"]


def test_a_later_clause_that_failed_is_no_halt(parser: SentenceParser) -> None:
    got = mediations(
        "Egyptian mediation between Israel and Hamas resumed on Monday, weeks after the "
        "previous round had failed.",
        parser,
    )
    assert [e["action"] for e in got] == ["mediate"]


@pytest.mark.parametrize(
    ("text", "action", "parties"),
    [
        # the two sides after "for" ("a go-between for A and B")
        (
            "Oman has quietly served as an intermediary for Riyadh and Tehran since the spring, "
            "diplomats said.",
            "mediate",
            ["IRN", "SAU"],
        ),
        # "in his standoff with X": the side is after "with", past an "in" without a name
        (
            "Peru's president asked the Organization of American States to mediate in his "
            "quarrel with opposition lawmakers.",
            "request",
            ["OTHER", "PER"],
        ),
        # a party that quits mediated talks is a side
        (
            "The Houthis said they had suspended their part in the Omani-mediated "
            "negotiations with Saudi Arabia.",
            "halt",
            ["OTHER", "SAU"],
        ),
        # a ruling body after a state's possessive is the state; on to the other side
        (
            "Talks between Niger's military rulers and the ousted government's allies, held "
            "under Togolese mediation, resumed on Monday.",
            "mediate",
            ["NER", "OTHER"],
        ),
    ],
)
def test_parties_of_the_frame(
    text: str, action: str, parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == [action]
    sides = sorted(
        {"OTHER" if x.startswith(("OTHER", "ORG")) else x for x in ids(got[0], "parties")}
    )
    assert sides == parties


def test_an_envoy_for_one_state_is_a_remit_not_two_sides(parser: SentenceParser) -> None:
    # near miss of "a go-between for A and B": one actor after "for" is the envoy's remit
    got = mediations("The U.N. mediator for Libya said talks would resume in Geneva.", parser)
    assert all("LBY" not in ids(e, "parties") for e in got)


def test_a_mediator_who_quits_is_no_party(parser: SentenceParser) -> None:
    # near miss of the quitting party: the subject that suspends its own mediation mediates
    got = mediations("Qatar said it was suspending its mediation between Israel and Hamas.", parser)
    assert [e["action"] for e in got] == ["halt"]
    assert ids(got[0], "mediator") == ["QAT"]
    assert "QAT" not in ids(got[0], "parties")


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Kyiv said it would not accept Hungary as a mediator in its dispute with Moscow.",
            ["HUN"],
            ["RUS", "UKR"],
        ),
        (
            "Caracas will no longer accept Brazil as a go-between in talks with the "
            "opposition, the foreign minister said.",
            ["BRA"],
            ["OTHER", "VEN"],
        ),
    ],
)
def test_refusing_to_accept_a_mediator_is_a_rejection(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [(e["action"], e["negated"]) for e in got] == [("reject", False)]
    assert ids(got[0], "mediator") == mediator
    sides = sorted(
        {"OTHER" if x.startswith(("OTHER", "ORG")) else x for x in ids(got[0], "parties")}
    )
    assert sides == parties


def test_not_yet_accepted_is_no_rejection(parser: SentenceParser) -> None:
    # near miss: "has not yet accepted" leaves the offer open
    got = mediations(
        "Belgrade has not yet accepted the EU's offer to mediate with Pristina.", parser
    )
    assert "reject" not in [e["action"] for e in got]


@pytest.mark.parametrize(
    "text",
    [
        "Turkey offered to mediate between Sweden and Hungary, but Budapest rejected the idea "
        "on Friday.",
        "Egypt's offer to broker a truce between Israel and Hamas was rejected by Israel on "
        "Sunday.",
    ],
)
def test_an_offer_turned_down_later_in_the_sentence(text: str, parser: SentenceParser) -> None:
    got = mediations(text, parser)
    assert sorted(e["action"] for e in got) == ["offer", "reject"]


def test_a_firm_turning_down_a_firm_is_no_reject(parser: SentenceParser) -> None:
    # near miss: no state or IGO in the frame
    got = mediations(
        "Siemens' offer to mediate between the two suppliers was rejected by Bosch on Monday.",
        parser,
    )
    assert "reject" not in [e["action"] for e in got]


def test_a_later_rejection_of_something_else_is_no_reject(parser: SentenceParser) -> None:
    # near miss: what is rejected after the mediation is not the offer
    got = mediations(
        "Norway has mediated between Colombia and the ELN for years, but the rebels rejected "
        "charges of kidnapping on Monday.",
        parser,
    )
    assert [e["action"] for e in got] == ["mediate"]


def test_a_dateline_place_is_no_party(parser: SentenceParser) -> None:
    got = mediations(
        "LUSAKA, June 9 (Reuters) - Angola's government and UNITA rebels signed a truce in "
        "Harare on Thursday under the mediation of Tanzania's foreign minister, officials said.",
        parser,
    )
    assert got
    assert all("ZMB" not in ids(e, "parties") for e in got)


def test_a_dateline_actor_named_again_stays(parser: SentenceParser) -> None:
    # near miss: the dateline's state is also an actor of the story
    got = mediations(
        "NAIROBI, May 2 (Reuters) - Kenya's president hosted talks between Sudan and South "
        "Sudan on Friday.",
        parser,
    )
    assert [ids(e, "mediator") for e in got] == [["KEN"]]


def test_plural_go_betweens_in_apposition(parser: SentenceParser) -> None:
    got = mediations(
        "Oman and Switzerland, the two quiet go-betweens, said Iran and the United States "
        "had agreed to a prisoner swap.",
        parser,
    )
    assert [ids(e, "mediator") for e in got] == [["CHE", "OMN"]]


def test_request_with_a_long_object_before_the_infinitive(parser: SentenceParser) -> None:
    got = mediations(
        "Chad urged the African Union's commission chairman on Thursday to send a mediator "
        "to its border talks with Sudan.",
        parser,
    )
    assert [e["action"] for e in got] == ["request"]
    assert ids(got[0], "mediator") == ["IGO:AU"]


def test_appointing_a_mediator_without_a_request_verb(parser: SentenceParser) -> None:
    # near miss: an infinitive of purpose after a travel verb is no request
    got = mediations(
        "The U.N. secretary-general travelled to Geneva on Monday to appoint a mediator for "
        "the Cyprus talks.",
        parser,
    )
    assert "request" not in [e["action"] for e in got]


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Sweden's special envoy held separate meetings with Ethiopian officials and "
            "leaders of the Tigrayan rebels in Nairobi this week.",
            ["SWE"],
            ["ETH", "OTHER"],
        ),
        (
            "AU envoys met the Malian junta chief and the leaders of the Tuareg rebels in "
            "Algiers on Monday.",
            ["IGO:AU"],
            ["MLI", "OTHER"],
        ),
    ],
)
def test_envoy_holds_meetings_with_two_sides(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["mediate"]
    assert ids(got[0], "mediator") == mediator
    sides = sorted(
        {"OTHER" if x.startswith(("OTHER", "ORG")) else x for x in ids(got[0], "parties")}
    )
    assert sides == parties


@pytest.mark.parametrize(
    "text",
    [
        # one side is a visit; a remit with ministers and business people is no dispute
        "The EU's envoy held talks with Serbian officials in Belgrade on Monday.",
        "The U.N. envoy for climate held meetings with ministers and business leaders in Dubai.",
        # held a meeting of its own staff
        "Norway's envoy held a meeting with embassy staff in Kabul on Tuesday.",
        # business and community people are no side of a conflict
        "Britain's trade envoy met Indian officials and business leaders in Mumbai.",
        "The EU envoy held talks with Kenyan ministers and community leaders in Nairobi.",
    ],
)
def test_envoy_meetings_that_are_no_mediation(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


def test_facilitating_contacts_between_named_sides(parser: SentenceParser) -> None:
    got = mediations(
        "Switzerland has been facilitating contacts between Armenia and Azerbaijan, "
        "diplomats said.",
        parser,
    )
    assert [(e["action"], ids(e, "mediator"), ids(e, "parties")) for e in got] == [
        ("mediate", ["CHE"], ["ARM", "AZE"])
    ]


def test_facilitating_contacts_between_firms_is_no_mediation(parser: SentenceParser) -> None:
    # near miss: no named side after "between"
    assert (
        mediations("Germany facilitated contacts between the two carmakers last year.", parser)
        == []
    )


def test_a_group_and_a_state_mediate_together(parser: SentenceParser) -> None:
    # the passive agent coordinates a lay community with a government: both mediate
    got = mediations(
        "Talks between Sudan and the SPLA, mediated by the Community of Sant'Egidio and the "
        "Italian government, resumed in Rome.",
        parser,
    )
    assert got and "ITA" in ids(got[0], "mediator") and len(ids(got[0], "mediator")) == 2


def test_the_other_side_after_a_longer_phrase(parser: SentenceParser) -> None:
    got = mediations(
        "Rwanda rejected mediation by the Angolan government in its quarrel with Kinshasa "
        "over the border.",
        parser,
    )
    assert [e["action"] for e in got] == ["reject"]
    assert ids(got[0], "parties") == ["COD", "RWA"]


def test_who_suspends_a_mediation_in_the_passive(parser: SentenceParser) -> None:
    got = mediations(
        "Mediation between Serbia and Kosovo over the licence plates was suspended by the "
        "European Union on Monday.",
        parser,
    )
    assert [(e["action"], ids(e, "mediator")) for e in got] == [("halt", ["IGO:EU"])]


def test_a_side_that_suspends_is_no_mediator(parser: SentenceParser) -> None:
    # near miss: the agent of the passive is one of the sides
    got = mediations(
        "Mediation between Serbia and Kosovo over the licence plates was suspended by Serbia "
        "on Monday.",
        parser,
    )
    assert [e["action"] for e in got] == ["halt"]
    assert "SRB" not in ids(got[0], "mediator")


def test_whether_someone_should_mediate_is_a_question(parser: SentenceParser) -> None:
    got = mediations(
        "Kenya's parliament debated whether the country should ask the African Union to "
        "mediate in its border dispute with Somalia.",
        parser,
    )
    assert got == []


def test_a_request_without_whether_stays(parser: SentenceParser) -> None:
    # near miss of the question rule
    got = mediations(
        "Kenya's parliament said the country should ask the African Union to mediate in its "
        "border dispute with Somalia.",
        parser,
    )
    assert [e["action"] for e in got] == ["request"]


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Armenian and Azerbaijani negotiators met in Vienna under the auspices of the OSCE.",
            ["IGO:OSCE"],
            ["ARM", "AZE"],
        ),
        (
            "Talks between Sudan and South Sudan resumed under the auspices of an African Union "
            "panel.",
            ["IGO:AU"],
            ["SDN", "SSD"],
        ),
    ],
)
def test_talks_under_the_auspices_of_a_third_party(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [(e["action"], ids(e, "mediator"), ids(e, "parties")) for e in got] == [
        ("mediate", mediator, parties)
    ]


@pytest.mark.parametrize(
    "text",
    [
        # no talks, or no two sides: a patron, not a mediator
        "France and Germany signed a cultural accord under the auspices of UNESCO.",
        "The film festival was held under the auspices of the French culture ministry.",
        "A conference on climate talks opened in Paris under the auspices of the United Nations.",
    ],
)
def test_auspices_without_two_sides_in_talks(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []
