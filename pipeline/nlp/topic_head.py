"""A trained topic head: one logistic regression per topic over the encoder's embeddings.

Why: the zero-shot scorer (best cosine to a few phrases per topic) holds on sentences written
like its phrases but misses most topics in wire copy ("gunmen ambush a convoy", quarterly
earnings). A linear classifier per topic, trained on labelled wire-style items
(``configs/topics-train/``, conventions in ``docs/topics.md``), reads the same embeddings the
enrich stage already computes, so it adds microseconds, not a forward pass.

Features: the embeddings of an article's sentence chunks (at most ``max_chunks`` of
``chunk_tokens`` tokens, exactly what :class:`EncoderTopicScorer` embeds). A training item
(headline and lead: one chunk, as a rule) is the L2-normalised mean of its chunks; an article
scores each chunk and keeps the best, as the zero-shot scorer does. Scores are
``sigmoid(w.x + b - logit(threshold))``: 0.5 sits exactly on the threshold that
cross-validation found F1-best, so consumers keep assigning at 0.5.

The weights file is JSON (no pickle), versioned by its own hash, and names the encoder and the
training data (their hash) it was made from. A topic of the taxonomy with no weights in the
file keeps its zero-shot score, so a topic can still be added by description alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.config import ROOT
from pipeline.nlp.topics import (
    _LABEL_RE,
    EncoderTopicScorer,
    Taxonomy,
    finish_scores,
)
from pipeline.schema import TopicScore

FORMAT = "newsmon-topic-head"
FORMAT_VERSION = 1
POOLING = "train: mean of chunks, L2; score: best chunk"
_MAX_BYTES = 1_000_000


class TopicHeadError(ValueError):
    """A weights file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class HeadTopic:
    label: str
    weights: np.ndarray  # (dim,), over L2-normalised pooled embeddings
    bias: float
    threshold: float  # probability at which the topic is assigned (CV F1-best)


@dataclass(frozen=True)
class TopicHead:
    path: str
    encoder: str  # the encoder's version string it was trained on
    dim: int
    chunk_tokens: int
    max_chunks: int
    topics: tuple[HeadTopic, ...]
    data_sha256: str
    version: str  # "<file name>@sha256:<12 hex>; data sha256:<12 hex>"
    _matrix: np.ndarray = field(repr=False, compare=False)  # (topics, dim)
    _offset: np.ndarray = field(repr=False, compare=False)  # bias - logit(threshold)

    @property
    def labels(self) -> list[str]:
        return [t.label for t in self.topics]

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(texts, topics) scores, 0.5 at each topic's threshold."""
        z = features @ self._matrix.T + self._offset
        return 1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0)))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _bad(path: Path, problem: str) -> TopicHeadError:
    return TopicHeadError(f"{path}: not a usable topic head ({problem})")


