"""Mediation rules of session 8b, on own invented sentences (not from any labelled set), each
construction in two or three wordings: a host whose guests are two coordinated sides, there
for talks; an envoy meeting a side's minister, president or commanders; an envoy who is also
someone else's former official acts for the body he is envoy of; pausing a mediation halts it;
an offer by two coordinated states; a CV that mediated through a complement ("who spent years
mediating") is no event; "X and Y said they brokered" names both; the signatories of an accord
reached "under a deal mediated by X" are its parties; an envoy shuttling after a dateline that
the parse took for the subject; "A and B signed an accord under X mediation" names A and B."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations


@pytest.mark.parametrize(
    ("text", "action", "mediator", "parties"),
    [
        # a host of two coordinated sides for talks mediates between them
        (
            "Egypt's president hosted Sudan's army chief and the leaders of the paramilitary "
            "forces for a week of negotiations in Cairo.",
            "mediate",
            ["EGY"],
            ["OTHER", "SDN"],
        ),
        (
            "The Angolan government hosted Rwanda's foreign minister and Congo's foreign "
            "minister for a new round of talks in Luanda.",
            "mediate",
            ["AGO"],
            ["COG", "RWA"],
        ),
        (
            "Oman hosted Iranian officials and American envoys for indirect talks in Muscat "
            "last month.",
            "mediate",
            ["OMN"],
            ["IRN", "USA"],
        ),
        # an envoy meeting a state's minister or president and the other side's commanders
        (
            "The AU's special envoy met Somalia's president and Ethiopian army commanders in "
            "Mogadishu.",
            "mediate",
            ["IGO:AU"],
            ["ETH", "SOM"],
        ),
        (
            "The Turkish envoy met Russia's foreign minister and then Ukraine's defence "
            "minister in Istanbul.",
            "mediate",
            ["TUR"],
            ["RUS", "UKR"],
        ),
        (
            "Ghana's former president, now the African Union's envoy, met Malian junta "
            "leaders and Tuareg rebel commanders in Bamako.",
            "mediate",
            ["IGO:AU"],
            ["MLI", "OTHER"],
        ),
        # pausing a mediation halts it
        (
            "Qatar has paused its mediation between Israel and Hamas, a foreign ministry "
            "spokesman said.",
            "halt",
            ["QAT"],
            ["ISR", "ORG:hamas"],
        ),
        (
            "Kuwait said it was pausing its mediation efforts between Saudi Arabia and Qatar "
            "until both sides showed goodwill.",
            "halt",
            ["KWT"],
            ["QAT", "SAU"],
        ),
        (
            "The African Union paused mediation between Ethiopia and Eritrea after the border "
            "clashes.",
            "halt",
            ["IGO:AU"],
            ["ERI", "ETH"],
        ),
        # an offer by two coordinated states names both as mediators
        (
            "Russia's foreign ministry said a proposal by Brazil and China to mediate in "
            "Ukraine deserved attention.",
            "offer",
            ["BRA", "CHN"],
            [],
        ),
        # "X and Y said they had brokered": the pronoun stands for both speakers
        (
            "Egypt and Qatar said they had mediated a truce between Israel and Islamic Jihad "
            "that took effect at midnight.",
            "mediate",
            ["EGY", "QAT"],
            ["ISR", "ORG:islamic-jihad"],
        ),
        (
            "Turkey and the United Nations said on Friday they brokered an agreement between "
            "Russia and Ukraine to reopen grain exports.",
            "mediate",
            ["IGO:UN", "TUR"],
            ["RUS", "UKR"],
        ),
        # the signatories of an accord reached under a deal or at a ceremony someone mediated
        (
            "Ethiopia and Eritrea signed a peace accord in Jeddah on Sunday at a ceremony "
            "facilitated by Saudi Arabia.",
            "mediate",
            ["SAU"],
            ["ERI", "ETH"],
        ),
        (
            "Colombia and the FARC rebels agreed on a bilateral ceasefire in Havana under an "
            "accord brokered by Cuba and Norway.",
            "mediate",
            ["CUB", "NOR"],
            ["COL", "ORG:farc"],
        ),
        # a dateline that the parse takes for the subject: the envoy named before shuttles
        (
            "ADDIS ABABA, May 4 (Reuters) - Kenyan envoy Grace Wanjiru shuttled between "
            "Ethiopian and Eritrean officials on Thursday.",
            "mediate",
            ["KEN"],
            ["ERI", "ETH"],
        ),
        (
            "BEIRUT, Jan 12 (AP) - The Arab League envoy Omar Haddad shuttled between Lebanese "
            "and Syrian officials all week.",
            "mediate",
            ["IGO:ARL"],
            ["LBN", "SYR"],
        ),
        # "A and B <did something> under X mediation": the subject names the sides
        (
            "Serbia and Kosovo restarted their dialogue in Brussels under EU mediation on Monday.",
            "mediate",
            ["IGO:EU"],
            ["SRB", "XKX"],
        ),
        (
            "Sudan and South Sudan signed an oil agreement under African Union mediation in "
            "Addis Ababa.",
            "mediate",
            ["IGO:AU"],
            ["SDN", "SSD"],
        ),
    ],
)
def test_mediation_frames_s8b(
    parser: SentenceParser, text: str, action: str, mediator: list[str], parties: list[str]
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, (text, got)
    assert got[0]["action"] == action
    assert got[0]["ids"]["mediator"] == mediator
    assert got[0]["ids"]["parties"] == parties


@pytest.mark.parametrize(
    "text",
    [
        # a host of two guests of one side, or not for talks, or no state host: no mediation
        "The prime minister hosted the French president and the German chancellor for talks "
        "on energy.",
        "The club hosted Arsenal and Chelsea for a preseason tournament.",
        "Ghana hosted Mali and Burkina Faso at a summit on security.",
        # an envoy meeting one side, or a minister of no named state
        "The U.N. envoy met the Iraqi president and the prime minister on Monday.",
        "The Chinese ambassador met the Iraqi president on Monday.",
        # a mediation in a past relative clause about a person, also as a complement
        "The veteran Algerian diplomat, who spent three years mediating between Ethiopia and "
        "Eritrea in the late 1990s, died in Algiers on Tuesday.",
        "The former Finnish president, who helped mediate between Indonesia and the Aceh "
        "rebels, was awarded a prize on Friday.",
        "A Ghanaian diplomat who tried to mediate between Togo and Benin in 1994 has died, his "
        "family said.",
    ],
)
def test_no_mediation_s8b(parser: SentenceParser, text: str) -> None:
    assert mediations(text, parser) == []
