"""Enrich agent: ``news.articles`` -> ``news.enriched`` in batches, inference off the loop."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import faust

from agents.app import WorkerContext
from agents.deadletters import DeadLetters
from agents.delivery import acknowledged
from pipeline.logs import get_logger, log_event
from pipeline.metrics import INFERENCE_DURATION, record_stage
from pipeline.schema import Article, SchemaError, loads

log = get_logger("newsmon.agents.enrich")
STAGE = "enrich"


def register_enrich_agent(
    app: faust.App,
    ctx: WorkerContext,
    source: faust.TopicT,
    sink: faust.TopicT,
    deadletters: DeadLetters,
) -> Any:
    settings = ctx.settings

    async def dead(raw: bytes | None, exc: BaseException, key: str | None = None) -> None:
        await deadletters.send(STAGE, source, raw, exc, key)

    async def enrich_in_executor(articles: list[Article]) -> list[bytes]:
        """Inference and the JSON encoding of its results, off the event loop (in the
        inference thread, or in the inference lanes it hands the batch to)."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        result = await loop.run_in_executor(
            ctx.executor, lambda: ctx.enricher.enrich_encoded(articles)
        )
        INFERENCE_DURATION.labels(model="encoder").observe(time.perf_counter() - started)
        return result

    # Several actors share the topic's stream (Faust commits an offset only once every record
    # before it is acknowledged, so at-least-once holds); each keeps one batch in the lanes.
    @app.agent(source, name="newsmon.enrich", concurrency=settings.worker.enrich_in_flight)
    async def enrich(stream: faust.StreamT) -> None:
        async for batch in stream.take(settings.worker.batch_size, settings.worker.batch_within_s):
            articles: list[tuple[Article, bytes]] = []
            for raw in batch:
                try:
                    articles.append((loads(raw, Article), raw))
                except SchemaError as exc:
                    await dead(raw, exc)
            if not articles:
                continue
            try:
                results = await enrich_in_executor([a for a, _ in articles])
                pairs = list(zip(articles, results, strict=True))
            except Exception as batch_exc:  # one bad article must not sink the batch
                log_event(log, "batch_failed_isolating", stage=STAGE, error=str(batch_exc)[:300])
                pairs = []
                for article, raw in articles:
                    try:
                        [one] = await enrich_in_executor([article])
                        pairs.append(((article, raw), one))
                    except Exception as exc:
                        await dead(raw, exc, article.id)
            pending = [
                await sink.send(key=article.id.encode(), value=payload)
                for (article, _), payload in pairs
            ]
            await acknowledged(pending, STAGE)  # before take() acks the batch
            record_stage(STAGE, len(batch), len(pairs))
            log_event(log, "batch_enriched", stage=STAGE, size=len(pairs))

    return enrich
