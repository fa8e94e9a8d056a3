"""One document through the same enrichment and event detection the stream agents run.

``newsmon analyze`` and the agents share these functions, so what an analyst sees locally is
what the pipeline alerts on. Output shape: ``shared/contracts/analyze-json.md``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from pipeline.config import EventSettings
from pipeline.events.detect import detect_events
from pipeline.nlp.enrich import Enricher
from pipeline.schema import Article, EnrichedArticle


def document_article(text: str, title: str | None = None, doc_id: str | None = None) -> Article:
    """Wrap a bare document as an Article so it can follow the stream's code path."""
    digest = hashlib.sha256(((title or "") + "\n" + text).encode("utf-8")).hexdigest()[:16]
    now = datetime.now(UTC).isoformat()
    return Article(
        id=doc_id or f"doc:{digest}",
        feed_id="analyze",
        source="analyze",
        url="",
        title=title or "",
        content=text,
        fetched=now,
        content_hash=digest,
    )


def analyze_enriched(
    enriched: EnrichedArticle, event_settings: EventSettings | None = None
) -> dict[str, Any]:
    events = detect_events(enriched, event_settings)
    return {
        "topics": [t.to_dict() for t in enriched.topics],
        "entities": [e.to_dict() for e in enriched.entities],
        "events": [e.contract_dict() for e in events],
    }


def analyze_texts(
    docs: list[tuple[str, str | None]],
    enricher: Enricher,
    event_settings: EventSettings | None = None,
) -> list[dict[str, Any]]:
    """Analyse ``(text, title)`` pairs in one batch, through ``Enricher.enrich_batch`` exactly
    as the enrich agent does.

    Entity offsets index into the document text itself: when a title is given separately it is
    analysed with the body (topics, events) but entities inside it are not reported, since they
    have no offsets in the input.
    """
    articles = [document_article(text, title) for text, title in docs]
    results = []
    for (text, _), enriched in zip(docs, enricher.enrich_batch(articles), strict=True):
        result = analyze_enriched(enriched, event_settings)
        shift = len(enriched.text) - len(text) if enriched.text.endswith(text) else 0
        result["entities"] = [
            {**e.to_dict(), "start": e.start - shift, "end": e.end - shift}
            for e in enriched.entities
            if e.start >= shift
        ]
        results.append(result)
    return results
