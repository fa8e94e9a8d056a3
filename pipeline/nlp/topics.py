"""Topic classification: a configurable taxonomy, multi-label, with scores for every topic.

Why zero-shot with a sentence encoder by default: the project ships no labelled training
data and the machine has no model hub, but it does ship all-MiniLM-L6-v2. Each topic is
described in ``configs/topics.yaml`` by a description and example phrases; an article's
similarity to a topic is its best cosine between any of its first sentence chunks and any of
those phrases, calibrated per topic by a threshold set on a development set (see the YAML
header). A configured NLI or fine-tuned classifier replaces this scorer.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from pipeline.config import ROOT
from pipeline.nlp.embedding_cache import cache_key, cached_tensor
from pipeline.nlp.models import LoadedModel, forward_windows
from pipeline.schema import TopicScore

DEFAULT_TAXONOMY = ROOT / "configs" / "topics.yaml"
ASSIGN_AT = 0.5  # every scorer's scores are probabilities-like: assigned at >= 0.5
_LABEL_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Sentence ends: ., ! or ? (optionally closed by a quote or bracket) before whitespace,
# or a line break. Good enough to keep chunks on sentence boundaries.
_SENTENCE_RE = re.compile(r"[^\n]*?(?:[.!?][\"'\u201d\u2019)\]]*(?=\s)|\n|$)")
# A "sentence" ending like this is an abbreviation ("U.S. Secretary", "Mr. Lavrov"): joined on.
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|St|Jr|Lt|Col|Gov|Prof)\.)$")


class TaxonomyError(ValueError):
    """A bad topics file; the message names the file and the key."""


@dataclass(frozen=True)
class Topic:
    label: str
    name: str
    description: str
    examples: tuple[str, ...] = ()
    threshold: float = 0.45
    catch_all: bool = False

    @property
    def phrases(self) -> list[str]:
        return [self.description, *self.examples]


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    chunk_tokens: int
    max_chunks: int
    temperature: float
    path: str
    version: str
    # A trained topic head (``scorer.head``, relative to the topics file); None: zero-shot only.
    head: Path | None = None

    @property
    def labels(self) -> list[str]:
        return [t.label for t in self.topics]

    @property
    def scored(self) -> list[Topic]:
        """Topics with their own scores (all but the catch-all)."""
        return [t for t in self.topics if not t.catch_all]

    @property
    def catch_all(self) -> Topic | None:
        return next((t for t in self.topics if t.catch_all), None)


def _need(d: dict[str, Any], key: str, where: str, typ: type | tuple[type, ...]) -> Any:
    if key not in d:
        raise TaxonomyError(f"{where}: missing key {key!r}")
    value = d[key]
    if not isinstance(value, typ):
        raise TaxonomyError(f"{where}.{key}: expected {typ}, got {value!r}")
    return value


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a topics file; raises :class:`TaxonomyError` naming file and key."""
    p = Path(path) if path else DEFAULT_TAXONOMY
    try:
        raw_bytes = p.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"{p}: cannot read topics file ({exc})") from exc
    try:
        data = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{p}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise TaxonomyError(f"{p}: top level must be a mapping with 'topics'")
    scorer = data.get("scorer") or {}
    if not isinstance(scorer, dict):
        raise TaxonomyError(f"{p}: 'scorer' must be a mapping")
    topics_raw = _need(data, "topics", str(p), list)
    topics: list[Topic] = []
    seen: set[str] = set()
    for i, t in enumerate(topics_raw):
        where = f"{p}: topics[{i}]"
        if not isinstance(t, dict):
            raise TaxonomyError(f"{where}: expected a mapping")
        label = _need(t, "label", where, str)
        if not _LABEL_RE.match(label):
            raise TaxonomyError(f"{where}.label: {label!r} must be lower_snake_case")
        if label in seen:
            raise TaxonomyError(f"{where}.label: duplicate label {label!r}")
        seen.add(label)
        catch_all = bool(t.get("catch_all", False))
        examples = t.get("examples") or []
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            raise TaxonomyError(f"{where}.examples: expected a list of strings")
        threshold = t.get("threshold", 0.45)
        if not isinstance(threshold, int | float) or not -1.0 <= float(threshold) <= 1.0:
            raise TaxonomyError(f"{where}.threshold: expected a cosine in [-1, 1]")
        topics.append(
            Topic(
                label=label,
                name=str(t.get("name", label)),
                description=_need(t, "description", where, str),
                examples=tuple(examples),
                threshold=float(threshold),
                catch_all=catch_all,
            )
        )
    if sum(t.catch_all for t in topics) > 1:
        raise TaxonomyError(f"{p}: at most one topic may set catch_all")
    if not any(not t.catch_all for t in topics):
        raise TaxonomyError(f"{p}: needs at least one topic that is not catch_all")
    try:
        chunk_tokens = int(scorer.get("chunk_tokens", 128))
        max_chunks = int(scorer.get("max_chunks", 3))
        temperature = float(scorer.get("temperature", 0.04))
    except (TypeError, ValueError) as exc:
        raise TaxonomyError(f"{p}: scorer: {exc}") from exc
    if chunk_tokens < 8 or max_chunks < 1 or temperature <= 0:
        raise TaxonomyError(f"{p}: scorer: need chunk_tokens>=8, max_chunks>=1, temperature>0")
    head = scorer.get("head")
    if head is not None and not isinstance(head, str):
        raise TaxonomyError(f"{p}: scorer.head: expected a file name, got {head!r}")
    return Taxonomy(
        topics=tuple(topics),
        chunk_tokens=chunk_tokens,
        max_chunks=max_chunks,
        temperature=temperature,
        path=str(p),
        version=f"{p.name}@sha256:{hashlib.sha256(raw_bytes).hexdigest()[:12]}",
        head=(p.parent / head) if head else None,
    )


