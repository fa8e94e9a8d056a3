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

Detected = tuple[EnrichedArticle, list[Event]] | BaseException


def register_event_agent(
    app: faust.App,
    ctx: WorkerContext,
    source: faust.TopicT,
    sink: faust.TopicT,
    deadletters: DeadLetters,
) -> Any:
    settings = ctx.settings

    def parse_and_detect(batch: list[bytes]) -> list[Detected]:
        """Decoding and detection of a whole batch in one executor call: one thread hop per
        batch instead of one per article, which in a burst kept the event loop (and with it
        the enrich agent's sends) waiting on the hand-over. A record that fails is returned as
        its exception, so it alone goes to the dead-letter topic."""
        out: list[Detected] = []
        for raw in batch:
            try:
                enriched = loads(raw, EnrichedArticle)
                out.append((enriched, detect_events(enriched, settings.events)))
            except Exception as exc:  # dead-lettered by the agent
                out.append(exc)
        return out

    @app.agent(source, name="newsmon.events")
    async def events(stream: faust.StreamT) -> None:
        loop = asyncio.get_running_loop()
        async for batch in stream.take(settings.worker.batch_size, settings.worker.batch_within_s):
            # its own thread: not the event loop (detection is pure Python, 5-30 ms for a
            # full-length article), and not the inference thread (it would wait behind a batch)
            results = await loop.run_in_executor(ctx.events_executor, parse_and_detect, batch)
            pending = []
            detected: list[tuple[EnrichedArticle, list[Event]]] = []
            for raw, result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):  # Faust would ack and drop it
                    await deadletters.send(STAGE, source, raw, result)
                    continue
                enriched, found = result
                for event in found:
                    pending.append(
                        await sink.send(key=event_key(event).encode(), value=dumps(event))
                    )
                    EVENTS.labels(type=event.type, action=event.action).inc()
                detected.append(result)
            await acknowledged(pending, STAGE)  # before take() acks the batch
            record_stage(STAGE, len(batch), len(pending))
            for enriched, found in detected:
                if found:
                    log_event(
                        log,
                        "events_detected",
                        article_id=enriched.article.id,
                        events=[f"{e.type}:{e.action}" for e in found],
                    )

    return events