def _number(value: Any, path: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(path, f"{where}: expected a finite number, got {value!r}")
    return float(value)


def load_head(path: str | Path) -> TopicHead:
    """Read and validate a weights file; raises :class:`TopicHeadError` naming the path."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise TopicHeadError(f"{p}: cannot read topic head ({exc})") from exc
    if len(raw) > _MAX_BYTES:
        raise _bad(p, f"{len(raw)} bytes, larger than {_MAX_BYTES}")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(p, f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(p, f"'format' must be {FORMAT!r}")
    if data.get("format_version") != FORMAT_VERSION:
        raise _bad(p, f"format_version {data.get('format_version')!r}, expected {FORMAT_VERSION}")
    try:
        enc = data["encoder"]
        encoder, dim = str(enc["version"]), int(enc["dim"])
        features = data["features"]
        chunk_tokens, max_chunks = int(features["chunk_tokens"]), int(features["max_chunks"])
        pooling = features["pooling"]
        data_sha = str(data["training_data"]["sha256"])
        topics_raw = data["topics"]
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(p, f"missing or bad key {exc}") from exc
    if pooling != POOLING:
        raise _bad(p, f"pooling {pooling!r}, this code computes {POOLING!r}")
    if not isinstance(topics_raw, list) or not topics_raw:
        raise _bad(p, "'topics' must be a non-empty list")
    topics: list[HeadTopic] = []
    for i, t in enumerate(topics_raw):
        where = f"topics[{i}]"
        if not isinstance(t, dict):
            raise _bad(p, f"{where}: expected a mapping")
        label = t.get("label")
        if not isinstance(label, str) or not _LABEL_RE.match(label):
            raise _bad(p, f"{where}.label: {label!r} is not a topic label")
        w = t.get("weights")
        if not isinstance(w, list) or len(w) != dim:
            raise _bad(p, f"{where}.weights: expected {dim} numbers")
        weights = np.array([_number(x, p, f"{where}.weights") for x in w], dtype=np.float32)
        threshold = _number(t.get("threshold"), p, f"{where}.threshold")
        if not 0.0 < threshold < 1.0:
            raise _bad(p, f"{where}.threshold: {threshold} is not in (0, 1)")
        bias = _number(t.get("bias"), p, f"{where}.bias")
        topics.append(HeadTopic(label, weights, bias, threshold))
    labels = [t.label for t in topics]
    if len(set(labels)) != len(labels):
        raise _bad(p, "duplicate topic labels")
    return TopicHead(
        path=str(p),
        encoder=encoder,
        dim=dim,
        chunk_tokens=chunk_tokens,
        max_chunks=max_chunks,
        topics=tuple(topics),
        data_sha256=data_sha,
        version=f"{p.name}@sha256:{hashlib.sha256(raw).hexdigest()[:12]}; "
        f"data sha256:{data_sha[:12]}",
        _matrix=np.stack([t.weights for t in topics]),
        _offset=np.array([t.bias - _logit(t.threshold) for t in topics], dtype=np.float32),
    )


def check_fits(head: TopicHead, zero_shot: EncoderTopicScorer) -> None:
    """Raise :class:`TopicHeadError` when ``head`` was not made for this encoder and chunking
    (its weights would then read meaningless features)."""
    problems = []
    dim = int(zero_shot.encoder.model.config.hidden_size)
    if head.dim != dim:
        problems.append(f"{head.dim}-dim weights, encoder gives {dim}")
    if head.encoder != zero_shot.encoder.version:
        problems.append(f"trained on {head.encoder!r}, encoder is {zero_shot.encoder.version!r}")
    tax = zero_shot.taxonomy
    if (head.chunk_tokens, head.max_chunks) != (tax.chunk_tokens, tax.max_chunks):
        problems.append(
            f"trained on chunks of {head.chunk_tokens} tokens x {head.max_chunks}, "
            f"{tax.path} sets {tax.chunk_tokens} x {tax.max_chunks}"
        )
    if problems:
        raise TopicHeadError(f"{head.path}: does not fit the encoder: " + "; ".join(problems))


def pooled_features(zero_shot: EncoderTopicScorer, embedded: Sequence[Any]) -> np.ndarray:
    """(texts, dim) head features from :meth:`EncoderTopicScorer.embed_texts` output."""
    dim = int(zero_shot.encoder.model.config.hidden_size)
    out = np.zeros((len(embedded), dim), dtype=np.float32)
    for i, mat in enumerate(embedded):
        if mat is None:
            continue
        v = mat.float().mean(dim=0).numpy()
        n = float(np.linalg.norm(v))
        out[i] = v / n if n > 0 else v
    return out


def embed_for_head(zero_shot: EncoderTopicScorer, texts: Sequence[str]) -> np.ndarray:
    return pooled_features(zero_shot, zero_shot.embed_texts(texts))


class HeadTopicScorer:
    """Trained head for the topics it has weights for, zero-shot for the rest; one forward."""

    def __init__(self, zero_shot: EncoderTopicScorer, head: TopicHead):
        check_fits(head, zero_shot)
        self.zero_shot = zero_shot
        self.encoder = zero_shot.encoder
        self.taxonomy: Taxonomy = zero_shot.taxonomy
        self.head = head
        scored = {t.label for t in self.taxonomy.scored}
        self._head_idx = [i for i, t in enumerate(head.topics) if t.label in scored]
        self.head_labels = [head.topics[i].label for i in self._head_idx]
        self.zero_shot_labels = [
            t.label for t in self.taxonomy.scored if t.label not in set(self.head_labels)
        ]
        self.name = f"head:{self.encoder.name}"
        self.version = f"{self.encoder.version}; {self.taxonomy.version}; {head.version}"

    def chunk(self, texts: Sequence[str]) -> list[list[list[int]]]:
        return self.zero_shot.chunk(texts)

    def scores_of(self, embedded: Sequence[Any]) -> list[dict[str, float]]:
        """Per text, every scored topic's probability (before the catch-all is derived): the
        best chunk's, as for the zero-shot scores, so a topic the lead or a later paragraph
        carries is not averaged away by the rest of a long article."""
        rows = [m.float().numpy() for m in embedded if m is not None]
        chunk_probs = self.head.probabilities(np.concatenate(rows)) if rows else None
        out: list[dict[str, float]] = []
        k = 0
        for mat in embedded:
            if mat is None or chunk_probs is None:
                best = self.head.probabilities(np.zeros((1, self.head.dim), np.float32))[0]
            else:
                best = chunk_probs[k : k + len(mat)].max(axis=0)
                k += len(mat)
            out.append({self.head_labels[j]: float(best[i]) for j, i in enumerate(self._head_idx)})
        if self.zero_shot_labels:
            for scores, sims in zip(out, self.zero_shot.similarities_of(embedded), strict=True):
                cal = self.zero_shot.calibrate(sims)
                scores.update({label: cal[label] for label in self.zero_shot_labels})
        return out

    def score(self, texts: Sequence[str]) -> list[list[TopicScore]]:
        embedded = self.zero_shot.embed_texts(texts)
        return [finish_scores(self.taxonomy, s) for s in self.scores_of(embedded)]


def with_head(zero_shot: EncoderTopicScorer) -> tuple[EncoderTopicScorer | HeadTopicScorer, str]:
    """The taxonomy's trained head on top of ``zero_shot`` when it has one that loads and fits;
    otherwise ``zero_shot`` and why (empty when no head is configured)."""
    path = zero_shot.taxonomy.head
    if path is None:
        return zero_shot, ""
    try:
        return HeadTopicScorer(zero_shot, load_head(path)), ""
    except TopicHeadError as exc:
        return zero_shot, str(exc)


# ------------------------------------------------------------------------------ training


@dataclass
class TrainingItem:
    text: str
    topics: set[str]


def read_training_items(paths: Sequence[str | Path]) -> tuple[list[TrainingItem], str, list[str]]:
    """Items of the JSONL files (directories: their ``*.jsonl``, sorted), the sha256 of the
    bytes read in that order, and the file names (relative to the project when inside it)."""
    from pipeline.nlp.evaluation import read_topic_items

    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        files.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    if not files:
        raise TopicHeadError(f"no training files in {', '.join(map(str, paths))}")
    digest = hashlib.sha256()
    items: list[TrainingItem] = []
    names = []
    for f in files:
        try:
            digest.update(f.read_bytes())
        except OSError as exc:
            raise TopicHeadError(f"{f}: cannot read training file ({exc})") from exc
        items.extend(TrainingItem(it.text, set(it.topics)) for it in read_topic_items(f))
        try:
            names.append(str(f.resolve().relative_to(ROOT)))
        except ValueError:
            names.append(str(f))
    return items, digest.hexdigest(), names


def _fit_logreg(
    x: np.ndarray, y: np.ndarray, lam: float, iters: int = 15, tol: float = 1e-4
) -> np.ndarray:
    """L2-penalised logistic regression by Newton's method; returns [w..., b] (b unpenalised).
    Newton on a few hundred rows and dims is exact and deterministic in a few steps."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    pen = np.full(d + 1, lam)
    pen[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + pen * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(pen + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.max(np.abs(step))) < tol:
            break
    return w


def _predict(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w[:-1] + w[-1], -30, 30)))


