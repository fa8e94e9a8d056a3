"""Feedback agent: ``alerts.feedback`` -> the ``feedback`` table the alert agent reads.

Thin on purpose: parsing and merging are :mod:`pipeline.alerts.feedback`. The marks arrive on
the partition of their event's identity key (the producer puts them there), so this agent runs
on the worker that owns that key's novelty state, and the table write lands in the changelog
partition the alert agent reads after a restart or rebalance.
"""

from __future__ import annotations

import json
from typing import Any

import faust

from agents.deadletters import DeadLetters
from pipeline.alerts.feedback import Mark, merge_mark
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.agents.feedback")
STAGE = "feedback"


def register_feedback_agent(
    app: faust.App,
    source: faust.TopicT,
    deadletters: DeadLetters,
    feedback: faust.types.TableT,
) -> Any:
    @app.agent(source, name="newsmon.feedback")
    async def marks(stream: faust.StreamT) -> None:
        async for key, raw in stream.items():
            try:
                mark = Mark.from_bytes(raw)
                stored = feedback.get(mark.key.encode())
                merged = merge_mark(json.loads(stored) if stored else None, mark)
            except Exception as exc:
                await deadletters.send(STAGE, source, raw, exc, key)
                continue
            feedback[mark.key.encode()] = json.dumps(merged, sort_keys=True).encode()
            await app.producer.flush()
            log_event(log, "mark_applied", event_id=mark.event_id, kind=mark.kind, key=mark.key)

    return marks
