"""Alert agent: ``news.events`` -> ``alerts.<type>``, one alert per new event.

Order matters for at-least-once: the alert is sent and acknowledged first, then the novelty
state is written to the changelog-backed table and flushed. A crash in between can repeat an
alert (same deterministic alert id, so consumers can drop it) but can never lose one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import faust

from agents.app import WorkerContext
from agents.deadletters import DeadLetters
from agents.delivery import acknowledged
from pipeline.alerts.build import parse_time
from pipeline.alerts.novelty import decide
from pipeline.logs import get_logger, log_event
from pipeline.metrics import record_alert, record_stage
from pipeline.schema import Event, dumps, loads

log = get_logger("newsmon.agents.alerts")
STAGE = "alerts"


def register_alert_agent(
    app: faust.App,
    ctx: WorkerContext,
    source: faust.TopicT,
    sinks: dict[str, faust.TopicT],
    deadletters: DeadLetters,
    novelty: faust.types.TableT,
    feedback: faust.types.TableT | None = None,
) -> Any:
    @app.agent(source, name="newsmon.alerts")
    async def alerts(stream: faust.StreamT) -> None:
        async for key, raw in stream.items():
            try:
                event = loads(raw, Event)
                stored = novelty.get(key)
                state = json.loads(stored) if stored else None
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
            if decision.alert is not None:
                alert = decision.alert
                fut = await sinks[event.type].send(key=alert.event_id.encode(), value=dumps(alert))
                await acknowledged([fut], STAGE)  # before the state says "already alerted"
            # The state right after the alert's ack, before anything else: a crash between
            # the two is the one window in which an alert can repeat, so keep it short.
            new_state = json.dumps(decision.state, sort_keys=True).encode()
            if new_state != stored:
                novelty[key] = new_state
                await app.producer.flush()
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