def _best_threshold(probs: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, float]]:
    """F1-best probability threshold (midpoint of the best range on a 0.01 grid)."""
    best_f1, best = -1.0, [0.5]
    stats: dict[float, tuple[int, int, int]] = {}
    for k in range(5, 96):
        c = k / 100
        pred = probs >= c
        tp = int(np.sum(pred & (y == 1)))
        fp = int(np.sum(pred & (y == 0)))
        fn = int(np.sum(~pred & (y == 1)))
        stats[c] = (tp, fp, fn)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1 + 1e-9:
            best_f1, best = f1, [c]
        elif math.isclose(f1, best_f1):
            best.append(c)
    threshold = round((min(best) + max(best)) / 2, 3)
    tp, fp, fn = stats[min(stats, key=lambda c: abs(c - threshold))]
    return threshold, {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "f1": round(best_f1, 4),
    }


def _folds(items: Sequence[TrainingItem], k: int, seed: int) -> np.ndarray:
    """Fold of each item, stratified by its first label (sorted; none = catch-all)."""
    rng = np.random.default_rng(seed)
    keys = rng.permutation(len(items))
    order = sorted(
        range(len(items)), key=lambda i: (min(items[i].topics, default="~"), int(keys[i]))
    )
    fold = np.zeros(len(items), dtype=int)
    for rank, i in enumerate(order):
        fold[i] = rank % k
    return fold


