"""Scoring the enrich stage on labelled files a user brings: entities (CoNLL) and topics (JSONL).

Entities: exact-span matching per type (a prediction counts only when its start, end and type
equal a gold span's), as conlleval does. The file is CoNLL: one token a line, columns split on
whitespace, blank lines between sentences, ``-DOCSTART-`` lines ignored. Either the last two
columns are gold and predicted tags (score a system's output as it is), or, when an enricher
is given, the last column is gold and the enricher predicts on each sentence (tokens joined by
single spaces, predictions compared by character span). Tags are IOB1, IOB2 or BIOES; types
are mapped to PERSON/ORG/LOC/MISC like the model's.

Topics: JSONL, ``{"text": ..., "topics": [labels]}`` (``title`` and ``body`` are joined when
``text`` is absent). An optional ``"labelled": [labels]`` limits which topics the line
judges (partial labels, as from the events development set); otherwise every topic of the
taxonomy is judged, unlisted ones as negatives, and an empty list means the catch-all topic.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pipeline.evalfiles import iter_jsonl, read_lines
from pipeline.nlp.ner import parse_tag
from pipeline.nlp.topics import ASSIGN_AT

_SANCTION_WORDS = re.compile(r"sanction|embargo|boycott", re.I)


class EvalInputError(ValueError):
    """A labelled file that cannot be read; the message names the file and line."""


# ------------------------------------------------------------------------------ entities


@dataclass
class ConllSentence:
    tokens: list[str]
    gold: list[str]
    pred: list[str] | None


def read_conll(path: str | Path, with_predictions: bool) -> list[ConllSentence]:
    """Sentences of a CoNLL file; raises :class:`EvalInputError` naming file and line."""
    p = Path(path)
    lines = read_lines(p, EvalInputError)
    need = 3 if with_predictions else 2
    sentences: list[ConllSentence] = []
    cur = ConllSentence([], [], [] if with_predictions else None)
    for n, line in enumerate(lines, 1):
        cols = line.split()
        if not cols or cols[0] == "-DOCSTART-":
            if cur.tokens:
                sentences.append(cur)
            cur = ConllSentence([], [], [] if with_predictions else None)
            continue
        if len(cols) < need:
            what = "token, gold and predicted tag" if with_predictions else "token and gold tag"
            raise EvalInputError(f"{p}:{n}: expected at least {need} columns ({what}): {line!r}")
        cur.tokens.append(cols[0])
        if with_predictions:
            cur.gold.append(cols[-2])
            assert cur.pred is not None
            cur.pred.append(cols[-1])
        else:
            cur.gold.append(cols[-1])
    if cur.tokens:
        sentences.append(cur)
    return sentences


def tag_spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Token spans [start, end) with mapped types; I- after O or another type opens a span."""
    spans: set[tuple[int, int, str]] = set()
    start: int | None = None
    kind: str | None = None
    for i, tag in enumerate([*tags, "O"]):
        prefix, label = parse_tag(tag)
        if label is None or prefix in ("B", "S", "U") or label != kind:
            if start is not None and kind is not None:
                spans.add((start, i, kind))
            start, kind = (i, label) if label is not None else (None, None)
        if prefix in ("E", "L", "S", "U") and start is not None and kind is not None:
            spans.add((start, i + 1, kind))
            start, kind = None, None
    return spans


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "support": tp + fn,
    }


def score_spans(
    gold: Iterable[set[tuple[int, int, str]]], pred: Iterable[set[tuple[int, int, str]]]
) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        for span in g & p:
            tp[span[2]] += 1
        for span in p - g:
            fp[span[2]] += 1
        for span in g - p:
            fn[span[2]] += 1
    types = sorted(set(tp) | set(fp) | set(fn))
    per_type = {t: _prf(tp[t], fp[t], fn[t]) for t in types}
    overall = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"per_type": per_type, "overall": overall}


