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
from pipeline.nlp.enrich import ModelOutputs, article_text
from pipeline.schema import Article, EnrichedArticle, SchemaError, dumps, loads

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

    def forward(articles: list[Article]) -> ModelOutputs:
        """Timed here, in the inference thread: with two batches in flight the time from
        submit would also count the wait for the thread (busy time over 100%)."""
        enricher = ctx.enricher  # the first batch waits here for the models to load
        started = time.perf_counter()
        outputs = enricher.forward([article_text(a) for a in articles])
        INFERENCE_DURATION.labels(model="encoder").observe(time.perf_counter() - started)
        return outputs

    def finish_and_encode(
        articles: list[Article], outputs: ModelOutputs
    ) -> list[tuple[EnrichedArticle, bytes]]:
        """Linking, parsing *and* the JSON encoding of the results (each carries the whole
        text twice, ~12 KB for a full-length article) off the event loop: there the encoding
        of a batch of long articles took tens of milliseconds, stalling every agent's sends
        and fetches meanwhile (benchmarks/pipeline.py)."""
        return [(e, dumps(e)) for e in ctx.enricher.finish(articles, outputs)]

    async def enrich_in_executor(articles: list[Article]) -> list[tuple[EnrichedArticle, bytes]]:
        """Two hops: the forwards in the inference thread, the rest in the finish thread.
        With ``worker.enrich_concurrency`` 2 the next batch's forwards start as soon as this
        batch leaves the inference thread."""
        loop = asyncio.get_running_loop()
        outputs = await loop.run_in_executor(ctx.executor, forward, articles)
        return await loop.run_in_executor(ctx.finish_executor, finish_and_encode, articles, outputs)

    @app.agent(source, name="newsmon.enrich", concurrency=settings.worker.enrich_concurrency)
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
                for (article, _), (_, payload) in pairs
            ]
            await acknowledged(pending, STAGE)  # before take() acks the batch
            record_stage(STAGE, len(batch), len(pairs))
            log_event(log, "batch_enriched", stage=STAGE, size=len(pairs))

    return enrich
