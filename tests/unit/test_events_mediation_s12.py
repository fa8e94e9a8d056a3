"""Mediation rules of session 12, on own invented paraphrases (not from any labelled set): talks
convened, chaired, steered, called or moderated by a third party (also with a clause between the
talks and the participle), hosts of several rounds or meetings and of two counterparts named by
coordinated modifiers, a venue after mediated talks, "mediation efforts by X", a truce "among"
the sides, and a named person acting for an IGO. Each shape has near misses that must not fire.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_mediation_s9 import ids


def assert_one_mediation(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    """One 'mediate' event with these mediator ids and these party codes (ids before ':')."""
    got = mediations(text, parser)
    assert [e["action"] for e in got] == ["mediate"], got
    assert ids(got[0], "mediator") == mediator
    assert [x.split(":")[0] for x in ids(got[0], "parties")] == parties

@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Peace talks between Sudan and the southern rebels, convened by Kenya's foreign "
            "minister, resumed in Nairobi on Monday.",
            ["KEN"],
            ["OTHER", "SDN"],
        ),
        (
            "The dialogue between Ecuador and Colombia about their border incidents, chaired by "
            "Brazil's foreign minister, made slow progress, diplomats said.",
            ["BRA"],
            ["COL", "ECU"],
        ),
        (
            "A round of talks between Ethiopia and Eritrea called by the Arab League's "
            "secretary-general opened in Cairo on Tuesday.",
            ["IGO:ARL"],
            ["ERI", "ETH"],
        ),
        (
            "The meeting between Chad and Sudan was moderated by Libya's foreign minister.",
            ["LBY"],
            ["SDN", "TCD"],
        ),
    ],
)
def test_talks_organised_by_a_third_party(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    assert_one_mediation(text, mediator, parties, parser)


@pytest.mark.parametrize(
    "text",
    [
        # business talks, a summit with no sides, a truce declared by one side
        "Talks between the two carmakers, chaired by the company's finance director, ended "
        "without a deal.",
        "The summit, chaired by France, adopted a statement on climate.",
        "The ceasefire called by the rebels took effect at dawn, the army said.",
    ],
)
def test_organised_talks_near_misses(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


def test_talks_steered_by_a_named_person_acting_for_an_igo(parser: SentenceParser) -> None:
    got = mediations(
        "The negotiations between Armenia and Azerbaijan over the enclave, steered by a Swiss "
        "diplomat acting for the OSCE, resumed on Friday.",
        parser,
    )
    assert [ids(e, "mediator") for e in got] == [["IGO:OSCE"]]
    assert ids(got[0], "parties") == ["ARM", "AZE"]


def test_halted_talks_steered_by_a_mediator_are_a_halt(parser: SentenceParser) -> None:
    got = mediations(
        "Talks between Sudan and Chad, convened by Qatar's emir, collapsed on Monday.", parser
    )
    assert [e["action"] for e in got] == ["halt"]
    assert ids(got[0], "mediator") == ["QAT"]


@pytest.mark.parametrize(
    ("text", "mediator", "parties"),
    [
        (
            "Norway has quietly played host to four rounds of talks between the Colombian "
            "government and the ELN in Oslo.",
            ["NOR"],
            ["COL", "ORG"],
        ),
        (
            "Egypt hosted secret meetings in Cairo between Fatah and Hamas last month.",
            ["EGY"],
            ["ORG", "ORG"],
        ),
        (
            "Kenya's president hosted his Ugandan and Rwandan counterparts for a meeting aimed "
            "at easing border tensions.",
            ["KEN"],
            ["RWA", "UGA"],
        ),
    ],
)
def test_hosts_of_rounds_meetings_and_two_counterparts(
    text: str, mediator: list[str], parties: list[str], parser: SentenceParser
) -> None:
    assert_one_mediation(text, mediator, parties, parser)


@pytest.mark.parametrize(
    "text",
    [
        # one guest, the host's own ministers, the host's own leaders
        "Kenya's president hosted his Ugandan counterpart for talks on trade.",
        "Germany hosted meetings in Berlin between its own ministers on the budget.",
        "Spain hosted a meeting of its regional leaders for talks on water.",
    ],
)
def test_host_near_misses(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        (
            "Venezuela's government said it would quit the Norway-mediated talks in Barbados.",
            ["VEN"],
        ),
        (
            "The Qatar-brokered negotiations in Doha between the U.S. and the Taliban stalled.",
            ["ORG:taliban", "USA"],
        ),
    ],
)
def test_a_venue_after_mediated_talks_is_no_party(
    text: str, parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1 and ids(got[0], "parties") == parties


def test_mediation_in_a_named_conflict_keeps_its_side(parser: SentenceParser) -> None:
    # near miss: "mediate in <a country's conflict>" names a side, not a venue
    got = mediations("Egypt offered to mediate in Libya's civil war.", parser)
    assert [e["action"] for e in got] == ["offer"]
    assert ids(got[0], "parties") == ["LBY"]


@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        (
            "Mediation efforts by the Algerian government between Mali and the Tuareg rebels "
            "were suspended.",
            ["DZA"],
        ),
        ("A mediation bid by Turkey between Russia and Ukraine collapsed on Friday.", ["TUR"]),
        ("The mediation role of Egypt between Israel and Hamas has grown, analysts said.", ["EGY"]),
    ],
)
def test_mediation_efforts_by_a_third_party(
    text: str, mediator: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1 and ids(got[0], "mediator") == mediator


def test_mediation_efforts_halted_by_a_side_name_no_mediator(parser: SentenceParser) -> None:
    # near miss: the "by" phrase after the halt verb is a side, not the mediator
    got = mediations(
        "Mediation efforts between Mali and the rebels were suspended by the rebels.", parser
    )
    assert len(got) == 1 and ids(got[0], "mediator") == []


def test_a_truce_among_the_sides(parser: SentenceParser) -> None:
    got = mediations(
        "Mediated by Qatar, the truce among the Afghan government and the Taliban held for a week.",
        parser,
    )
    assert len(got) == 1 and ids(got[0], "parties") == ["AFG", "ORG:taliban"]


def test_negotiations_in_a_country_mediated_by_a_verb_keep_the_country(
    parser: SentenceParser,
) -> None:
    # near miss: "mediate (talks) in Ukraine" names the country the talks are about
    got = mediations("Finland said it was ready to mediate peace talks in Sudan.", parser)
    assert [e["action"] for e in got] == ["offer"]
    assert ids(got[0], "parties") == ["SDN"]


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        (
            "Qatar mediated between the Sudanese army and a coalition of paramilitary units on "
            "Sunday.",
            ["OTHER", "SDN"],
        ),
        (
            "Turkey offered to mediate between Ethiopia and the leadership of the breakaway "
            "province.",
            ["ETH", "OTHER"],
        ),
        (
            "A truce between Myanmar's army and an alliance of ethnic militias was brokered by "
            "China.",
            ["MMR", "OTHER"],
        ),
    ],
)
def test_an_unnamed_side_of_a_between_pair_is_other(
    text: str, parties: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1 and ids(got[0], "parties") == parties


def test_a_between_pair_with_a_named_unknown_side_is_not_doubled(parser: SentenceParser) -> None:
    # near miss: the second side already has an OTHER name, no second OTHER is added
    got = mediations(
        "Talks between the Guatemalan government and the URNG guerrillas, chaired by a Swiss "
        "diplomat, resumed.",
        parser,
    )
    assert len(got) == 1
    assert [x.split(":")[0] for x in ids(got[0], "parties")] == ["GTM", "OTHER"]


def test_messages_between_rooms_name_no_sides(parser: SentenceParser) -> None:
    # near miss: "between rooms" is no pair of sides
    assert (
        mediations("Oman's minister passed messages between rooms during the talks.", parser) == []
    )