def _predicted_token_spans(tokens: list[str], entities: Sequence[Any]) -> set[tuple[int, int, str]]:
    """Map character spans over ``" ".join(tokens)`` back to token spans (exact ends only)."""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    pos = 0
    for i, tok in enumerate(tokens):
        starts[pos] = i
        ends[pos + len(tok)] = i + 1
        pos += len(tok) + 1
    out = set()
    for e in entities:
        a, b = starts.get(e.start), ends.get(e.end)
        # a span that does not fall on token boundaries can never match gold: keep it as an
        # impossible span so that it still counts as a false positive
        out.add((a if a is not None else -1 - e.start, b if b is not None else -1, e.label))
    return out


def eval_entities(path: str | Path, enricher: Any | None = None) -> dict[str, Any]:
    """Exact-span P/R/F1 per type. Without an enricher the file must carry predictions."""
    with_predictions = enricher is None
    sentences = read_conll(path, with_predictions=with_predictions)
    gold = [tag_spans(s.gold) for s in sentences]
    if enricher is None:
        pred = [tag_spans(s.pred or []) for s in sentences]
        source = "file"
    else:
        texts = [" ".join(s.tokens) for s in sentences]
        analyses = enricher.analyze_texts(texts)
        pred = [
            _predicted_token_spans(s.tokens, a.entities)
            for s, a in zip(sentences, analyses, strict=True)
        ]
        source = "enricher"
    result = score_spans(gold, pred)
    result.update({"file": str(path), "sentences": len(sentences), "predictions": source})
    if enricher is not None:
        result["models"] = dict(enricher.models)
    return result


# -------------------------------------------------------------------------------- topics


@dataclass
class TopicItem:
    text: str
    topics: set[str]
    labelled: set[str] | None  # None: every topic is judged


def read_topic_items(path: str | Path) -> list[TopicItem]:
    p = Path(path)
    items = []
    for n, d in iter_jsonl(p, EvalInputError):
        if not isinstance(d, dict):
            raise EvalInputError(f"{p}:{n}: expected a JSON object")
        text = d.get("text")
        if text is None and ("title" in d or "body" in d):
            text = "\n\n".join(x for x in (d.get("title"), d.get("body")) if x)
        topics = d.get("topics")
        if not isinstance(text, str) or not isinstance(topics, list):
            raise EvalInputError(f"{p}:{n}: needs 'text' (string) and 'topics' (list of labels)")
        labelled = d.get("labelled")
        items.append(TopicItem(text, {str(t) for t in topics}, set(labelled) if labelled else None))
    return items


def events_dev_topic_items(path: str | Path) -> list[TopicItem]:
    """Partial topic labels from an events file (``{"text", "gold": [events]}``).

    A sentence with a gold sanctions (mediation) event is a positive for that topic. Only
    sanctions gets negatives, and only sentences with no sanctions event *and* no sanctions
    word: an event file leaves background mentions of sanctions unlabelled, which are still
    on the topic; and its non-mediation sentences include ordinary diplomacy, which is
    on the mediation/diplomacy topic, so mediation is judged on positives only.
    """
    p = Path(path)
    items = []
    for n, d in iter_jsonl(p, EvalInputError):
        try:
            text = str(d["text"])
            types = {str(e["type"]) for e in d.get("gold", [])}
        except (KeyError, TypeError) as exc:
            raise EvalInputError(f"{p}:{n}: not an events line ({exc!r})") from exc
        labelled = set()
        if "sanctions" in types or not _SANCTION_WORDS.search(text):
            labelled.add("sanctions")
        if "mediation" in types:
            labelled.add("mediation")
        if labelled:
            items.append(TopicItem(text, types & labelled, labelled))
    return items


def _judged(item: TopicItem, label: str) -> bool:
    return item.labelled is None or label in item.labelled


