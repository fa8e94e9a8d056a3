"""Event detection: the seed article, every action, hard negatives, modality, roles, merging.

Sentences come from tests/fixtures/events/*.jsonl (written for this project); the events are
detected from the text and the actor dictionary alone, as the offline default does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import EventSettings
from pipeline.events.detect import DETECTOR_VERSION, detect_events
from pipeline.nlp.actors import default_linker
from pipeline.schema import (
    MEDIATION_ACTIONS,
    SANCTIONS_ACTIONS,
    Article,
    EnrichedArticle,
    Entity,
    Event,
    TopicScore,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"


def load(name: str) -> list[dict[str, Any]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


OWN = load("dev-own.jsonl")
POSITIVES = [i for i in OWN if i["gold"]]
NEGATIVES = [i for i in OWN if not i["gold"]]


def enriched(text: str, **kw: Any) -> EnrichedArticle:
    art = Article(
        id=kw.pop("id", "a1"),
        feed_id="f",
        source=kw.pop("source", "example.org"),
        url=kw.pop("url", "https://example.org/a1"),
        title=kw.pop("title", "A title"),
        content=text,
        published=kw.pop("published", "2026-11-28T07:00:00+00:00"),
        fetched="2026-11-28T07:05:00+00:00",
    )
    return EnrichedArticle(article=art, text=text, **kw)


def detect(text: str, **kw: Any) -> list[Event]:
    return detect_events(enriched(text), **kw)


def roles(e: Event) -> dict[str, set[str]]:
    def norm(a: Any) -> str:
        return a.id if a.kind in ("country", "igo") else "OTHER"

    return {r: {norm(a) for a in actors} for r, actors in e.roles.items()}


# ------------------------------------------------------------------ the seed article
def test_seed_gives_exactly_one_mediation_and_one_sanctions_event(seed_text: str) -> None:
    events = detect(seed_text)
    assert sorted(e.type for e in events) == ["mediation", "sanctions"]
    med = next(e for e in events if e.type == "mediation")
    sanc = next(e for e in events if e.type == "sanctions")
    assert med.action == "offer"
    assert [a.id for a in med.roles["mediator"]] == ["RUS"]
    assert {a.id for a in med.roles["parties"]} == {"USA", "PRK"}
    assert sanc.action == "impose"
    assert [a.id for a in sanc.roles["sender"]] == ["IGO:UNSC"]
    assert [a.id for a in sanc.roles["target"]] == ["PRK"]
    for e in events:
        assert not e.negated and not e.hypothetical
        assert e.evidence and e.evidence in seed_text
        assert 0.5 <= e.confidence <= 1.0


def test_seed_event_carries_article_metadata_and_versions(seed_text: str) -> None:
    art = enriched(
        seed_text,
        id="seed-1",
        url="https://x.test/1",
        source="x.test",
        models={"ner": "dslim/bert-base-NER"},
    )
    events = detect_events(art)
    for e in events:
        assert (e.article_id, e.url, e.source, e.title) == (
            "seed-1",
            "https://x.test/1",
            "x.test",
            "A title",
        )
        assert e.published == "2026-11-28T07:00:00+00:00"
        assert e.detected.startswith("20")
        assert e.models["events"] == DETECTOR_VERSION
        assert e.models["actors"] == default_linker().version
        assert e.models["ner"] == "dslim/bert-base-NER"
        assert Event.from_dict(e.to_dict()).contract_dict() == e.contract_dict()


def test_history_paragraph_gives_nothing() -> None:
    text = (
        "North Korea has been under UN sanctions since 2006. The Security Council had "
        "tightened the sanctions after each nuclear test, and Pyongyang has long evaded "
        "them through ship-to-ship transfers. Decades of sanctions have crippled its economy."
    )
    assert detect(text) == []


def test_seed_tempting_sentences_alone_give_nothing() -> None:
    text = (
        "Lavrov pressed Tillerson to move from the language of sanctions to the negotiating "
        "process as quickly as possible. The immediate change of the implementation of "
        "sanctions for a process of dialogue was also called in the conversation."
    )
    assert detect(text) == []


# ------------------------------------------------------------------ every action
def test_fixtures_cover_every_action() -> None:
    seen = {(g["type"], g["action"]) for i in POSITIVES for g in i["gold"]}
    expected = {("mediation", a) for a in MEDIATION_ACTIONS} | {
        ("sanctions", a) for a in SANCTIONS_ACTIONS
    }
    assert expected <= seen


@pytest.mark.parametrize("item", POSITIVES, ids=[i["id"] for i in POSITIVES])
def test_each_labelled_event_is_detected(item: dict[str, Any]) -> None:
    events = detect(item["text"])
    for gold in item["gold"]:
        ok = {gold["action"], *gold.get("alt_actions", [])}
        match = [e for e in events if e.type == gold["type"] and e.action in ok]
        assert match, f"{gold['type']}/{gold['action']} not found in {events}"
        e = match[0]
        assert e.negated == gold["negated"]
        assert e.hypothetical == gold["hypothetical"]
        # the acting role must be right (mediator / sender); the other role is checked on
        # the figures (role accuracy), where a partial miss is allowed
        acting = "mediator" if gold["type"] == "mediation" else "sender"
        assert roles(e)[acting] == set(gold["roles"][acting])


# ------------------------------------------------------------------ hard negatives
@pytest.mark.parametrize("item", NEGATIVES, ids=[i["id"] for i in NEGATIVES])
def test_hard_negatives_give_no_event(item: dict[str, Any]) -> None:
    assert detect(item["text"]) == []


# ------------------------------------------------------------------ roles
@pytest.mark.parametrize(
    "text, want",
    [
        # active voice, "sanctions on X"
        ("Canada imposed sanctions on Iran.", {"sender": {"CAN"}, "target": {"IRN"}}),
        # passive with an agent
        (
            "Sanctions against Syria were lifted by the EU.",
            {"sender": {"IGO:EU"}, "target": {"SYR"}},
        ),
        # "X's sanctions", a list of targets
        (
            "The U.S. extended its embargo against Libya, Iraq and Sudan.",
            {"sender": {"USA"}, "target": {"LBY", "IRQ", "SDN"}},
        ),
        # reported speech: the minister speaks for his state
        (
            "Lavrov said Russia was ready to mediate between Armenia and Azerbaijan.",
            {"mediator": {"RUS"}, "parties": {"ARM", "AZE"}},
        ),
        # hyphenated parties
        (
            "Oman mediated US-Iran talks in Muscat.",
            {"mediator": {"OMN"}, "parties": {"USA", "IRN"}},
        ),
        # mediator named in a compound
        (
            "A UN-brokered truce between Israel and Lebanon held overnight.",
            {"mediator": {"IGO:UN"}, "parties": {"ISR", "LBN"}},
        ),
    ],
)
def test_roles(text: str, want: dict[str, set[str]]) -> None:
    events = detect(text)
    assert len(events) == 1, events
    assert roles(events[0]) == want


def test_urging_someone_to_sanction_is_a_call_and_a_pending_action() -> None:
    # the premodified noun ("Iran sanctions") is the target; the urged actor the sender
    # (events-dev labels "Trump urges UN to renew Iran sanctions" so: conflibert-train:492)
    events = {e.action: e for e in detect("Washington urged the UN to renew Iran sanctions.")}
    assert set(events) == {"extend", "call"}
    assert roles(events["extend"]) == {"sender": {"IGO:UN"}, "target": {"IRN"}}
    assert events["extend"].hypothetical
    assert roles(events["call"]) == {"sender": {"USA"}, "target": {"IRN"}}
    assert not events["call"].hypothetical
    # a call for lifting is only the pending lift (the caller has no role)
    (lift,) = detect("China and Russia called on the US to lift sanctions against Iran.")
    assert (lift.action, lift.hypothetical) == ("lift", True)
    assert roles(lift) == {"sender": {"USA"}, "target": {"IRN"}}


@pytest.mark.parametrize(
    "text, action, sender, target",
    [
        ("Washington could sanction Turkey over the purchase.", "impose", "USA", "TUR"),
        ("The EU threatened to sanction Belarusian officials.", "threaten", "IGO:EU", "BLR"),
        ("US sanctions Iran", "impose", "USA", "IRN"),
        ("Iran seeks relief from sanctions imposed by Washington.", "ease", "USA", "IRN"),
    ],
)
def test_sanction_as_a_verb_and_relief(text: str, action: str, sender: str, target: str) -> None:
    events = [e for e in detect(text) if e.action == action]
    assert events, detect(text)
    assert roles(events[0]) == {"sender": {sender}, "target": {target}}


def test_relief_roles_follow_who_gives_or_seeks_it() -> None:
    (sought,) = detect("Iran wants sanctions relief from the US.")
    assert roles(sought) == {"sender": {"USA"}, "target": {"IRN"}}
    assert (sought.action, sought.hypothetical) == ("ease", True)
    (granted,) = detect("Washington granted Iraq a sanctions waiver to buy Iranian gas.")
    assert roles(granted) == {"sender": {"USA"}, "target": {"IRQ"}}
    assert (granted.action, granted.hypothetical) == ("ease", False)


def test_former_officials_are_not_their_state() -> None:
    (e,) = detect("The U.S. Treasury lifted sanctions on a former Venezuelan official.")
    assert roles(e)["target"] == {"OTHER"}


def test_instrument_is_reported() -> None:
    (e,) = detect("The Security Council lifted the arms embargo on Somalia.")
    assert e.instrument == "arms embargo"
    # asset freezes without a sanction noun: tests/unit/test_events_parse.py (read from the parse)


# ------------------------------------------------------------------ modality
@pytest.mark.parametrize(
    "text, action, negated, hypothetical",
    [
        ("The EU did not impose sanctions on Turkey.", "impose", True, False),
        ("Obama said he will not lift the embargo until Cuba reforms.", "lift", True, False),
        ("The UN failed to renew the arms embargo on Iran.", "extend", True, False),
        ("Japan could ease sanctions on North Korea if talks resume.", "ease", False, True),
        ("China urged Washington to lift sanctions on Iran.", "lift", False, True),
        ("Japan decided to ease sanctions on North Korea.", "ease", False, False),
        (
            "Russia offered to mediate between Armenia and Azerbaijan if both agree.",
            "offer",
            False,
            False,
        ),
        ("Qatar has not suspended its mediation between Israel and Hamas.", "halt", True, False),
        ("Israel rejected Egyptian mediation.", "reject", False, False),
    ],
)
def test_negated_and_hypothetical(
    text: str, action: str, negated: bool, hypothetical: bool
) -> None:
    events = [e for e in detect(text) if e.action == action]
    assert events, detect(text)
    assert (events[0].negated, events[0].hypothetical) == (negated, hypothetical)


# ------------------------------------------------------------------ merging
def test_several_sentences_about_one_event_give_one_event() -> None:
    text = (
        "Kremlin offers to mediate between Washington and Pyongyang\n\n"
        "Russia is ready to act as a mediator between North Korea and the United States, "
        "Lavrov said. Moscow would be a suitable candidate to mediate talks between the US "
        "and North Korea, he added."
    )
    events = detect(text)
    assert len(events) == 1
    assert events[0].action == "offer"
    assert roles(events[0]) == {"mediator": {"RUS"}, "parties": {"USA", "PRK"}}


def test_organ_and_parent_mentions_merge_into_the_specific_actor() -> None:
    text = (
        "The UN Security Council voted to impose new sanctions on Eritrea. "
        "The new UN sanctions on Eritrea were passed by the United Nations on Friday."
    )
    events = detect(text)
    assert len(events) == 1
    assert [a.id for a in events[0].roles["sender"]] == ["IGO:UNSC"]


def test_a_default_action_does_not_merge_into_an_opposite_one() -> None:
    text = "The U.S. lifted sanctions on Sudan. New U.S. sanctions on Sudan followed in May."
    assert sorted(e.action for e in detect(text)) == ["impose", "lift"]


def test_different_events_stay_apart() -> None:
    text = (
        "The EU imposed sanctions on Belarus. Separately, the United States lifted sanctions "
        "on Sudan."
    )
    got = sorted((e.action, tuple(sorted(roles(e)["sender"]))) for e in detect(text))
    assert got == [("impose", ("IGO:EU",)), ("lift", ("USA",))]


# ------------------------------------------------------------------ inputs and settings
def test_enricher_entities_win_over_the_dictionary() -> None:
    text = "Jordan imposed sanctions on Syria."
    plain = detect(text)
    assert roles(plain[0])["sender"] == {"JOR"}
    # an NER model that reads "Jordan" as a person (no actor) overrides the dictionary
    person = Entity(text="Jordan", label="PERSON", start=0, end=6, actor=None)
    assert detect_events(enriched(text, entities=[person])) == []


def test_min_confidence_filters_events() -> None:
    text = "Canada imposed sanctions on Iran."
    assert detect(text)
    assert detect(text, settings=EventSettings(min_confidence=0.99)) == []


def test_topics_are_only_a_soft_signal() -> None:
    no_trigger = enriched(
        "Iran's oil exports fell in March.", topics=[TopicScore("sanctions", 0.99)]
    )
    assert detect_events(no_trigger) == []
    text = "Canada imposed sanctions on Iran."
    low = detect_events(enriched(text, topics=[TopicScore("sanctions", 0.01)]))
    high = detect_events(enriched(text, topics=[TopicScore("sanctions", 0.95)]))
    assert len(low) == len(high) == 1
    assert high[0].confidence > low[0].confidence


def test_run_on_text_is_windowed_and_still_read() -> None:
    filler = " ".join(["the weather was mild and the markets were calm"] * 60)  # no full stop
    text = f"{filler} and Canada imposed sanctions on Iran while {filler}"
    assert len(text) > 4000
    (e,) = detect(text)
    assert roles(e) == {"sender": {"CAN"}, "target": {"IRN"}}


def test_empty_and_odd_text() -> None:
    assert detect("") == []
    assert detect("sanctions") == []  # no action, no sender
    # a bare trigger names nobody: whatever it yields, it must not invent actors
    for e in detect("Mediation."):
        assert all(not actors for actors in e.roles.values())
