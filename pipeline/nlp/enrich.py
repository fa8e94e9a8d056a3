"""The enrich stage: topics and entities (with canonical actors) for a batch of articles.

Why batches: on a CPU the model forward is the cost, and it is cheapest when many texts go
through together, sorted by length and padded per batch (``forward_windows``). Everything
around the forward (tokenising once, cutting windows, linking) is kept linear and small so
that the stage runs close to the raw forward throughput (see ``benchmarks/enrich.py``).

The :class:`Enricher` holds loaded models and is otherwise stateless: ``analyze_texts`` and
``enrich_batch`` are pure functions of their input, safe to call from worker threads (the
tokenizers are guarded by a lock; torch modules are read-only in inference mode).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.config import ModelSettings
from pipeline.logs import get_logger, log_event
from pipeline.nlp.models import fallback_status, load_or_fallback, set_omp_wait_policy
from pipeline.nlp.ner import NerTagger
from pipeline.nlp.parsed_entities import parse_articles
from pipeline.nlp.parser import load_parser_or_fallback
from pipeline.nlp.topic_head import with_head
from pipeline.nlp.topics import (
    ClassifierTopicScorer,
    EncoderTopicScorer,
    NullTopicScorer,
    TopicScorer,
    load_taxonomy,
)
from pipeline.schema import Actor, Article, EnrichedArticle, Entity, TopicScore, dumps

log = get_logger(__name__)
_CONTEXT_BREAK = re.compile(r"[.!?][\"'\u201d\u2019)]*\s|\n")


class ActorLinker(Protocol):
    """What the enricher needs from ``pipeline.nlp.actors.ActorLinker``."""

    def resolve(
        self, mention: str, label: str | None = None, context: str = ""
    ) -> Actor | None: ...

    def find_mentions(self, text: str) -> list[Entity]: ...


@dataclass
class TextAnalysis:
    """Topics (every configured topic, highest first) and entities (offsets into the text)."""

    topics: list[TopicScore] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)


def article_text(article: Article) -> str:
    """Title + blank line + body; the title alone is skipped when the body already opens
    with it (many feeds repeat the headline as the first line)."""
    title = (article.title or "").strip()
    body = (article.body or "").strip()
    if not body:
        return title
    if not title or body.startswith(title):
        return body
    return f"{title}\n\n{body}"


def sentence_around(text: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence holding ``text[start:end]`` (bounded by ``limit`` chars each side)."""
    lo = max(0, start - limit)
    left = 0
    for m in _CONTEXT_BREAK.finditer(text, lo, start):
        left = m.end()
    left = max(left, lo)
    after = _CONTEXT_BREAK.search(text, end, min(len(text), end + limit))
    right = after.start() + 1 if after else min(len(text), end + limit)
    return text[left:right].strip()


def merge_entities(ner: list[Entity], dictionary: list[Entity]) -> list[Entity]:
    """NER spans first; dictionary matches fill what NER missed.

    A dictionary match overlapping an NER span is dropped: the model saw the sentence and
    its span boundary wins ("Jordan Peterson" stays a person, not the country). The one
    exception is a dictionary match that covers NER spans the linker could not resolve
    ("UN Security Council" over an NER "Security Council" with no actor): the longer,
    linked match replaces them.
    """
    kept = sorted(ner, key=lambda e: (e.start, e.end))
    extra: list[Entity] = []
    for d in sorted(dictionary, key=lambda e: (e.start, -e.end)):
        overlapping = [e for e in kept if e.start < d.end and d.start < e.end]
        if not overlapping:
            if not any(x.start < d.end and d.start < x.end for x in extra):
                extra.append(d)
            continue
        covers = all(d.start <= e.start and e.end <= d.end for e in overlapping)
        if d.actor is not None and covers and all(e.actor is None for e in overlapping):
            kept = [e for e in kept if e not in overlapping]
            kept.append(d)
    out = kept + extra
    out.sort(key=lambda e: (e.start, e.end))
    return out


def _default_linker() -> ActorLinker | None:
    """The project's actor dictionary, when that module is present and loads."""
    try:
        from pipeline.nlp import actors
    except ImportError:
        return None
    try:
        return actors.default_linker()
    except Exception as exc:  # a broken dictionary must not stop topics/NER from running
        log_event(log, "actor_linker_unavailable", 40, error=f"{type(exc).__name__}: {exc}")
        return None