def score_topics(
    items: Sequence[TopicItem], predicted: Sequence[set[str]], labels: Sequence[str]
) -> dict[str, Any]:
    per: dict[str, Any] = {}
    tot = Counter[str]()
    for label in labels:
        tp = fp = fn = 0
        for item, pred in zip(items, predicted, strict=True):
            if not _judged(item, label):
                continue
            g, p = label in item.topics, label in pred
            tp += g and p
            fp += p and not g
            fn += g and not p
        per[label] = _prf(tp, fp, fn)
        tot.update({"tp": tp, "fp": fp, "fn": fn})
    with_support = [v for v in per.values() if v["support"] or v["fp"]]
    macro = sum(v["f1"] for v in with_support) / len(with_support) if with_support else 0.0
    exact = [it for it in items if it.labelled is None]
    exact_hits = sum(
        1 for it, p in zip(items, predicted, strict=True) if it.labelled is None and p == it.topics
    )
    return {
        "per_topic": per,
        "micro": _prf(tot["tp"], tot["fp"], tot["fn"]),
        "macro_f1": round(macro, 4),
        "exact_match": round(exact_hits / len(exact), 4) if exact else None,
        "items": len(items),
    }


def eval_topics(
    path: str | Path, enricher: Any, extra_items: Sequence[TopicItem] = ()
) -> dict[str, Any]:
    """Per-topic P/R/F1 of the topics the enricher assigns (score >= 0.5)."""
    items = read_topic_items(path) + list(extra_items)
    analyses = enricher.analyze_texts([it.text for it in items])
    predicted = [{t.label for t in a.topics if t.score >= ASSIGN_AT} for a in analyses]
    catch = enricher.taxonomy.catch_all
    if catch is not None:  # a fully labelled item with no topic belongs to the catch-all
        items = [
            TopicItem(it.text, {catch.label}, None) if it.labelled is None and not it.topics else it
            for it in items
        ]
    result = score_topics(items, predicted, enricher.taxonomy.labels)
    result.update({"file": str(path), "models": dict(enricher.models)})
    return result


def tune_thresholds(items: Sequence[TopicItem], scorer: Any) -> dict[str, dict[str, float]]:
    """Per topic, the cosine threshold that maximises F1 on ``items`` (encoder scorer only).

    Ties are broken toward the midpoint of the best range, which keeps the threshold away
    from the examples it was fitted on.
    """
    sims = scorer.similarities([it.text for it in items])
    out: dict[str, dict[str, float]] = {}
    for topic in scorer.taxonomy.scored:
        pairs = [
            (s[topic.label], topic.label in it.topics)
            for it, s in zip(items, sims, strict=True)
            if _judged(it, topic.label)
        ]
        candidates = [round(0.1 + 0.01 * k, 2) for k in range(71)]  # 0.10 .. 0.80
        best_f1, best = -1.0, [topic.threshold]
        for c in candidates:
            tp = sum(1 for v, g in pairs if v >= c and g)
            fp = sum(1 for v, g in pairs if v >= c and not g)
            fn = sum(1 for v, g in pairs if v < c and g)
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f1 + 1e-9:
                best_f1, best = f1, [c]
            elif math.isclose(f1, best_f1):
                best.append(c)
        out[topic.label] = {
            "threshold": round((min(best) + max(best)) / 2, 2),
            "f1": round(best_f1, 4),
            "current": topic.threshold,
        }
    return out


# ------------------------------------------------------------------------------ printing


def print_prf_table(rows: dict[str, Any], title: str, out: TextIO) -> None:
    print(f"{title:18s} {'P':>7s} {'R':>7s} {'F1':>7s} {'support':>8s}", file=out)
    for name, r in rows.items():
        print(
            f"{name:18s} {r['precision']:7.3f} {r['recall']:7.3f} {r['f1']:7.3f} {r['support']:8d}",
            file=out,
        )


def print_entity_report(result: dict[str, Any], out: TextIO) -> None:
    print(f"{result['file']}: {result['sentences']} sentences", file=out)
    print_prf_table(result["per_type"], "type", out)
    print_prf_table({"overall (micro)": result["overall"]}, "", out)


def print_topic_report(result: dict[str, Any], out: TextIO) -> None:
    print(f"{result['file']}: {result['items']} items", file=out)
    print_prf_table(result["per_topic"], "topic", out)
    print_prf_table({"micro": result["micro"]}, "", out)
    print(f"macro F1 {result['macro_f1']:.3f}", file=out)
    if result.get("exact_match") is not None:
        print(f"exact label-set match {result['exact_match']:.3f}", file=out)
