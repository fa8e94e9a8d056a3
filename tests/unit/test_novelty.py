"""Novelty: one alert per real-world event, updates on escalation/corroboration, replay-safe."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from pipeline.alerts.identity import EventIdentityError, event_key
from pipeline.alerts.novelty import MAX_CLUSTERS, Decision, decide
from pipeline.schema import Event
from tests.unit.test_alerts_helpers import (
    ACCEPT_TEXT,
    EU,
    IRN,
    KOR,
    OFFER_PARAPHRASE,
    OFFER_WIRE_COPY,
    PRK,
    RUS,
    T0,
    UKR,
    UNSC,
    USA,
    mediation,
    sanctions,
    settings,
)

S = settings()


def run(events: list[Event], cfg=S, start=T0, step=timedelta(minutes=10)) -> list[Decision]:
    """Feed events through decide() the way the worker does: state per key, stored as JSON."""
    table: dict[str, str] = {}
    out = []
    for i, ev in enumerate(events):
        key = event_key(ev)
        stored = table.get(key)
        d = decide(json.loads(stored) if stored else None, ev, start + i * step, cfg)
        table[key] = json.dumps(d.state, sort_keys=True)
        out.append(d)
    return out


def alerts(decisions: list[Decision]) -> list[tuple[str, str]]:
    return [(d.alert.kind, d.alert.event.action) for d in decisions if d.alert]


# --- keys -------------------------------------------------------------------------------


def test_partial_roles_of_one_event_share_a_key():
    offer = mediation("offer", parties=(USA, PRK))
    accept = mediation("accept", parties=(PRK,), evidence=ACCEPT_TEXT)
    assert event_key(offer) == event_key(accept) == "mediation|mediator=RUS"
    assert (
        event_key(sanctions(sender=(UNSC,)))
        == event_key(sanctions(sender=()))
        == ("sanctions|target=PRK")
    )


def test_key_falls_back_to_the_other_role_and_ignores_order():
    assert event_key(mediation("request", mediator=(), parties=(USA, PRK))) == (
        "mediation|parties=PRK+USA"
    )
    assert event_key(mediation(parties=(USA, PRK))) == event_key(mediation(parties=(PRK, USA)))
    assert event_key(sanctions(sender=(), target=())) == "sanctions|-"


def test_event_outside_the_vocabulary_is_rejected_with_the_field_named():
    with pytest.raises(EventIdentityError, match=r"Event\.action is 'bomb'"):
        decide(None, mediation("bomb"), T0, S)
    bad = mediation()
    bad.roles["sender"] = [RUS]
    with pytest.raises(EventIdentityError, match=r"Event\.roles"):
        event_key(bad)


# --- the acceptance story ----------------------------------------------------------------


def test_seed_story_fires_one_alert_per_event_and_counts_the_rest():
    seed_mediation = mediation()
    seed_sanctions = sanctions()
    republished = mediation(article="a2", url="https://outlet-a.example/amp/kremlin-offer")
    paraphrase = mediation(
        article="b1",
        url="https://outlet-b.example/2026/03/moscow-broker",
        source="Outlet B",
        evidence=OFFER_PARAPHRASE,
        title="Moscow ready to broker US-North Korea talks",
    )
    accept = mediation(
        "accept",
        parties=(PRK,),
        article="c1",
        url="https://outlet-c.example/pyongyang-accepts",
        source="Outlet C",
        evidence=ACCEPT_TEXT,
        title="Pyongyang accepts Russian mediation",
    )
    ds = run([seed_mediation, seed_sanctions, republished, paraphrase, accept])

    assert alerts(ds) == [("new", "offer"), ("new", "impose"), ("update", "accept")]
    new_med, new_sanc, rep, para, upd = ds
    assert new_med.alert.event.roles["mediator"] == [RUS]
    assert new_sanc.alert.event.roles["sender"] == [UNSC]
    assert new_med.alert.event_id != new_sanc.alert.event_id
    # re-published under another URL: one more report, not one more independent source
    assert rep.alert is None and "same outlet or wire story" in rep.reason
    assert rep.state["clusters"][0]["n_src"] == 2 and rep.state["clusters"][0]["n_ind"] == 1
    # paraphrase from another outlet: another independent source, still no alert
    assert para.alert is None
    assert para.state["clusters"][0]["n_src"] == 3 and para.state["clusters"][0]["n_ind"] == 2
    # acceptance: an update of the same event, which now knows every source
    assert upd.alert.kind == "update"
    assert upd.alert.event_id == new_med.alert.event_id
    assert upd.alert.previous_action == "offer"
    assert upd.alert.source_count == 4
    assert upd.alert.independent_source_count == 3  # outlets A, B, C
    assert "offer -> accept" in upd.alert.reason
    assert upd.alert.alert_id != new_med.alert.alert_id


def test_wire_copy_in_other_outlets_counts_as_one_independent_source():
    first = mediation()
    copies = [
        mediation(
            article=f"w{i}",
            url=f"https://paper-{i}.example/world/{i}",
            source=f"Paper {i}",
            evidence=OFFER_WIRE_COPY,
            title=f"Headline rewritten by paper {i}",
        )
        for i in range(4)
    ]
    ds = run([first, *copies])
    assert alerts(ds) == [("new", "offer")]
    cluster = ds[-1].state["clusters"][0]
    assert cluster["n_src"] == 5
    assert cluster["n_ind"] == 1


def test_corroboration_threshold_fires_one_update():
    texts = [
        "Moscow offered its good offices to the two nuclear rivals, officials in the capital said.",
        "A Russian diplomat said the Kremlin could host a meeting of American and North Korean envoys.",  # noqa: E501
        "Russia's foreign ministry proposed that it facilitate a dialogue over the peninsula.",
        "Officials in Moscow repeated their willingness to help the adversaries negotiate.",
    ]
    evs = [mediation()] + [
        mediation(
            article=f"x{i}",
            url=f"https://indep-{i}.example/a",
            source=f"Independent {i}",
            evidence=t,
        )
        for i, t in enumerate(texts)
    ]
    ds = run(evs, cfg=settings(corroboration_threshold=3))
    assert alerts(ds) == [("new", "offer"), ("update", "offer")]
    upd = next(d for d in ds if d.alert and d.alert.kind == "update")
    assert upd is ds[2]  # the third independent source
    assert upd.alert.independent_source_count == 3
    assert upd.alert.previous_action is None
    assert "corroborated by 3 independent sources" in upd.reason


def test_escalation_ladders_and_relief_is_its_own_event():
    ds = run(
        [
            sanctions(
                "threaten", sender=(EU,), target=(IRN,), article="1", url="https://a.example/1"
            ),
            sanctions(
                "impose", sender=(EU,), target=(IRN,), article="2", url="https://a.example/2"
            ),
            sanctions(
                "threaten", sender=(EU,), target=(IRN,), article="3", url="https://a.example/3"
            ),
            sanctions(
                "extend", sender=(EU,), target=(IRN,), article="4", url="https://a.example/4"
            ),
            sanctions("ease", sender=(EU,), target=(IRN,), article="5", url="https://a.example/5"),
            sanctions("lift", sender=(EU,), target=(IRN,), article="6", url="https://a.example/6"),
        ]
    )
    assert alerts(ds) == [
        ("new", "threaten"),
        ("update", "impose"),
        ("update", "extend"),
        ("new", "ease"),
        ("update", "lift"),
    ]
    assert ds[2].alert is None  # a step back down the ladder is just another report
    assert ds[4].alert.event_id != ds[0].alert.event_id


def test_mediation_ladder_offer_accept_mediate_halt():
    steps = ["offer", "accept", "mediate", "halt", "reject"]
    ds = run([mediation(a, article=a, url=f"https://a.example/{a}") for a in steps])
    assert alerts(ds) == [
        ("new", "offer"),
        ("update", "accept"),
        ("update", "mediate"),
        ("update", "halt"),
    ]
    assert ds[4].alert is None  # reject is on the same rung as halt


def test_other_target_or_disjoint_parties_are_other_events():
    ds = run(
        [
            sanctions(),
            sanctions(target=(IRN,), article="s2", url="https://a.example/iran"),
            mediation(),
            mediation(parties=(UKR, KOR), article="m2", url="https://a.example/other"),
            mediation(parties=(PRK,), article="m3", url="https://a.example/subset"),
        ]
    )
    assert [d.alert.kind if d.alert else None for d in ds] == ["new", "new", "new", "new", None]
    assert ds[4].event_id == ds[2].event_id  # the subset joined the first mediation


def test_sender_overlap_joins_but_disjoint_senders_do_not():
    from pipeline.schema import Actor

    gbr = Actor("GBR", "United Kingdom", "country")
    can = Actor("CAN", "Canada", "country")
    ds = run(
        [
            sanctions(sender=(USA, gbr, EU), target=(RUS,), article="1", url="https://a.example/1"),
            sanctions(sender=(gbr, EU, can), target=(RUS,), article="2", url="https://a.example/2"),
            sanctions(sender=(UKR,), target=(RUS,), article="3", url="https://a.example/3"),
        ]
    )
    assert [d.alert.kind if d.alert else None for d in ds] == ["new", None, "new"]


# --- modality and confidence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "setting", "reason"),
    [
        ({"hypothetical": True}, {"alert_on_hypothetical": True}, "hypothetical"),
        ({"negated": True}, {"alert_on_negated": True}, "negated"),
        ({"confidence": 0.3}, {"min_confidence": 0.2}, "confidence 0.30 < 0.50"),
    ],
)
def test_modal_and_weak_events_fire_only_when_configured(flags, setting, reason):
    ev = mediation(**flags)
    quiet = decide(None, ev, T0, S)
    assert quiet.alert is None
    assert f"suppressed: {reason}" in quiet.reason
    assert quiet.state["clusters"] == []  # a later real sighting must still be new
    loud = decide(None, ev, T0, settings(**setting))
    assert loud.alert is not None and loud.alert.kind == "new"


def test_hypothetical_then_real_event_fires_new():
    ds = run([mediation(hypothetical=True), mediation(article="a2", url="https://a.example/2")])
    assert alerts(ds) == [("new", "offer")]
    assert ds[1].alert is not None


# --- at-least-once, windows, bounds -------------------------------------------------------


def test_replay_after_crash_fires_nothing_and_changes_no_count():
    ev = mediation()
    first = decide(None, ev, T0, S)
    again = decide(first.state, ev, T0 + timedelta(minutes=3), S)
    assert first.alert is not None
    assert again.alert is None and again.reason.startswith("replay")
    assert again.state == first.state


def test_crash_before_state_saved_rebuilds_the_same_alert_id():
    """The agent sends the alert before saving state; a replay then must repeat the same ids."""
    ev = mediation()
    first = decide(None, ev, T0, S)
    replayed = decide(None, ev, T0 + timedelta(seconds=40), S)
    assert replayed.alert.alert_id == first.alert.alert_id
    assert replayed.alert.event_id == first.alert.event_id


def test_input_state_is_not_mutated():
    first = decide(None, mediation(), T0, S)
    frozen = copy.deepcopy(first.state)
    decide(first.state, mediation("accept", article="b", url="https://b.example/x"), T0, S)
    assert first.state == frozen


def test_window_slides_with_reports_and_expires_after_silence():
    day = timedelta(days=1)
    ds = run(
        [mediation(article=str(i), url=f"https://a.example/{i}") for i in range(4)],
        cfg=settings(novelty_window_days=7),
        step=6 * day,
    )
    # reported every 6 days: one ongoing event
    assert alerts(ds) == [("new", "offer")]
    later = decide(
        ds[-1].state,
        mediation(article="z", url="https://a.example/z"),
        T0 + 18 * day + 7 * day + timedelta(hours=1),
        S,
    )
    assert later.alert is not None and later.alert.kind == "new"
    assert later.alert.event_id != ds[0].alert.event_id
    assert len(later.state["clusters"]) == 1  # the expired cluster is gone


def test_state_stays_bounded_however_often_an_event_is_reported():
    table = None
    n = 400
    for i in range(n):
        ev = mediation(
            article=f"id{i}",
            url=f"https://outlet-{i % 50}.example/story/{i}",
            source=f"Outlet {i % 50}",
            evidence=f"Report number {i} says Moscow offered mediation ({'x' * (i % 7)}) today.",
        )
        table = decide(table, ev, T0 + timedelta(minutes=i), S).state
    cluster = table["clusters"][0]
    assert cluster["n_src"] == n  # counts go on past the caps
    assert len(json.dumps(table)) < 8000
    # many keys' worth of clusters under one key are capped too
    for i in range(3 * MAX_CLUSTERS):
        ev = sanctions(
            sender=(f_actor(i),), target=(PRK,), article=f"k{i}", url=f"https://a.example/{i}"
        )
        table = decide(table if i else None, ev, T0 + timedelta(minutes=i), S).state
    assert len(table["clusters"]) == MAX_CLUSTERS


def f_actor(i: int):
    from pipeline.schema import Actor

    return Actor(f"ORG:sender-{i}", f"Sender {i}", "org")


def test_unreadable_state_is_replaced_and_says_so():
    d = decide({"v": 99, "whatever": 1}, mediation(), T0, S)
    assert d.alert is not None and d.alert.kind == "new"
    assert d.reason.startswith("unreadable state replaced")


def test_persons_stand_for_their_state_and_organs_for_their_organisation():
    from pipeline.schema import Actor

    lavrov = Actor("PERSON:sergei-lavrov", "Sergei Lavrov", "person", country="RUS")
    un = Actor("IGO:UN", "United Nations", "igo")
    ds = run(
        [
            mediation(),
            mediation(
                mediator=(lavrov,),
                article="m2",
                url="https://b.example/lavrov",
                source="Outlet B",
                evidence=OFFER_PARAPHRASE,
            ),
            sanctions(),
            sanctions(sender=(un,), article="s2", url="https://b.example/un"),
        ]
    )
    assert alerts(ds) == [("new", "offer"), ("new", "impose")]
    assert event_key(mediation(mediator=(lavrov,))) == "mediation|mediator=RUS"
    assert "sender=IGO:UNSC" in ds[2].reason  # the reason names the actor as detected


def test_a_sanctioned_person_is_another_event_than_their_country():
    from pipeline.schema import Actor

    oligarch = Actor("PERSON:some-oligarch", "Some Oligarch", "person", country="RUS")
    ds = run(
        [
            sanctions(sender=(USA,), target=(RUS,)),
            sanctions(sender=(USA,), target=(oligarch,), article="s2", url="https://b.example/o"),
        ]
    )
    assert alerts(ds) == [("new", "impose"), ("new", "impose")]
    assert event_key(ds[1].alert.event) == "sanctions|target=PERSON:some-oligarch"


def test_malformed_cluster_is_dropped_not_fatal():
    first = decide(None, mediation(), T0, S)
    broken = copy.deepcopy(first.state)
    del broken["clusters"][0]["n_src"]
    broken["clusters"].append({"id": "x"})
    d = decide(broken, mediation(), T0, S)
    assert d.alert is not None and d.alert.kind == "new"
    assert d.reason.startswith("malformed clusters dropped")
    assert len(d.state["clusters"]) == 1


def test_update_replayed_before_its_state_was_saved_keeps_its_alert_id():
    first = decide(None, mediation(), T0, S)
    accept = mediation("accept", parties=(PRK,), article="c", url="https://c.example/x")
    upd = decide(first.state, accept, T0 + timedelta(hours=1), S)
    again = decide(first.state, accept, T0 + timedelta(hours=1, minutes=2), S)
    assert upd.alert.kind == again.alert.kind == "update"
    assert again.alert.alert_id == upd.alert.alert_id != first.alert.alert_id
    # and once the state is saved, the replay is recognised
    assert decide(upd.state, accept, T0 + timedelta(hours=2), S).alert is None
