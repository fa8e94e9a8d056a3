"""Alert agent: ``news.events`` -> ``alerts.<type>``, one alert per new event.

Order, for an alert that is neither lost nor repeated by a crash (docs/delivery.md): note the
alert topic's end offsets, write and flush the novelty state that says "alerted" with a
``pending`` marker (pipeline/alerts/pending.py), send the alert and await its ack, then write
the state without the marker (flushed before the next commit). A stored state that still
carries a marker is resolved before anything else is decided for its key: the alert topic is
read from the noted offsets, and the alert is sent again only if it is not there.

Test-only fault injection: ``NEWSMON_FAULT_EXIT_AFTER_ALERT_ACK=1`` ends the process with
``os._exit(137)`` (as a kill -9 would) right after the first alert's ack, before the state is
written (tests/integration/test_alert_window.py). Never set it in a deployment.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import faust

from agents.alert_scan import AlertTopicReader
from agents.app import WorkerContext
from agents.deadletters import DeadLetters
from agents.delivery import EXIT_DELIVERY_FAILED, acknowledged
from pipeline.alerts.build import parse_time
from pipeline.alerts.novelty import decide
from pipeline.alerts.pending import pending_of, resolve, with_pending, without_pending
from pipeline.logs import get_logger, log_event
from pipeline.metrics import record_alert, record_stage
from pipeline.schema import Event, dumps, loads

log = get_logger("newsmon.agents.alerts")
STAGE = "alerts"
T = TypeVar("T")
READ_RETRY_S = 60.0  # how long a failing read of an alert topic is retried before exiting
FAULT_ENV = "NEWSMON_FAULT_EXIT_AFTER_ALERT_ACK"  # test only, see the module docstring


def register_alert_agent(
    app: faust.App,
    ctx: WorkerContext,
    source: faust.TopicT,
    sinks: dict[str, faust.TopicT],
    deadletters: DeadLetters,
    novelty: faust.types.TableT,
    feedback: faust.types.TableT | None = None,
) -> Any:
    reader = AlertTopicReader(ctx.settings)
    fault_after_ack = os.environ.get(FAULT_ENV) == "1"
    by_name = {topic.get_topic_name(): topic for topic in sinks.values()}

    async def read_alert_topic(fn: Callable[[Any], T], arg: Any) -> T:
        """A blocking read of an alert topic, in a thread. A broker restarting is retried for
        up to READ_RETRY_S (a kill -9 of the broker reset the read mid-way and ended a worker
        that had no supervisor); a read still failing then ends the process (Faust would ack
        the event if the agent raised), and the restart reads it again."""
        started = time.monotonic()
        retries = 0
        while True:
            try:
                return await asyncio.to_thread(fn, arg)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
                if time.monotonic() - started >= READ_RETRY_S:
                    log_event(log, "alert_topic_unreadable_exiting", error=error,
                              exit_status=EXIT_DELIVERY_FAILED)
                    os._exit(EXIT_DELIVERY_FAILED)
                log_event(log, "alert_topic_unreadable_retrying", 30, error=error,
                          attempt=retries + 1)
                await asyncio.sleep(min(5.0, 0.5 * 2**retries))
                retries += 1

    async def settle_pending(key: bytes, state: dict[str, Any]) -> dict[str, Any]:
        """The state with its marker resolved: the alert resent if it never reached its topic."""
        pending = pending_of(state)
        found = pending is not None and await read_alert_topic(reader.contains, pending)
        resolution = resolve(state, found)
        if resolution.resend is not None:
            again = resolution.resend
            topic = by_name.get(again.topic) or app.topic(again.topic)
            fut = await topic.send(key=again.event_id.encode(), value=again.record)
            await acknowledged([fut], STAGE)
        novelty[key] = json.dumps(resolution.state, sort_keys=True).encode()
        log_event(
            log,
            "alert_pending_resolved",
            alert_id=pending.alert_id if pending else None,
            resent=resolution.resend is not None,
            reason=resolution.reason,
        )
        return resolution.state

    @app.agent(source, name="newsmon.alerts")
    async def alerts(stream: faust.StreamT) -> None:
        async for key, raw in stream.items():
            try:
                event = loads(raw, Event)
                stored = novelty.get(key)
                state = json.loads(stored) if stored else None
            except Exception as exc:
                await deadletters.send(STAGE, source, raw, exc, key)
                continue
            if isinstance(state, dict) and "pending" in state:
                state = await settle_pending(key, state)
                stored = novelty.get(key)
            try:
                marks = feedback.get(key) if feedback is not None else None  # agents/feedback.py
                decision = decide(
                    state,
                    event,
                    datetime.now(UTC),
                    ctx.settings.events,
                    marks=json.loads(marks) if marks else None,
                )
            except Exception as exc:
                await deadletters.send(STAGE, source, raw, exc, key)
                continue
            final_state = without_pending(decision.state)
            if decision.alert is not None:
                alert = decision.alert
                sink = sinks[event.type]
                record = dumps(alert)
                offsets = await read_alert_topic(reader.end_offsets, sink.get_topic_name())
                marked = with_pending(final_state, alert, record, sink.get_topic_name(), offsets)
                novelty[key] = json.dumps(marked, sort_keys=True).encode()
                await app.producer.flush()  # the marker is on the changelog before the send
                fut = await sink.send(key=alert.event_id.encode(), value=record)
                await acknowledged([fut], STAGE)
                if fault_after_ack:
                    os._exit(137)
            # Without the marker now; Faust flushes its producer before it commits the event.
            new_state = json.dumps(final_state, sort_keys=True).encode()
            if new_state != stored:
                novelty[key] = new_state
            if decision.alert is not None:
                alert = decision.alert
                record_alert(
                    event.type,
                    alert.kind,
                    published_at=_unix(event.published),
                    fetched_at=_unix(event.fetched),
                )
                log_event(
                    log,
                    "alert_fired",
                    kind=alert.kind,
                    type=event.type,
                    action=event.action,
                    event_id=alert.event_id,
                    reason=decision.reason,
                )
            record_stage(STAGE, 1, 1 if decision.alert else 0, batch=False)

    return alerts


def _unix(iso: str | None) -> float | None:
    ts = parse_time(iso)
    return ts.timestamp() if ts else None
