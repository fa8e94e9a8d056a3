"""Mediation and sanctions events with actors in their roles, from one enriched article.

``detect_events(enriched, settings)`` is pure: per sentence it looks for trigger expressions
(:mod:`pipeline.events.triggers`), reads the sanctions frame (:mod:`pipeline.events.sanctions`)
and the mediation frame (:mod:`pipeline.events.mediation`) with roles from the linked actors
(:mod:`pipeline.events.roles`) and modality (:mod:`pipeline.events.modality`), then merges the
sentences that report the same event into ONE event per document
(:mod:`pipeline.events.merge`). Topic scores are only a soft signal on the confidence: a strong
sentence wins without them, and no topic creates an event.

Entities come from the enricher (NER spans linked by the actor dictionary); the dictionary's
own mentions fill the gaps, so detection works offline with no model at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.config import EventSettings
from pipeline.events.candidate import Candidate
from pipeline.events.cues import PUNITIVE_FRAME, TOKEN_READ, TRADE_REMEDY
from pipeline.events.mediation import for_igo, mediation_candidates
from pipeline.events.merge import apply_topics, merge_candidates
from pipeline.events.parse_view import add_nonstate_side, build_view
from pipeline.events.parsed import parsed_candidates, private_mediation
from pipeline.events.roles import build_sentence
from pipeline.events.sanctions import sanctions_candidates
from pipeline.nlp.actors import ActorLinker, default_linker
from pipeline.nlp.text import split_sentences
from pipeline.schema import EnrichedArticle, Entity, Event, ParsedSentence

DETECTOR_VERSION = "events-rules-2+parse"


def detect_events(enriched: EnrichedArticle, settings: EventSettings | None = None) -> list[Event]:
    """Mediation and sanctions events of one article: one per real-world event reported."""
    settings = settings or EventSettings()
    linker = default_linker()
    candidates = detect_candidates(enriched.text, enriched.entities, linker, enriched.parses)
    apply_topics(candidates, enriched)
    merged = merge_candidates(candidates, linker)
    now = datetime.now(UTC).isoformat()
    models = dict(enriched.models)
    models["actors"] = linker.version
    models["events"] = DETECTOR_VERSION
    art = enriched.article
    out = []
    for c in merged:
        if c.confidence < settings.min_confidence:
            continue
        out.append(
            Event(
                type=c.type,
                action=c.action,
                roles=c.roles,
                evidence=c.evidence,
                confidence=round(c.confidence, 3),
                negated=c.negated,
                hypothetical=c.hypothetical,
                instrument=c.instrument,
                article_id=art.id,
                source=art.source,
                url=art.url,
                title=art.title,
                published=art.published,
                fetched=art.fetched or None,
                detected=now,
                models=models,
            )
        )
    return out


def detect_candidates(
    text: str,
    entities: list[Entity] | None = None,
    linker: ActorLinker | None = None,
    parses: list[ParsedSentence] | None = None,
) -> list[Candidate]:
    """Per-sentence event candidates (before merging); entities default to the dictionary's.
    Sentences with a parse (from the enrich stage) also get the parse-based frames and roles."""
    linker = linker or default_linker()
    mentions = _entities_with_dictionary(entities or [], linker.find_mentions(text))
    by_start = {p.start: p for p in parses or []}
    out: list[Candidate] = []
    for n, (a, b) in enumerate(_bounded(split_sentences(text), text)):
        chunk = text[a:b]
        parse = by_start.get(a)
        quick = bool(TOKEN_READ.search(chunk))
        if not quick and parse is None:
            continue
        ents = [
            Entity(e.text, e.label, e.start - a, e.end - a, e.actor, e.score)
            for e in mentions
            if e.start >= a and e.end <= b
        ]
        s = build_sentence(chunk, a, ents, linker)
        found = sanctions_candidates(s, n, linker) + mediation_candidates(s, n, linker)
        view = build_view(s, parse) if parse is not None and parse.end <= b else None
        if view is not None:
            found = parsed_candidates(view, found, n, linker)
        if any(c.type == "mediation" for c in found):
            unnamed = _blank_names(chunk, ents)
            found = [c for c in found if not private_mediation(c, unnamed, view)]
            for c in found:
                if c.type == "mediation":
                    for_igo(s, c, linker)
                    if view is not None:
                        c.roles["parties"] = add_nonstate_side(view, c.roles["parties"])
        if TRADE_REMEDY.search(chunk) and not PUNITIVE_FRAME.search(chunk):
            found = [c for c in found if not _imposes(c)]
        out += found
    return out


def _blank_names(text: str, ents: list[Entity]) -> str:
    """``text`` with the actors' names blanked: "the African Union" is no trade union."""
    chars = list(text)
    for e in ents:
        chars[e.start : e.end] = " " * (e.end - e.start)
    return "".join(chars)


def _imposes(c: Candidate) -> bool:
    """A new or threatened measure: in a sentence of trade remedies (anti-dumping or
    countervailing duties) with no punitive framing, that measure is the remedy, no sanction.
    Removing such duties stays an event (labels count the lift of duties once imposed)."""
    return c.type == "sanctions" and c.action in ("impose", "threaten", "extend", "call")


MAX_SENTENCE_CHARS = 1500


def _bounded(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Cut run-on "sentences" (text without punctuation, scraped tables) into windows of at
    most MAX_SENTENCE_CHARS at whitespace, so that detection stays linear in the text."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while b - a > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS)
            cut = cut if cut != -1 else a + MAX_SENTENCE_CHARS
            out.append((a, cut))
            a = cut + 1
        if b > a:
            out.append((a, b))
    return out


def _entities_with_dictionary(given: list[Entity], found: list[Entity]) -> list[Entity]:
    """Entities from the enricher win where they overlap the dictionary's mentions (an NER
    PERSON "Jordan" stays a person); dictionary mentions fill the gaps."""
    out = [e for e in given if e.actor is not None]
    taken = [(e.start, e.end) for e in given]
    for e in found:
        if not any(e.start < b and a < e.end for a, b in taken):
            out.append(e)
    return sorted(out, key=lambda e: e.start)
