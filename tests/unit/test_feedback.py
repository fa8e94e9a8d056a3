"""Analysts' marks: building them, the feedback table value, and what decide() does with them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipeline.alerts.feedback import (
    Mark,
    MarkError,
    apply_marks,
    feedback_partition,
    feedback_report,
    make_mark,
    merge_mark,
)
from pipeline.alerts.identity import event_key
from pipeline.alerts.novelty import decide
from tests.unit.test_alerts_helpers import IRN, T0, mediation, sanctions, settings


def _new_sanctions():  # type: ignore[no-untyped-def]
    d = decide(None, sanctions(), T0, settings())
    assert d.alert is not None
    return d


def test_a_mark_names_the_event_and_its_identity_key_and_round_trips() -> None:
    d = _new_sanctions()
    mark = make_mark(d.alert, "false", by="ana", now=T0)  # type: ignore[arg-type]
    assert mark.key == event_key(sanctions()) == "sanctions|target=PRK"
    assert mark.record_key() == f"sanctions|target=PRK#{d.alert.event_id}".encode()  # type: ignore[union-attr]
    import json

    again = Mark.from_bytes(json.dumps(mark.to_dict()).encode())
    assert again == mark


def test_bad_marks_are_refused_with_the_field_named() -> None:
    d = _new_sanctions()
    with pytest.raises(MarkError, match="duplicate_of"):
        make_mark(d.alert, "duplicate")  # type: ignore[arg-type]
    with pytest.raises(MarkError, match="itself"):
        make_mark(d.alert, "duplicate", d.alert.event_id)  # type: ignore[arg-type, union-attr]
    with pytest.raises(MarkError, match="'kind'"):
        make_mark(d.alert, "wrong")  # type: ignore[arg-type]
    with pytest.raises(MarkError, match="not valid JSON"):
        Mark.from_bytes(b"\xff")
    with pytest.raises(MarkError, match="event_id"):
        Mark.from_bytes(b'{"schema": 1, "kind": "false"}')


def test_the_feedback_partition_is_where_kafka_puts_the_identity_key() -> None:
    from aiokafka.partitioner import DefaultPartitioner

    for key in ("sanctions|target=PRK", "mediation|mediator=RUS", "sanctions|target=IRN"):
        for n in (1, 4, 7):
            assert feedback_partition(key, n) == DefaultPartitioner()(
                key.encode(), list(range(n)), list(range(n))
            )


def test_a_false_mark_mutes_the_update_that_would_have_fired_and_keeps_counting() -> None:
    s = settings(corroboration_threshold=2)
    first = _new_sanctions()
    marks = merge_mark(None, make_mark(first.alert, "false", now=T0))  # type: ignore[arg-type]
    other = sanctions(
        "extend",
        article="s2",
        url="https://b.example/x",
        source="Outlet B",
        evidence="The council extended its measures against Pyongyang for another year.",
    )
    unmarked = decide(first.state, other, T0 + timedelta(hours=1), s)
    assert unmarked.alert is not None and unmarked.alert.kind == "update"  # the control
    muted = decide(first.state, other, T0 + timedelta(hours=1), s, marks=marks)
    assert muted.alert is None
    assert "marked event" in muted.reason and "false alert" in muted.reason
    assert muted.state["clusters"][0]["n_src"] == 2  # still counted
    # the same sighting replayed later changes nothing either
    assert decide(muted.state, other, T0 + timedelta(hours=2), s, marks=marks).alert is None


def test_marks_of_other_events_change_nothing() -> None:
    first = _new_sanctions()
    other_event = decide(
        None, sanctions(target=(IRN,), article="i1", url="https://i/1"), T0, settings()
    )
    marks = merge_mark(None, make_mark(other_event.alert, "false", now=T0))  # type: ignore[arg-type]
    upd = decide(
        first.state,
        sanctions("extend", article="s2", url="https://b/2"),
        T0 + timedelta(hours=1),
        settings(),
        marks=marks,
    )
    assert upd.alert is not None


def test_a_duplicate_merges_into_its_event_whose_updates_then_fire() -> None:
    s = settings(corroboration_threshold=5)
    a = decide(None, mediation(), T0, s)
    # a second cluster under the same key: parties too different to match the first
    from tests.unit.test_alerts_helpers import KOR, UKR

    b = decide(
        a.state,
        mediation(
            parties=(UKR, KOR),
            article="b1",
            url="https://b/1",
            evidence="Moscow offered to mediate between Kyiv and Seoul.",
        ),
        T0 + timedelta(minutes=5),
        s,
    )
    assert b.alert is not None and b.alert.event_id != a.alert.event_id  # type: ignore[union-attr]
    assert len(b.state["clusters"]) == 2
    marks = merge_mark(None, make_mark(b.alert, "duplicate", a.alert.event_id, now=T0))  # type: ignore[arg-type, union-attr]
    state = apply_marks(b.state, marks)
    assert [c["id"] for c in state["clusters"]] == [a.alert.event_id]  # type: ignore[union-attr]
    merged = state["clusters"][0]
    assert merged["n_src"] == 2 and set(merged["roles"]["parties"]) == {"USA", "PRK", "UKR", "KOR"}
    # an escalation reported for the duplicate's parties now updates the surviving event
    acc = decide(
        b.state,
        mediation(
            "accept",
            parties=(UKR,),
            article="b2",
            url="https://b/2",
            evidence="Kyiv accepted Moscow's mediation.",
        ),
        T0 + timedelta(hours=1),
        s,
        marks=marks,
    )
    assert acc.alert is not None and acc.alert.kind == "update"
    assert acc.alert.event_id == a.alert.event_id  # type: ignore[union-attr]


def test_a_duplicate_of_an_event_under_another_key_is_muted() -> None:
    first = _new_sanctions()
    marks = merge_mark(None, make_mark(first.alert, "duplicate", "0" * 20, now=T0))  # type: ignore[arg-type]
    upd = decide(
        first.state,
        sanctions("extend", article="s2", url="https://b/2"),
        T0 + timedelta(hours=1),
        settings(),
        marks=marks,
    )
    assert upd.alert is None and "duplicate of 00000000000000000000" in upd.reason


def test_feedback_report_gives_the_marked_share_per_type_and_action() -> None:
    s1 = _new_sanctions().alert
    m1 = decide(None, mediation(), T0, settings()).alert
    s2 = decide(None, sanctions(target=(IRN,), article="i", url="https://i"), T0, settings()).alert
    marks = [make_mark(s1, "false", now=T0)]  # type: ignore[arg-type]
    rows = feedback_report([s1, m1, s2], marks)  # type: ignore[list-item]
    assert rows == [
        {
            "type": "mediation",
            "action": "offer",
            "events": 1,
            "false": 0,
            "duplicate": 0,
            "marked_share": 0.0,
        },
        {
            "type": "sanctions",
            "action": "impose",
            "events": 2,
            "false": 1,
            "duplicate": 0,
            "marked_share": 0.5,
        },
    ]
