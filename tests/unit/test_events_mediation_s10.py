"""Mediation rules of session 10, on own invented paraphrases (not from any labelled set): talks
hosted, sponsored, convened or chaired *by* a third party, "X-led talks", talks "under X
sponsorship" and guarantors of talks make that party the mediator between two named sides; a
deal agreed in such talks is no acceptance; the whole coordinated agent of a passive mediates.
Each rule has a near miss.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_mediation_s9 import ids


def sides(e: dict) -> list[str]:  # type: ignore[type-arg]
    return sorted({"OTHER" if x.startswith(("OTHER", "ORG")) else x for x in ids(e, "parties")})


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Delegates of Sudan and South Sudan met in Addis Ababa for talks convened by the "
            "African Union.",
            ["IGO:AU"],
            ["SDN", "SSD"],
        ),
        (
            "Chad and Sudan agreed to a truce on Sunday in talks chaired by Togo's president.",
            ["TGO"],
            ["SDN", "TCD"],
        ),
        (
            "Ecuador's government and the rebels resumed talks in Caracas, with Venezuela and "
            "Brazil acting as guarantors.",
            ["BRA", "VEN"],
            ["ECU", "OTHER"],
        ),
        (
            "A truce between Ethiopian and Eritrean forces, agreed under Algerian sponsorship, "
            "held overnight.",
            ["DZA"],
            ["ERI", "ETH"],
        ),
        (
            "Qatar hosted a second round of talks between Chad's government and rebel groups "
            "on Sunday.",
            ["QAT"],
            ["OTHER", "TCD"],
        ),
    ],
)
def test_a_third_party_behind_the_talks_mediates(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["mediate"]
    assert ids(got[0], "mediator") == mediator
    assert sides(got[0]) == parties


@pytest.mark.parametrize(
    "text",
    [
        # near misses: no two sides, no talks, or a commercial sponsor
        "Officials met in Geneva for talks hosted by the World Health Organization.",
        "A conference on ocean plastics hosted by Norway drew delegates from Chile and Peru.",
        "Qatar hosted a second round of talks in Doha on Sunday.",
        "Germany acted as guarantor for the loan to Greece, the finance ministry said.",
        "Spain and Portugal signed a deal under Emirates sponsorship.",
        "A Saudi-led coalition struck rebel positions in Yemen and Oman.",
    ],
)
def test_no_third_party_behind_talks_is_no_mediation(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


def test_led_talks_mediate_and_can_fail(parser: SentenceParser) -> None:
    got = mediations("Mali's junta and Tuareg rebels resumed Algeria-led talks on Tuesday.", parser)
    assert [(e["action"], ids(e, "mediator")) for e in got] == [("mediate", ["DZA"])]
    got = mediations("Algeria-led talks between Mali and Tuareg rebels collapsed.", parser)
    assert [(e["action"], ids(e, "mediator")) for e in got] == [("halt", ["DZA"])]


def test_agreeing_to_join_sponsored_talks_is_an_acceptance(parser: SentenceParser) -> None:
    # near miss of the truce agreed in hosted talks: here the talks themselves are agreed to
    got = mediations(
        "Chad agreed on Sunday to join talks chaired by Togo's president with the rebels.", parser
    )
    assert [(e["action"], ids(e, "mediator")) for e in got] == [("accept", ["TGO"])]
    # and a mediator agreeing to mediate still offers
    got = mediations("Qatar agreed on Monday to mediate between Chad and the rebels.", parser)
    assert [e["action"] for e in got] == ["offer"]


def test_a_coordinated_passive_agent_all_mediate(parser: SentenceParser) -> None:
    got = mediations(
        "Sudan's army and the rebels sent delegations to Jeddah for talks sponsored by Saudi "
        "Arabia and the United States.",
        parser,
    )
    assert ids(got[0], "mediator") == ["SAU", "USA"]


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Talks between Sudan and South Sudan, chaired by Kenya's president on behalf of "
            "IGAD, resumed in Nairobi.",
            ["IGO:IGAD"],
            ["SDN", "SSD"],
        ),
        (
            "Senegal's foreign minister, acting as chairman of ECOWAS, mediated talks between "
            "Guinea and Sierra Leone.",
            ["IGO:ECOWAS"],
            ["GIN", "SLE"],
        ),
        # near miss: acting for no IGO, the person's state mediates
        (
            "Kenya's president mediated between Ethiopia and Eritrea on behalf of the region.",
            ["KEN"],
            ["ERI", "ETH"],
        ),
    ],
)
def test_a_person_acting_for_an_igo_mediates_for_it(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["mediate"]
    assert ids(got[0], "mediator") == mediator
    assert sides(got[0]) == parties


def test_mediation_put_on_hold_is_a_halt(parser: SentenceParser) -> None:
    got = mediations(
        "Mediation between Chad's government and the rebels has been put on hold after an "
        "attack, Qatar's envoy said.",
        parser,
    )
    assert [e["action"] for e in got] == ["halt"]
    # near miss: a pause that is over, in a clause of its own
    got = mediations(
        "Norway's mediation between Colombia and the rebels resumed after months on hold.", parser
    )
    assert [e["action"] for e in got] == ["mediate"]


def test_fronted_auspices_name_the_sides_after_the_comma(parser: SentenceParser) -> None:
    got = mediations(
        "Under the auspices of the United Nations, delegates from Cyprus and Turkey met in Geneva.",
        parser,
    )
    assert [(e["action"], ids(e, "mediator"), sides(e)) for e in got] == [
        ("mediate", ["IGO:UN"], ["CYP", "TUR"])
    ]
    # near miss: pressure from a third party is no auspices
    assert not mediations(
        "Under pressure from the African Union, Ethiopia and Egypt resumed talks on the dam.",
        parser,
    )


def test_letting_a_list_of_states_mediate_is_an_acceptance(parser: SentenceParser) -> None:
    got = mediations(
        "Ghana and Togo agreed on Monday to let Nigeria, Senegal and the African Union mediate "
        "their border row.",
        parser,
    )
    assert [(e["action"], ids(e, "mediator"), sides(e)) for e in got] == [
        ("accept", ["IGO:AU", "NGA", "SEN"], ["GHA", "TGO"])
    ]
    # near miss: agreeing to mediate oneself is the mediator's offer
    assert [
        e["action"] for e in mediations("Qatar agreed to mediate between Chad and Sudan.", parser)
    ] == ["offer"]


@pytest.mark.parametrize(
    "text",
    [
        "Indonesia stood ready to facilitate talks between Thailand's government and the "
        "insurgents if both sides requested it.",
        "Algeria said it would not mediate between Morocco and Mali unless both governments asked.",
    ],
)
def test_mediation_on_a_condition_is_hypothetical(text: str, parser: SentenceParser) -> None:
    got = mediations(text, parser)
    assert [(e["negated"], e["hypothetical"]) for e in got] == [(False, True)]


def test_mediation_done_or_offered_with_a_condition_is_real(parser: SentenceParser) -> None:
    got = mediations("Turkey offers to mediate between Chad and Sudan if both agree.", parser)
    assert [(e["action"], e["hypothetical"]) for e in got] == [("offer", False)]
    got = mediations(
        # (no date: a mediation dated "last year" is history, test_events_precision_s10)
        "Qatar mediated talks between Chad and Sudan on Monday and said it would do so again "
        "if asked.",
        parser,
    )
    assert [(e["action"], e["hypothetical"]) for e in got] == [("mediate", False)]
