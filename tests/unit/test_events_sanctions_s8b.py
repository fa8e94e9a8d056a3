"""Sanctions rules of round 8b, on invented sentences (not from any labelled set): a call on
someone else to take a measure (the call and the urged actor's pending measure, as events-dev
labels it), and a measure someone threatens to take."""

from __future__ import annotations

import pytest

from pipeline.nlp.parser import SentenceParser
from tests.unit.test_events_sanctions_s8 import only, sanctions


@pytest.mark.parametrize(
    ("text", "action", "sender", "target"),
    [
        # threatening to take a measure that is no sanction noun
        (
            "Canada threatened on Monday to slap export curbs on Chinese steel.",
            "threaten",
            "CAN",
            "CHN",
        ),
        (
            "Berlin threatened to impose entry restrictions on Belarusian officials.",
            "threaten",
            "DEU",
            "BLR",
        ),
    ],
)
def test_calls_and_threats(
    parser: SentenceParser, text: str, action: str, sender: str, target: str
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == (action, [sender], [target])
    assert not e["hypothetical"] and not e["negated"]


@pytest.mark.parametrize(
    ("text", "caller", "urged", "target"),
    [
        ("Ghana pressed its AU partners on Friday to adopt sanctions on Togo's ruling generals.",
         "GHA", "IGO:AU", "TGO"),
        ("Sweden will ask the European Union to impose a trade embargo on Eritrea, the "
         "foreign minister said.", "SWE", "IGO:EU", "ERI"),
        ("Peru asked the Organization of American States on Tuesday to weigh an arms "
         "embargo on Nicaragua.", "PER", "IGO:OAS", "NIC"),
    ],
)
def test_urging_another_actor_is_a_call_and_its_pending_measure(
    parser: SentenceParser, text: str, caller: str, urged: str, target: str
) -> None:
    got = {e["action"]: e for e in sanctions(text, parser)}
    assert (got["call"]["ids"]["sender"], got["call"]["ids"]["target"]) == ([caller], [target])
    assert not got["call"]["hypothetical"]
    pending = [e for a, e in got.items() if a != "call"]
    assert len(pending) == 1 and pending[0]["action"] in ("impose", "threaten")
    assert (pending[0]["ids"]["sender"], pending[0]["ids"]["target"]) == ([urged], [target])


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        # a member's suspension: the organisation whose membership it is suspends it
        (
            "Delegates at the summit in Addis Ababa suspended Guinea's membership of the "
            "African Union until elections are held.",
            "IGO:AU",
            "GIN",
        ),
        (
            "Envoys gathered in Brussels suspended Belarus's participation in the Organization "
            "of American States.",
            "IGO:OAS",
            "BLR",
        ),
        # the passive: "was suspended from" an organisation
        ("Guinea has been suspended from ECOWAS until constitutional order is restored.",
         "IGO:ECOWAS", "GIN"),
        ("Madagascar was suspended from the African Union on Tuesday after the putsch.",
         "IGO:AU", "MDG"),
        # a collective of an organisation's members stands for it
        ("West African heads of state imposed a trade embargo on Guinea-Bissau after the coup.",
         "IGO:ECOWAS", "GNB"),
    ],
)  # fmt: skip
def test_suspension_by_an_organisation(
    parser: SentenceParser, text: str, sender: str, target: str
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == ("impose", [sender], [target])


@pytest.mark.parametrize(
    "text",
    [
        "The striker was suspended from the national team for three matches.",
        "Two Russian judges were suspended from the International Skating Union.",
        "Turkey wants to suspend its membership of the customs union talks.",
    ],
)
def test_suspensions_that_are_no_sanction(parser: SentenceParser, text: str) -> None:
    assert sanctions(text, parser) == []


@pytest.mark.parametrize(
    ("text", "senders", "targets"),
    [
        # a list of states with "the" inside it, which the parse reads as an apposition
        (
            "Canada, the United States, Britain and Australia froze the assets of three "
            "Iranian state banks.",
            ["AUS", "CAN", "GBR", "USA"],
            ["IRN"],
        ),
        (
            "Kenya, the Democratic Republic of Congo, Uganda and Rwanda closed their airspace "
            "to Burundian aircraft.",
            ["COD", "KEN", "RWA", "UGA"],
            ["BDI"],
        ),
        (
            "The European Union imposed tariffs on imports from China, the United States, "
            "Canada and Mexico.",
            ["IGO:EU"],
            ["CAN", "CHN", "MEX", "USA"],
        ),
    ],
)
def test_listed_states_with_an_article(
    parser: SentenceParser, text: str, senders: list[str], targets: list[str]
) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == ("impose", senders, targets)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        # the European Community / EEC of older reports is the EU
        ("The European Economic Community froze its trade agreement with Syria.", "SYR"),
        ("The EEC imposed an arms embargo on Yugoslavia.", "SRB"),
        ("The European Community suspended all economic aid to Haiti after the coup.", "HTI"),
    ],
)
def test_european_community_is_the_eu(parser: SentenceParser, text: str, target: str) -> None:
    e = only(text, parser)
    assert (e["action"], e["ids"]["sender"], e["ids"]["target"]) == ("impose", ["IGO:EU"], [target])


def test_european_community_without_a_measure(parser: SentenceParser) -> None:
    assert sanctions("The European Community is the world's largest trading bloc.", parser) == []


@pytest.mark.parametrize(
    ("text", "action"),
    [
        # a decision verb governs the infinitive across the vote count and adjuncts
        (
            "The Security Council voted 12-0 with three abstentions to tighten the arms "
            "embargo on Somalia.",
            "extend",
        ),
        (
            "EU ministers decided at a late-night meeting in Luxembourg to extend sanctions "
            "on Belarus.",
            "extend",
        ),
        ("The UN Security Council voted 14-0 on Tuesday to impose an arms embargo on Eritrea.",
         "impose"),
    ],
)  # fmt: skip
def test_decided_measures_are_facts(parser: SentenceParser, text: str, action: str) -> None:
    e = only(text, parser)
    assert e["action"] == action
    assert not e["hypothetical"] and not e["negated"]


def test_a_readiness_after_a_decision_stays_a_threat(parser: SentenceParser) -> None:
    e = only("The EU agreed on Monday that it was ready to impose sanctions on Iran.", parser)
    assert e["action"] == "threaten"