# L2 strength: cross-validation on configs/topics-train over 0.001 .. 0.1 picked 0.003 .. 0.03
# per topic with mean CV F1 within 0.002 of a fixed 0.01, which costs a fifth of the time.
LAMBDAS = (0.01,)


def train_head(
    items: Sequence[TrainingItem],
    features: np.ndarray,
    labels: Sequence[str],
    seed: int = 0,
    folds: int = 5,
    lambdas: Sequence[float] = LAMBDAS,
) -> list[dict[str, Any]]:
    """Per topic: the L2 strength with the best cross-validated log-loss, the F1-best
    threshold on the out-of-fold probabilities, and weights fitted on all items."""
    x = features.astype(np.float64)
    fold = _folds(items, folds, seed)
    out = []
    for label in labels:
        y = np.array([1.0 if label in it.topics else 0.0 for it in items])
        if y.sum() < folds or y.sum() > len(y) - folds:
            continue  # too few examples to learn and calibrate: stays zero-shot
        best: tuple[float, float, np.ndarray] | None = None
        for lam in lambdas:
            oof = np.zeros(len(y))
            for f in range(folds):
                tr, te = fold != f, fold == f
                oof[te] = _predict(x[te], _fit_logreg(x[tr], y[tr], lam))
            eps = 1e-7
            loss = float(-np.mean(y * np.log(oof + eps) + (1 - y) * np.log(1 - oof + eps)))
            if best is None or loss < best[0] - 1e-12:
                best = (loss, lam, oof)
        assert best is not None
        loss, lam, oof = best
        threshold, cv = _best_threshold(oof, y)
        w = _fit_logreg(x, y, lam)
        out.append(
            {
                "label": label,
                "weights": [float(f"{v:.6g}") for v in w[:-1]],
                "bias": float(f"{w[-1]:.6g}"),
                "threshold": threshold,
                "l2": lam,
                "positives": int(y.sum()),
                "cv": {**cv, "log_loss": round(loss, 4)},
            }
        )
    return out


def build_head_file(
    zero_shot: EncoderTopicScorer,
    paths: Sequence[str | Path],
    seed: int = 0,
    folds: int = 5,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The weights file's content and a training report (items, seconds per phase)."""
    items, data_sha, names = read_training_items(paths)
    t0 = time.perf_counter()
    features = embed_for_head(zero_shot, [it.text for it in items])
    t1 = time.perf_counter()
    labels = [t.label for t in zero_shot.taxonomy.scored]
    topics = train_head(items, features, labels, seed=seed, folds=folds)
    t2 = time.perf_counter()
    unknown = sorted({t for it in items for t in it.topics} - set(zero_shot.taxonomy.labels))
    if unknown:
        raise TopicHeadError(
            f"training labels {unknown} are not topics of {zero_shot.taxonomy.path}"
        )
    tax = zero_shot.taxonomy
    content = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "encoder": {
            "name": zero_shot.encoder.name,
            "version": zero_shot.encoder.version,
            "dim": int(features.shape[1]),
        },
        "features": {
            "pooling": POOLING,
            "chunk_tokens": tax.chunk_tokens,
            "max_chunks": tax.max_chunks,
        },
        "training_data": {"files": names, "sha256": data_sha, "items": len(items)},
        "training": {"seed": seed, "folds": folds, "l2_grid": list(LAMBDAS)},
        "topics": topics,
    }
    report = {
        "items": len(items),
        "embed_seconds": round(t1 - t0, 2),
        "fit_seconds": round(t2 - t1, 2),
        "untrained": [label for label in labels if label not in {t["label"] for t in topics}],
    }
    return content, report


def write_head_file(content: dict[str, Any], path: str | Path) -> int:
    """Write the weights as compact, stable JSON (same content -> same bytes); its size."""
    text = json.dumps(content, separators=(",", ":"), sort_keys=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
