"""Precision guards of session 11, on own invented sentences (not from any labelled set): the
idea of mediation with no side named, a deal dated as history, a former role read without a
parse, and a broad set of ordinary news that names states next to event words but reports no
event. Each rule sits next to a real event of the same shape that must still fire.
"""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_mediation_s8 import mediations
from tests.unit.test_events_parse import events


@pytest.mark.parametrize(
    "text",
    [
        # a bare mediation noun as a topic ("on", "of") or the subject of "be": the idea
        "Sweden's foreign minister gave a talk on peace mediation at a Boston university.",
        "Norway has a long tradition of mediation in faraway civil wars.",
        "The Finnish foreign ministry hosted a seminar on mediation attended by 30 states.",
        "The AU commission chairman said mediation was the surest road to peace in Africa.",
    ],
)
def test_the_idea_of_mediation_is_no_event(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        # near misses: a mediation someone does, owns or offers, or one between named sides
        ("Kuwait began a mediation effort between the two parties.", ["KWT"]),
        ("Algeria offered its mediation on Monday, the foreign ministry said.", ["DZA"]),
        ("The talks broke up after months of Turkish mediation.", ["TUR"]),
    ],
)
def test_a_mediation_under_way_stays(
    text: str, mediator: list[str], parser: SentenceParser
) -> None:
    got = mediations(text, parser)
    assert len(got) == 1, got
    assert got[0]["ids"]["mediator"] == mediator


@pytest.mark.parametrize(
    "text",
    [
        # the mediation participle describes a deal dated as history ("of 1995", "the 1994")
        "The Dayton agreement of 1995, brokered by Washington, still shapes Bosnian politics.",
        "The 1994 Lusaka Protocol, mediated by the United Nations, ended Angola's war only "
        "briefly.",
        "The 2015 Minsk deal brokered by France and Germany never brought peace to eastern "
        "Ukraine, analysts say.",
    ],
)
def test_a_dated_deal_is_history(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    "text",
    [
        # near misses: the year dates something the mediator acts on, or only a comparison
        "Qatar mediated the 2024 deal between Israel and Hamas, its foreign ministry said.",
        "Egypt is mediating talks on the 2025 ceasefire between Israel and Hamas.",
        "Turkey brokered a prisoner swap between Russia and Ukraine on Friday, the first since "
        "2022.",
    ],
)
def test_a_year_elsewhere_in_the_phrase_keeps_the_mediation(
    text: str, parser: SentenceParser
) -> None:
    assert len(mediations(text, parser)) == 1


def test_a_former_senior_mediator_is_a_cv_also_without_a_parse() -> None:
    text = "A former senior U.N. mediator in the Cyprus talks will teach a course in Geneva."
    assert [e for e in events(text, None) if e["type"] == "mediation"] == []
    # near miss: the serving mediator
    near = "The senior U.N. mediator held talks with Greek Cypriot and Turkish leaders."
    assert [e for e in events(near, None) if e["type"] == "mediation"] != []


def test_a_state_mediator_between_a_union_and_its_state_owner_is_labour(
    parser: SentenceParser,
) -> None:
    # the state side is named only as the owner of the union: a labour mediation, also with a
    # state mediator
    text = "The Polish government's mediator met the Polish miners' union to end the strike."
    assert mediations(text, parser) == []