def split_sentences(text: str) -> list[str]:
    """Sentences (and lines) of ``text``, stripped, empty ones dropped."""
    out: list[str] = []
    glue = False
    for m in _SENTENCE_RE.finditer(text):
        s = m.group(0).strip()
        if not s:
            continue
        if glue:
            out[-1] = f"{out[-1]} {s}"
        else:
            out.append(s)
        line_end = m.group(0).endswith("\n") or text.startswith("\n", m.end())
        glue = bool(_ABBREV_END.search(s)) and not line_end
    return out


class TopicScorer(Protocol):
    name: str
    version: str

    def score(self, texts: Sequence[str]) -> list[list[TopicScore]]: ...


def _sigmoid(x: float) -> float:
    if x < -60:
        return 0.0
    if x > 60:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


def finish_scores(taxonomy: Taxonomy, scores: dict[str, float]) -> list[TopicScore]:
    """Every configured topic, the catch-all derived from the rest, highest first."""
    catch = taxonomy.catch_all
    if catch is not None:
        best = max((scores.get(t.label, 0.0) for t in taxonomy.scored), default=0.0)
        scores[catch.label] = 1.0 - best
    out = [TopicScore(t.label, float(scores.get(t.label, 0.0))) for t in taxonomy.topics]
    out.sort(key=lambda s: -s.score)
    return out


def assigned(topics: Sequence[TopicScore], at: float = ASSIGN_AT) -> list[str]:
    """The labels a consumer should treat as the article's topics."""
    return [t.label for t in topics if t.score >= at]


def _mean_pool(output: Any, mask: Any) -> Any:
    import torch

    hidden = output.last_hidden_state if hasattr(output, "last_hidden_state") else output[0]
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


