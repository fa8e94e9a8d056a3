"""Mediation rules of session 11, on own invented paraphrases (not from any labelled set):
sides the dictionary does not know count as OTHER (after a possessive state, as the subject of
a rejection, an "ethnic" people), "its Sudan mediation" names the topic and not the mediator,
"a U.N. offer" names the one who offers, a demonym before "and" shares the head of the next
state, and a side "with" whom the dispute is may follow a long mediator name. Each rule has a
near miss.
"""

from __future__ import annotations

from typing import Any

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations


def ids(e: dict[str, Any], role: str) -> list[str]:
    """Role ids as the evaluation reads them: a non-state, non-IGO actor is OTHER."""
    out = {a["id"] if a["kind"] in ("country", "igo") else "OTHER" for a in e["roles"][role]}
    return sorted(out)


def test_a_possessive_side_with_modifiers_then_an_unnamed_side(parser: SentenceParser) -> None:
    got = mediations(
        "Gabon's president mediated talks between Chad's transitional government and armed "
        "opposition groups in Libreville.",
        parser,
    )
    assert ids(got[0], "parties") == ["OTHER", "TCD"]
    # near miss: two named states stay two states, no OTHER
    got = mediations(
        "Gabon's president mediated talks between Chad's transitional government and Sudan.",
        parser,
    )
    assert ids(got[0], "parties") == ["SDN", "TCD"]


def test_an_ethnic_people_is_no_state(parser: SentenceParser) -> None:
    got = mediations(
        "The United States mediated talks between Macedonia's government and ethnic Albanian "
        "guerrilla commanders.",
        parser,
    )
    assert ids(got[0], "parties") == ["MKD", "OTHER"]
    # near miss: without "ethnic" the demonym stands for the state's officials
    got = mediations(
        "The United States mediated talks between Macedonia's government and Albanian officials.",
        parser,
    )
    assert ids(got[0], "parties") == ["ALB", "MKD"]


def test_its_country_mediation_names_the_topic(parser: SentenceParser) -> None:
    got = mediations(
        "The African Union suspended its Sudan mediation after both armies ignored the truce.",
        parser,
    )
    assert [e["action"] for e in got] == ["halt"]
    assert ids(got[0], "mediator") == ["IGO:AU"]
    # near miss: a state's own name before "mediation" (no "its") is the mediator
    got = mediations("The rebels said Angolan mediation would go on next week.", parser)
    assert ids(got[0], "mediator") == ["AGO"]


def test_an_offer_named_by_a_bare_actor(parser: SentenceParser) -> None:
    got = mediations("Guyana turned down a U.N. offer to mediate with Venezuela.", parser)
    rej = next(e for e in got if e["action"] == "reject")
    assert ids(rej, "mediator") == ["IGO:UN"]
    # near miss: an offer by nobody named has no mediator
    got = mediations("Guyana turned down an offer to mediate with Venezuela.", parser)
    rej = next(e for e in got if e["action"] == "reject")
    assert ids(rej, "mediator") == []


def test_a_demonym_before_and_shares_the_head(parser: SentenceParser) -> None:
    got = mediations(
        "Ethiopia and Eritrea signed a truce under Saudi and U.S. sponsorship.",
        parser,
    )
    assert ids(got[0], "mediator") == ["SAU", "USA"]
    # near miss: one sponsor
    got = mediations("Ethiopia and Eritrea signed a truce under U.S. sponsorship.", parser)
    assert ids(got[0], "mediator") == ["USA"]


def test_the_other_side_after_a_long_mediator_name(parser: SentenceParser) -> None:
    got = mediations(
        "Sudan rejected mediation by the Intergovernmental Authority on Development in its long "
        "border quarrel with South Sudan.",
        parser,
    )
    assert ids(got[0], "parties") == ["SDN", "SSD"]
    # near miss: "with" after a comma starts another clause
    got = mediations(
        "Sudan rejected mediation by the Intergovernmental Authority on Development, with "
        "officials in Egypt watching.",
        parser,
    )
    assert "EGY" not in ids(got[0], "parties")


def test_an_unnamed_subject_rejects_mediation(parser: SentenceParser) -> None:
    got = mediations(
        "Northern separatists refused to join talks mediated by Algeria, saying Bamako had "
        "broken every truce.",
        parser,
    )
    assert ids(got[0], "parties") == ["MLI", "OTHER"]
    # a named state as subject: the separatists it names are the other side (session 12)
    got = mediations(
        "Mali refused to join talks mediated by Algeria, saying the separatists had broken "
        "every truce.",
        parser,
    )
    assert ids(got[0], "parties") == ["MLI", "OTHER"]
    # near miss: a named state as subject and no other side named adds no OTHER
    got = mediations(
        "Mali refused to join talks mediated by Algeria, saying every earlier truce had been "
        "broken.",
        parser,
    )
    assert ids(got[0], "parties") == ["MLI"]


def test_a_long_name_counts_as_one_word_between_cue_and_offer(parser: SentenceParser) -> None:
    got = mediations(
        "Guatemala rejected a proposal from the Organization of American States to mediate its "
        "border quarrel with Belize.",
        parser,
    )
    rej = next(e for e in got if e["action"] == "reject")
    assert ids(rej, "mediator") == ["IGO:OAS"]
    # near miss: nobody answers the proposal, which stays an offer
    got = mediations(
        "A proposal from the Organization of American States to mediate between Guatemala and "
        "Belize was published on Monday.",
        parser,
    )
    assert [e["action"] for e in got] == ["offer"]


def test_sides_that_meet_under_the_auspices_of_a_third(parser: SentenceParser) -> None:
    got = mediations(
        "The leaders of Armenia and Azerbaijan met in Prague under the auspices of the European "
        "Union.",
        parser,
    )
    assert ids(got[0], "mediator") == ["IGO:EU"]
    assert ids(got[0], "parties") == ["ARM", "AZE"]
    # near miss: no two sides meet or talk
    got = mediations(
        "The national museum in Prague reopened under the auspices of the European Union.", parser
    )
    assert got == []


def test_only_if_keeps_an_offer_hypothetical(parser: SentenceParser) -> None:
    got = mediations(
        "Ghana offered to mediate between Togo's government and the opposition, but only if both "
        "sides asked.",
        parser,
    )
    assert got[0]["hypothetical"]
    # near miss: a plain "if" after "offered" is the offer itself (the older convention)
    got = mediations(
        "Ghana offered to mediate between Togo's government and the opposition if both sides "
        "asked.",
        parser,
    )
    assert not got[0]["hypothetical"]


def test_good_offices_to_two_sides(parser: SentenceParser) -> None:
    got = mediations(
        "Senegal offered its good offices to Gambia and Guinea-Bissau on Monday.", parser
    )
    assert ids(got[0], "parties") == ["GMB", "GNB"]
    # near miss: one state after "to" is a remit, not the sides
    got = mediations("Senegal offered its good offices to Gambia on Monday.", parser)
    assert ids(got[0], "parties") == []


def test_the_other_side_named_later_in_a_rejection(parser: SentenceParser) -> None:
    got = mediations(
        "Belize turned down a Mexican offer to mediate, saying the border row with Guatemala "
        "belonged in court.",
        parser,
    )
    rej = next(e for e in got if e["action"] == "reject")
    assert ids(rej, "parties") == ["BLZ", "GTM"]
    # near miss: a meeting "with" someone is no row with them
    got = mediations(
        "Belize turned down a Mexican offer to mediate, saying its president would meet with "
        "Guatemala's leader soon.",
        parser,
    )
    rej = next(e for e in got if e["action"] == "reject")
    assert ids(rej, "parties") == ["BLZ"]
