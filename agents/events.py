"""Event agent: ``news.enriched`` -> ``news.events``, re-keyed by event identity so that every
sighting of one real-world event lands on the partition that holds its novelty state."""

from __future__ import annotations

import asyncio
from typing import Any

import faust

from agents.app import WorkerContext
from agents.deadletters import DeadLetters
from agents.delivery import acknowledged
from pipeline.alerts.novelty import event_key
from pipeline.events.detect import detect_events
from pipeline.logs import get_logger, log_event
from pipeline.metrics import EVENTS, record_stage
from pipeline.schema import EnrichedArticle, Event, dumps, loads

log = get_logger("newsmon.agents.events")
STAGE = "events"


def register_event_agent(
    app: faust.App,
    ctx: WorkerContext,
    source: faust.TopicT,
    sink: faust.TopicT,
    deadletters: DeadLetters,
) -> Any:
    def parse_and_detect(raw: bytes) -> tuple[EnrichedArticle, list[Event]]:
        enriched = loads(raw, EnrichedArticle)
        return enriched, detect_events(enriched, ctx.settings.events)

    @app.agent(source, name="newsmon.events")
    async def events(stream: faust.StreamT) -> None:
        loop = asyncio.get_running_loop()
        async for raw in stream:
            try:
                # its own thread: not the event loop (detection is pure Python, 5-30 ms for a
                # full-length article, so a batch of them held the loop for tenths of a second),
                # and not the inference thread (it would wait behind a whole batch)
                enriched, found = await loop.run_in_executor(
                    ctx.events_executor, parse_and_detect, raw
                )
            except Exception as exc:  # Faust would ack and drop it: dead-letter it instead
                await deadletters.send(STAGE, source, raw, exc)
                continue
            pending = []
            for event in found:
                pending.append(await sink.send(key=event_key(event).encode(), value=dumps(event)))
                EVENTS.labels(type=event.type, action=event.action).inc()
            await acknowledged(pending, STAGE)  # before the stream acks the article
            record_stage(STAGE, 1, len(found), batch=False)
            if found:
                log_event(
                    log,
                    "events_detected",
                    article_id=enriched.article.id,
                    events=[f"{e.type}:{e.action}" for e in found],
                )

    return events
