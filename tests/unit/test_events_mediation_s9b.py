"""Mediation rules of session 9b, on own invented paraphrases (not from any labelled set): an
absence of mediators is no event, an answer to an offer may stand several words before the offer
noun, and a "proposal for X mediation" states no offer by X. Each rule has a near miss.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_mediation_s9 import ids


@pytest.mark.parametrize(
    "text",
    [
        "Chile and Bolivia opened direct talks in La Paz without any outside mediators, "
        "officials said.",
        "Serbia and Montenegro settled the border question last week with no foreign mediation.",
    ],
)
def test_an_absence_of_mediators_is_no_event(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


def test_mediators_present_after_without_elsewhere_still_count(parser: SentenceParser) -> None:
    # near miss: "without" governs another noun, the mediation is real
    got = mediations(
        "Norway mediated talks between Colombia and the rebels without a break on Sunday.",
        parser,
    )
    assert [e["action"] for e in got] == ["mediate"]
    assert ids(got[0], "mediator") == ["NOR"]


def test_a_rejection_several_words_before_the_offer_noun(parser: SentenceParser) -> None:
    got = mediations(
        "Peru's foreign minister rejected on Thursday a fresh offer by Brazil to mediate "
        "with Ecuador.",
        parser,
    )
    actions = sorted(e["action"] for e in got)
    assert "reject" in actions
    rej = next(e for e in got if e["action"] == "reject")
    assert ids(rej, "mediator") == ["BRA"]
    assert "PER" in ids(rej, "parties") and not rej["negated"]


def test_an_acceptance_several_words_before_the_offer_noun(parser: SentenceParser) -> None:
    got = mediations(
        "Ethiopia accepted late on Monday the offer of Kenya's president to mediate with Eritrea.",
        parser,
    )
    assert "accept" in [e["action"] for e in got]


def test_an_offer_far_from_any_answer_stays_an_offer(parser: SentenceParser) -> None:
    # near miss: no rejection or acceptance verb before the offer noun
    got = mediations(
        "Brazil renewed on Thursday its offer to mediate between Peru and Ecuador.", parser
    )
    assert [e["action"] for e in got] == ["offer"]


def test_a_proposal_for_mediation_states_no_offer(parser: SentenceParser) -> None:
    got = mediations(
        "Croatia's government turned down a proposal for Austrian mediation with Slovenia.",
        parser,
    )
    assert [e["action"] for e in got] == ["reject"]
    assert ids(got[0], "mediator") == ["AUT"]


def test_a_rejected_offer_to_mediate_still_reports_the_offer(parser: SentenceParser) -> None:
    # near miss (the events-dev convention): the mediator's own offer is stated
    got = mediations("Croatia rejected Austria's offer to mediate with Slovenia.", parser)
    assert sorted(e["action"] for e in got) == ["offer", "reject"]


@pytest.mark.parametrize(
    "text",
    [
        "The talks in Doha were suspended on Sunday, the Qatari and Egyptian mediators said.",
        "Talks between Ethiopia and Egypt, brokered by the United Arab Emirates, have collapsed.",
        "Oman has put its go-between role in the Yemen negotiations on hold, a spokesman said.",
    ],
)
def test_mediated_talks_that_stop_are_a_halt(text: str, parser: SentenceParser) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["halt"]
    assert not got[0]["negated"]


@pytest.mark.parametrize(
    "text",
    [
        # near misses: the talks go on, or a round ends (dev-8's convention: still mediation)
        "The talks in Doha resumed on Sunday, the Qatari and Egyptian mediators said.",
        "Talks between Ethiopia and Egypt, brokered by the United Arab Emirates, ended without "
        "agreement on Monday.",
    ],
)
def test_mediated_talks_that_go_on_stay_mediation(text: str, parser: SentenceParser) -> None:
    assert [e["action"] for e in mediations(text, parser)] == ["mediate"]


@pytest.mark.parametrize(
    "text",
    [
        "Eritrea and Djibouti reopened their embassies in 2019 after talks brokered by Qatar.",
        "The Swedish prime minister mediated between Iraq and Iran during the 1980s before "
        "returning to domestic politics.",
        "Georgian leaders turned down a Turkish offer to mediate with Moscow in 2008.",
    ],
)
def test_mediation_dated_in_a_past_year_is_background(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    "text",
    [
        # near misses: an ongoing role since a year, and the same story without a date
        "Qatar has been mediating between Chad's government and the rebels since 2021.",
        "Eritrea and Djibouti reopened their embassies on Monday after talks brokered by Qatar.",
    ],
)
def test_ongoing_or_undated_mediation_still_counts(text: str, parser: SentenceParser) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["mediate"]
    assert ids(got[0], "mediator") == ["QAT"]


def test_a_state_government_and_rebels_are_both_sides(parser: SentenceParser) -> None:
    got = mediations(
        "Gabon's president offered to mediate between the Chad government and rebels who "
        "had taken the town of Abeche.",
        parser,
    )
    assert [e["action"] for e in got] == ["offer"]
    assert ids(got[0], "parties") == ["OTHER", "TCD"]


def test_a_government_noun_without_a_second_side_adds_nobody(parser: SentenceParser) -> None:
    # near miss: nothing coordinated after "government"
    got = mediations(
        "Gabon's president offered to mediate between the Chad government ministers in a "
        "cabinet row.",
        parser,
    )
    assert all("OTHER" not in ids(e, "parties") for e in got)


def test_talks_under_a_states_facilitation_are_mediation(parser: SentenceParser) -> None:
    got = mediations(
        "Nepal's government and the Maoist rebels resumed negotiations in Geneva on Monday "
        "under Swiss facilitation.",
        parser,
    )
    assert [e["action"] for e in got] == ["mediate"]
    assert ids(got[0], "mediator") == ["CHE"]
    assert "NPL" in ids(got[0], "parties") and len(got[0]["roles"]["parties"]) == 2


@pytest.mark.parametrize(
    "text",
    [
        # near misses: a facilitation that is no third party's role in talks between two sides
        "The ministry promised faster facilitation of visa applications for Indian students.",
        "Exporters resumed shipments on Monday under the new customs facilitation rules.",
    ],
)
def test_other_facilitation_is_no_mediation(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


def test_a_side_ready_to_join_mediated_talks_accepts(parser: SentenceParser) -> None:
    got = mediations(
        "Armenia said on Monday it was ready to join talks in Vienna mediated by the OSCE "
        "with Azerbaijan.",
        parser,
    )
    assert [e["action"] for e in got] == ["accept"]
    assert ids(got[0], "mediator") == ["IGO:OSCE"]
    assert ids(got[0], "parties") == ["ARM", "AZE"]


def test_a_state_ready_to_mediate_still_offers(parser: SentenceParser) -> None:
    # near miss: the readiness is to mediate itself
    got = mediations(
        "Oman said it was willing to mediate talks in Muscat between Saudi Arabia and Iran.",
        parser,
    )
    assert [e["action"] for e in got] == ["offer"]
    assert ids(got[0], "mediator") == ["OMN"]
