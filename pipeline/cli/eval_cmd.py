"""``newsmon eval entities|topics``: score the enrich stage on a labelled file you bring.

Heavy imports (torch, transformers) happen inside the handlers so ``newsmon --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from pipeline.config import Settings, resolve_path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("eval", help="score entities, topics or events on a labelled file")
    esub = p.add_subparsers(dest="eval_what", metavar="WHAT")
    esub.required = True

    pe = esub.add_parser(
        "entities", help="exact-span P/R/F1 per type on a CoNLL file (token ... gold tag)"
    )
    pe.add_argument("file", help="CoNLL file: one token a line, gold tag in the last column")
    pe.add_argument(
        "--predictions-in-file",
        action="store_true",
        help="score the file's last column as predictions (gold second to last) "
        "instead of running the configured NER",
    )
    pe.add_argument("--json", action="store_true", help="print the result as JSON")
    pe.set_defaults(func=run_entities)

    pt = esub.add_parser("topics", help="per-topic P/R/F1 on a JSONL file (text, topics)")
    pt.add_argument("file", help='JSONL: {"text": ..., "topics": [labels]} a line')
    pt.add_argument(
        "--events-dev",
        metavar="FILE",
        help="also score mediation/sanctions on an events file's labels (e.g. "
        "../shared/corpus/events-dev.jsonl), read at run time",
    )
    pt.add_argument("--taxonomy", help="topics file (default configs/topics.yaml)")
    pt.add_argument(
        "--tune",
        action="store_true",
        help="print the F1-maximising threshold per topic (encoder scorer) instead of scores",
    )
    pt.add_argument("--json", action="store_true", help="print the result as JSON")
    pt.set_defaults(func=run_topics)

    pv = esub.add_parser(
        "events",
        help="event P/R/F1 by type, action and role accuracy on a JSONL file (text, gold)",
    )
    pv.add_argument("file", help='JSONL: {"id", "text", "gold": [events]} a line')
    pv.add_argument("--verbose", "-v", action="store_true", help="list every item in error")
    pv.add_argument(
        "--dictionary-only",
        action="store_true",
        help="link actors with the dictionary alone (no models): isolates the event rules",
    )
    pv.add_argument("--json", action="store_true", help="print the result as JSON")
    pv.set_defaults(func=run_events)

    from pipeline.cli.feedback_cmd import register_eval_feedback

    register_eval_feedback(esub)


def _enricher(settings: Settings, taxonomy: str | None = None):  # type: ignore[no-untyped-def]
    from pipeline.nlp.enrich import Enricher

    return Enricher(settings.models, taxonomy_path=resolve_path(taxonomy) if taxonomy else None)


def _bad_input(what: str, problem: object) -> int:
    """Report a file or option the user must fix (named in ``problem``) without a traceback;
    exit status 2, as for a usage error."""
    print(f"newsmon eval {what}: {problem}", file=sys.stderr)
    return 2


def _print_result(as_json: bool, result: Any, print_text: Callable[[Any], None]) -> int:
    """Print ``result`` as JSON (``--json``, for scripts) or as the text report; exit 0."""
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print_text(result)
    return 0


def _print_thresholds(tuned: dict[str, Any]) -> None:
    for label, t in tuned.items():
        print(
            f"{label:18s} threshold {t['threshold']:.2f}  (F1 {t['f1']:.3f}; "
            f"configured {t['current']:.2f})"
        )


def run_entities(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.nlp.evaluation import EvalInputError, eval_entities, print_entity_report

    try:
        if args.predictions_in_file:
            result = eval_entities(args.file)
        else:
            result = eval_entities(args.file, _enricher(settings))
    except EvalInputError as exc:
        return _bad_input("entities", exc)
    return _print_result(args.json, result, lambda r: print_entity_report(r, sys.stdout))


def run_topics(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.nlp.evaluation import (
        EvalInputError,
        eval_topics,
        events_dev_topic_items,
        print_topic_report,
        read_topic_items,
        tune_thresholds,
    )
    from pipeline.nlp.topics import EncoderTopicScorer, TaxonomyError

    try:
        enricher = _enricher(settings, args.taxonomy)
        extra = events_dev_topic_items(args.events_dev) if args.events_dev else []
        if args.tune:
            scorer = getattr(enricher.topic_scorer, "zero_shot", enricher.topic_scorer)
            if not isinstance(scorer, EncoderTopicScorer):
                return _bad_input("topics --tune", "needs the encoder scorer")
            tuned = tune_thresholds(read_topic_items(args.file) + extra, scorer)
            return _print_result(args.json, tuned, _print_thresholds)
        result = eval_topics(args.file, enricher, extra)
    except (EvalInputError, TaxonomyError) as exc:
        return _bad_input("topics", exc)
    return _print_result(args.json, result, lambda r: print_topic_report(r, sys.stdout))


def run_events(args: argparse.Namespace, settings: Settings) -> int:
    """Runs the same code as ``newsmon analyze`` (the configured models, batched once) unless
    ``--dictionary-only``; the figures therefore describe what the pipeline would alert on."""
    from pipeline.events.evaluation import (
        EvalDataError,
        eval_events,
        load_items,
        print_events_report,
    )

    try:
        if args.dictionary_only:
            result = eval_events(args.file)
        else:
            from pipeline.analyze import analyze_texts

            texts = [item["text"] for item in load_items(args.file)]
            analysed = analyze_texts(
                [(t, None) for t in texts], _enricher(settings), settings.events
            )
            by_text = dict(zip(texts, analysed, strict=True))
            result = eval_events(args.file, by_text.__getitem__)
    except (EvalDataError, OSError) as exc:
        return _bad_input("events", exc)
    return _print_result(
        args.json, result, lambda r: print_events_report(r, args.verbose, sys.stdout)
    )
