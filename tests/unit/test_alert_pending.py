"""The pending marker of the alert agent: after a kill -9 between an alert and its state,
the restarted worker neither repeats the alert (it is on its topic) nor loses it (it is not)."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

from pipeline.alerts.novelty import decide
from pipeline.alerts.pending import (
    PENDING,
    is_this_alert,
    pending_of,
    resolve,
    with_pending,
    without_pending,
)
from pipeline.schema import dumps
from tests.unit.test_alerts_helpers import T0, mediation, settings

S = settings()
TOPIC = "alerts.mediation"


def _marked():
    """The state the agent flushes before it sends the first alert of an event."""
    first = decide(None, mediation(), T0, S)
    assert first.alert is not None
    record = dumps(first.alert)
    stored = json.loads(json.dumps(with_pending(first.state, first.alert, record, TOPIC, {0: 7})))
    return first, record, stored


def test_a_state_written_before_the_marker_existed_has_none_and_still_decides():
    old = decide(None, mediation(), T0, S).state  # what the worker stored until now
    assert PENDING not in old
    assert pending_of(old) is None and pending_of(None) is None
    again = decide(old, mediation(), T0 + timedelta(minutes=1), S)
    assert again.alert is None and again.reason.startswith("replay")


def test_the_marker_names_the_alert_the_record_and_the_offsets_noted_before_the_send():
    first, record, stored = _marked()
    pending = pending_of(stored)
    assert pending is not None
    assert pending.alert_id == first.alert.alert_id
    assert (pending.event_id, pending.kind) == (first.alert.event_id, "new")
    assert (pending.topic, pending.offsets) == (TOPIC, {0: 7})
    assert pending.record == record  # a resend is byte for byte the alert that was meant
    assert without_pending(stored) == first.state


def test_marker_is_added_without_touching_the_decided_state():
    first = decide(None, mediation(), T0, S)
    frozen = copy.deepcopy(first.state)
    with_pending(first.state, first.alert, dumps(first.alert), TOPIC, {0: 0})
    assert first.state == frozen


def test_killed_after_the_ack_the_alert_is_found_and_not_sent_again():
    first, _, stored = _marked()
    res = resolve(stored, found=True)
    assert res.resend is None
    assert res.state == first.state and PENDING not in res.state
    # and the event read again after the crash is a replay: no second `new`
    again = decide(res.state, mediation(), T0 + timedelta(seconds=30), S)
    assert again.alert is None and again.reason.startswith("replay")


def test_killed_before_the_send_the_missing_alert_is_sent_once_from_the_marker():
    first, record, stored = _marked()
    res = resolve(stored, found=False)
    assert res.resend is not None and res.resend.record == record
    assert res.resend.topic == TOPIC and res.resend.event_id == first.alert.event_id
    assert PENDING not in res.state
    again = decide(res.state, mediation(), T0 + timedelta(seconds=30), S)
    assert again.alert is None  # the replayed event itself fires nothing more


def test_an_unreadable_marker_is_dropped_without_a_resend():
    _, _, stored = _marked()
    stored[PENDING]["offsets"] = "seven"
    assert pending_of(stored) is None
    res = resolve(stored, found=False)
    assert res.resend is None and PENDING not in res.state


def test_only_the_same_alert_id_counts_as_found():
    first, record, stored = _marked()
    pending = pending_of(stored)
    assert pending is not None
    assert is_this_alert(pending, record)
    accept = decide(first.state, mediation("accept", article="b", url="https://b/x"), T0, S)
    assert accept.alert is not None and accept.alert.kind == "update"
    assert not is_this_alert(pending, dumps(accept.alert))  # same event, other alert
    assert not is_this_alert(pending, b"\xff not json") and not is_this_alert(pending, None)