# ordinary news with states beside event words, and no event (all own sentences)
HARD_NEGATIVES = [
    "The drug's effect on blood pressure is mediated by a receptor in the kidney.",
    "A mortgage broker in Leeds was fined for misleading customers about interest rates.",
    "The new software will facilitate faster payments between banks in Germany and France.",
    "The league sanctioned the club with a points deduction after fans invaded the pitch.",
    "The city of Paris banned diesel cars from its centre on Monday to cut pollution.",
    "Airlines cancelled hundreds of flights to Iceland as volcanic ash closed the airspace.",
    "Economists argue that sanctions rarely change the behaviour of authoritarian governments.",
    "India cut import duties on electric vehicles to attract Tesla and other carmakers.",
    "A court-appointed mediator will help the two brothers divide their late father's estate.",
    "The school launched a peer mediation programme to reduce bullying among pupils.",
    "Japan's trade envoy met Australian and New Zealand ministers to discuss a beef quota.",
    "A shuttle bus runs between the airport and the city centre every twenty minutes.",
    "The Red Cross carried messages between detained fishermen and their families.",
    "Kenya hosted Uganda and Tanzania for a football tournament in Nairobi.",
    "The French ambassador met business leaders and student representatives in Dakar.",
    "The ministry froze the salaries of civil servants to balance the budget.",
    "Brazil banned the export of raw timber from the Amazon to fight deforestation.",
    "Parliament passed a law banning the sale of energy drinks to children.",
    "Egypt halted gas supplies to its own power plants during a heatwave.",
    "Shares of the brokerage fell 5 percent after it missed earnings forecasts.",
    "The US Treasury published guidance for banks on complying with existing sanctions on Iran.",
    "Analysts said the embargo on Cuba has failed to bring about political change in six decades.",
    "Mexico raised tariffs on steel from countries with which it has no trade agreement, to "
    "protect local mills.",
    "Qatar Airways suspended flights to Shanghai because of weak demand.",
    "A facilitator guided the workshop on climate adaptation for farmers in Malawi.",
    "The Indian cricket board suspended two players for breaching its code of conduct.",
    "Australia's competition regulator blocked the merger of two supermarket chains.",
    "The embassy suspended visa services for a week because of a computer failure.",
    "India halted exports of onions to keep domestic prices down ahead of the festival season.",
    "Turkey blocked Sweden's bid to join NATO for more than a year.",
    "Norway's central bank froze its key interest rate at 4.5 percent.",
    "South Korea halted propaganda loudspeaker broadcasts along the border with North Korea.",
    "The UN climate envoy met Chinese and American negotiators in Dubai to discuss methane.",
    "A book on Kissinger's shuttle diplomacy in the Middle East was published on Tuesday.",
    "Germany banned a neo-Nazi group and raided its members' homes in six states.",
    "The World Bank approved a $500 million loan to Kenya to support budget reforms.",
    "Russia's oil exports rose in March despite Western sanctions, the IEA said.",
    "Greece and Turkey resumed direct talks on confidence-building measures in Athens.",
    "Students boycotted classes at the University of Dhaka to protest a tuition increase.",
    "The FIFA council suspended the Indian football federation for third-party influence.",
    "A UN panel said North Korea evaded sanctions by transferring oil at sea.",
    "Kazakhstan said it would comply with Western sanctions on Russia to protect its banks.",
    "The U.S. envoy for Sudan met aid groups and donors in Nairobi to discuss the famine.",
    "The author, a former U.N. mediator, argues that negotiations rarely succeed without pressure.",
    "Iran's parliament speaker said talks with the U.S. would not resume while sanctions remain.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_ordinary_news_beside_event_words_is_no_event(text: str, parser: SentenceParser) -> None:
    assert events(text, parser) == []


@pytest.mark.parametrize(
    ("text", "action"),
    [
        # the mediation itself is the subject of the halt verb
        (
            "Mediation by the Arab League between Algeria and Morocco was suspended on Monday "
            "after a border clash.",
            "halt",
        ),
        # near miss: mediators who failed to persuade still mediate
        (
            "The Qatari mediators failed to persuade Israel and Hamas to extend the truce, "
            "diplomats said.",
            "mediate",
        ),
    ],
)
def test_a_suspended_mediation_is_a_halt(text: str, action: str, parser: SentenceParser) -> None:
    got = mediations(text, parser)
    assert [e["action"] for e in got] == [action], got


@pytest.mark.parametrize(
    "text",
    [
        # the text says there is no mediation at all
        "Egypt said there was nothing to mediate until both sides stopped fighting.",
        "Turkey saw no need for mediators in its dispute with Greece.",
    ],
)
def test_no_need_for_mediation_is_no_event(text: str, parser: SentenceParser) -> None:
    assert mediations(text, parser) == []


@pytest.mark.parametrize(
    "text",
    [
        # near misses: room for mediation, or a need for it, is stated
        "Qatar said there was still room to mediate between Israel and Hamas.",
        "Turkey said there was a need for mediators in the dispute between Armenia and Azerbaijan.",
    ],
)
def test_room_or_need_for_mediation_stays(text: str, parser: SentenceParser) -> None:
    assert len(mediations(text, parser)) == 1