class EncoderTopicScorer:
    """Zero-shot topics by cosine similarity to each topic's phrases (see module doc)."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        encoder: LoadedModel,
        batch_size: int = 16,
        cache_dir: str | None = None,
    ):
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.batch_size = batch_size
        self.name = f"zero-shot:{encoder.name}"
        self.version = f"{encoder.version}; {taxonomy.version}"
        self.chunk_tokens = min(taxonomy.chunk_tokens, encoder.max_length)
        # Phrases are embedded once; each row remembers its topic.
        phrases: list[str] = []
        self._owner: list[int] = []
        for ti, topic in enumerate(taxonomy.scored):
            for phrase in topic.phrases:
                phrases.append(phrase)
                self._owner.append(ti)
        import torch

        windows = [self._window(p) for p in phrases]

        def embed() -> Any:
            rows = self.embed_chunks(windows)
            return torch.stack(rows) if rows else torch.zeros((0, 1))

        key = cache_key(encoder.weights_tag, "topic-phrases", windows)
        self._phrases = cached_tensor(cache_dir if encoder.weights_tag else None, key, embed)
        self._owner_t = torch.tensor(self._owner, dtype=torch.long)

    def _window(self, text: str) -> list[int]:
        with self.encoder.tokenizer_lock:
            ids = self.encoder.tokenizer(text, add_special_tokens=False)["input_ids"]
        return list(ids[: self.chunk_tokens - 2])

    def embed_chunks(self, windows: list[list[int]]) -> list[Any]:
        return forward_windows(self.encoder, windows, self.batch_size, _mean_pool)

    def chunk(self, texts: Sequence[str]) -> list[list[list[int]]]:
        """Per text, its first ``max_chunks`` windows of whole sentences (token ids)."""
        budget = self.chunk_tokens - 2
        max_chunks = self.taxonomy.max_chunks
        # Only the text the chunks can hold is tokenised (~6 characters per token is generous).
        char_cap = max_chunks * budget * 6
        per_text = [split_sentences(t[:char_cap]) for t in texts]
        flat = [s for sents in per_text for s in sents]
        if flat:
            with self.encoder.tokenizer_lock:
                flat_ids = self.encoder.tokenizer(flat, add_special_tokens=False)["input_ids"]
        else:
            flat_ids = []
        out: list[list[list[int]]] = []
        k = 0
        for sents in per_text:
            chunks: list[list[int]] = []
            cur: list[int] = []
            for _ in sents:
                ids = flat_ids[k][:budget]
                k += 1
                if len(chunks) >= max_chunks:
                    continue
                if cur and len(cur) + len(ids) > budget:
                    chunks.append(cur)
                    cur = []
                    if len(chunks) >= max_chunks:
                        continue
                cur = cur + list(ids)
            if cur and len(chunks) < max_chunks:
                chunks.append(cur)
            out.append(chunks)
        return out

    def embed_texts(self, texts: Sequence[str]) -> list[Any]:
        """Per text, its chunk embeddings (a ``(chunks, dim)`` tensor; None: no chunk)."""
        import torch

        chunked = self.chunk(texts)
        emb = self.embed_chunks([w for chunks in chunked for w in chunks])
        out: list[Any] = []
        k = 0
        for chunks in chunked:
            if chunks:
                out.append(torch.stack(emb[k : k + len(chunks)]))
                k += len(chunks)
            else:
                out.append(None)
        return out

    def similarities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, each scored topic's best cosine (before calibration)."""
        return self.similarities_of(self.embed_texts(texts))

    def similarities_of(self, embedded: Sequence[Any]) -> list[dict[str, float]]:
        """:meth:`similarities` from :meth:`embed_texts` output (one forward serves both the
        zero-shot scores and a trained head)."""
        import torch

        n_topics = len(self.taxonomy.scored)
        out: list[dict[str, float]] = []
        for mat in embedded:
            best = torch.full((n_topics,), -1.0)
            if mat is not None:
                sims = (mat @ self._phrases.T).max(dim=0).values  # best chunk per phrase
                best = best.scatter_reduce(0, self._owner_t, sims, reduce="amax")
            out.append({t.label: float(best[i]) for i, t in enumerate(self.taxonomy.scored)})
        return out

    def calibrate(self, sims: dict[str, float]) -> dict[str, float]:
        temp = self.taxonomy.temperature
        return {
            t.label: _sigmoid((sims[t.label] - t.threshold) / temp) for t in self.taxonomy.scored
        }

    def score(self, texts: Sequence[str]) -> list[list[TopicScore]]:
        return [finish_scores(self.taxonomy, self.calibrate(s)) for s in self.similarities(texts)]