class Enricher:
    """Loads the configured models once and analyses texts and article batches."""

    def __init__(
        self,
        settings: ModelSettings,
        linker: ActorLinker | None = None,
        taxonomy_path: str | Path | None = None,
        use_default_linker: bool = True,
    ):
        self.settings = settings
        self.batch_size = settings.batch_size
        set_omp_wait_policy(settings)  # before anything loads torch (spaCy's thinc does too)
        self.taxonomy = load_taxonomy(taxonomy_path)
        self.linker = (
            linker if linker is not None else (_default_linker() if use_default_linker else None)
        )
        self.models: dict[str, str] = {}
        fallback = False

        self.topic_scorer: TopicScorer
        classifier = load_or_fallback(
            settings.topic_classifier,
            "models.topic_classifier",
            "sequence-classification",
            settings,
            fallback=f"zero-shot scoring with {settings.encoder}",
        )
        if settings.topic_classifier and classifier is None:
            fallback = True
        if classifier is not None:
            self.topic_scorer = ClassifierTopicScorer(self.taxonomy, classifier, self.batch_size)
        else:
            encoder = load_or_fallback(
                settings.encoder,
                "models.encoder",
                "encoder",
                settings,
                fallback="no topic scores (every text in the catch-all topic)",
            )
            if encoder is None:
                fallback = True
                self.topic_scorer = NullTopicScorer(self.taxonomy)
            else:
                zero_shot = EncoderTopicScorer(
                    self.taxonomy, encoder, self.batch_size, settings.embedding_cache_dir
                )
                self.topic_scorer, head_problem = with_head(zero_shot)
                if head_problem:  # a bad or mismatched weights file: zero-shot, said loudly
                    fallback = True
                    log_event(log, "topic_head_unavailable", 40, error=head_problem)
        self.models[f"topics:{self.topic_scorer.name}"] = self.topic_scorer.version

        ner = load_or_fallback(
            settings.ner,
            "models.ner",
            "token-classification",
            settings,
            fallback="actor dictionary only",
        )
        self.ner: NerTagger | None = None
        if ner is not None:
            self.ner = NerTagger(ner, self.batch_size)
            self.models[f"ner:{ner.name}"] = ner.version
        elif settings.ner:
            fallback = True
            self.models[f"ner:{settings.ner}"] = "unavailable; fallback: actor dictionary"
        self.parser = load_parser_or_fallback(settings.parser, settings.parser_entities)
        if self.parser is not None:
            self.models[f"parser:{self.parser.name}"] = self.parser.version
        elif settings.parser:
            fallback = True
            self.models[f"parser:{settings.parser}"] = "unavailable; fallback: token rules"
        if self.linker is not None:
            name = str(getattr(self.linker, "name", "actors"))
            self.models[f"actors:{name}"] = str(getattr(self.linker, "version", "unversioned"))
        self.fallback_active: bool = fallback
        log_event(
            log,
            "enricher_ready",
            models=self.models,
            fallback_active=fallback,
            fallbacks=fallback_status(),
        )

    def analyze_texts(self, texts: Sequence[str]) -> list[TextAnalysis]:
        """Topics and entities for each text; entity offsets index into that text."""
        texts = list(texts)
        if not texts:
            return []
        topics = self.topic_scorer.score(texts)
        spans = self.ner.tag(texts) if self.ner is not None else [[] for _ in texts]
        out = []
        for text, text_topics, text_spans in zip(texts, topics, spans, strict=True):
            out.append(TextAnalysis(topics=text_topics, entities=self._entities(text, text_spans)))
        return out

    def _entities(self, text: str, spans: Sequence[Any]) -> list[Entity]:
        ner_entities = []
        for sp in spans:
            mention = text[sp.start : sp.end]
            actor = None
            if self.linker is not None:
                actor = self.linker.resolve(
                    mention, sp.label, sentence_around(text, sp.start, sp.end)
                )
            ner_entities.append(
                Entity(mention, sp.label, sp.start, sp.end, actor=actor, score=sp.score)
            )
        if self.linker is None:
            return ner_entities
        return merge_entities(ner_entities, self.linker.find_mentions(text))

    def enrich_batch(self, articles: Sequence[Article]) -> list[EnrichedArticle]:
        """One :class:`EnrichedArticle` per article, in order; pure and thread-safe."""
        texts = [article_text(a) for a in articles]
        analyses = self.analyze_texts(texts)
        parsed = parse_articles(
            self.parser, articles, texts, self.linker, [an.entities for an in analyses]
        )
        return [
            EnrichedArticle(
                article=a,
                text=t,
                topics=an.topics,
                entities=merge_entities(an.entities, extra) if extra else an.entities,
                models=dict(self.models),
                parses=parses,
            )
            for a, t, an, (parses, extra) in zip(articles, texts, analyses, parsed, strict=True)
        ]

    def enrich_encoded(self, articles: Sequence[Article]) -> list[bytes]:
        """:meth:`enrich_batch` as the JSON the enrich agent sends on. Encoding belongs with
        inference, off the event loop: each record carries the whole text twice (~12 KB for a
        full-length article), and encoding a batch on the loop stalled every agent's sends and
        fetches for tens of milliseconds (``benchmarks/pipeline.py``)."""
        return [dumps(e) for e in self.enrich_batch(articles)]