def _plain_windows(loaded: LoadedModel, texts: Sequence[str]) -> list[list[int]]:
    with loaded.tokenizer_lock:
        ids = loaded.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
    return [list(x[: loaded.max_length - 2]) for x in ids]


class ClassifierTopicScorer:
    """A configured hub model: zero-shot NLI (has an 'entailment' label) or a topic classifier.

    NLI: one premise/hypothesis pair per text and topic ("This text is about <description>."),
    score = P(entailment) against P(contradiction). Classifier: its labels must be this
    taxonomy's labels; sigmoid for multi-label models, softmax otherwise; topics it does not
    know score 0.
    """

    def __init__(self, taxonomy: Taxonomy, loaded: LoadedModel, batch_size: int = 16):
        self.taxonomy = taxonomy
        self.loaded = loaded
        self.batch_size = batch_size
        self.name = loaded.name
        self.version = f"{loaded.version}; {taxonomy.version}"
        id2label = {int(k): str(v) for k, v in loaded.model.config.id2label.items()}
        lower = {v.lower(): k for k, v in id2label.items()}
        self.entail = next((i for name, i in lower.items() if name.startswith("entail")), None)
        self.contra = next((i for name, i in lower.items() if name.startswith("contrad")), None)
        self.id2label = id2label
        if self.entail is None:
            known = set(taxonomy.labels)
            if not known & set(id2label.values()):
                raise ValueError(
                    f"models.topic_classifier {loaded.name!r}: labels {sorted(id2label.values())}"
                    f" match no topic in {taxonomy.path} and there is no 'entailment' label"
                )
        self.multi_label = getattr(loaded.model.config, "problem_type", None) == (
            "multi_label_classification"
        )

    def _logits_head(self, output: Any, mask: Any) -> Any:
        return output.logits

    def score(self, texts: Sequence[str]) -> list[list[TopicScore]]:
        import torch

        if self.entail is None:
            logits = forward_windows(
                self.loaded, _plain_windows(self.loaded, texts), self.batch_size, self._logits_head
            )
            out = []
            for row in logits:
                probs = torch.sigmoid(row) if self.multi_label else torch.softmax(row, -1)
                scores = {self.id2label[i]: float(p) for i, p in enumerate(probs)}
                out.append(finish_scores(self.taxonomy, scores))
            return out
        return self._nli(texts)

    def _nli(self, texts: Sequence[str]) -> list[list[TopicScore]]:
        import torch

        tok = self.loaded.tokenizer
        topics = self.taxonomy.scored
        hyps = [f"This text is about {t.description.rstrip('.').lower()}." for t in topics]
        pairs = [(text, h) for text in texts for h in hyps]
        results: list[list[TopicScore]] = []
        probs_all: list[float] = []
        with torch.inference_mode():
            for b in range(0, len(pairs), self.batch_size):
                batch = pairs[b : b + self.batch_size]
                with self.loaded.tokenizer_lock:
                    enc = tok(
                        [p for p, _ in batch],
                        [h for _, h in batch],
                        truncation="only_first",
                        max_length=self.loaded.max_length,
                        padding=True,
                        return_tensors="pt",
                    )
                with self.loaded.forward_lock:
                    logits = self.loaded.model(**enc.to(self.loaded.device)).logits.to("cpu")
                cols = [self.contra, self.entail] if self.contra is not None else None
                if cols is not None:
                    p = torch.softmax(logits[:, cols], -1)[:, 1]
                else:
                    p = torch.softmax(logits, -1)[:, self.entail]
                probs_all.extend(float(x) for x in p)
        labels = [t.label for t in topics]
        for i in range(len(texts)):
            row = probs_all[i * len(topics) : (i + 1) * len(topics)]
            results.append(finish_scores(self.taxonomy, dict(zip(labels, row, strict=True))))
        return results


class NullTopicScorer:
    """No model at all (the encoder failed to load): every text lands in the catch-all."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self.name = "none"
        self.version = taxonomy.version

    def score(self, texts: Sequence[str]) -> list[list[TopicScore]]:
        return [finish_scores(self.taxonomy, {}) for _ in texts]
