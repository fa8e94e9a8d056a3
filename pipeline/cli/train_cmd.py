"""``newsmon train topics``: fit the trained topic head on labelled JSONL (see
``pipeline.nlp.topic_head``); the weights go to the file the taxonomy's ``scorer.head`` names.

Heavy imports (torch, transformers) happen inside the handler so ``newsmon --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from pipeline.config import ROOT, Settings, resolve_path

DEFAULT_DATA = ROOT / "configs" / "topics-train"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("train", help="train models from labelled files")
    tsub = p.add_subparsers(dest="train_what", metavar="WHAT")
    tsub.required = True
    pt = tsub.add_parser(
        "topics",
        help="fit the per-topic logistic regression head on the encoder's embeddings",
    )
    pt.add_argument(
        "files",
        nargs="*",
        metavar="FILE.jsonl",
        help='JSONL {"title", "body" | "text", "topics": [labels]} a line, or directories of '
        f"them (default {DEFAULT_DATA.relative_to(ROOT)}/)",
    )
    pt.add_argument("--out", help="weights file (default: the taxonomy's scorer.head)")
    pt.add_argument("--taxonomy", help="topics file (default configs/topics.yaml)")
    pt.add_argument("--seed", type=int, default=0, help="fold assignment seed (default 0)")
    pt.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    pt.set_defaults(func=run_topics)


def _fail(problem: object) -> int:
    print(f"newsmon train topics: {problem}", file=sys.stderr)
    return 2


def run_topics(args: argparse.Namespace, settings: Settings) -> int:
    if "numpy" not in sys.modules:
        # the fits are small matrices: BLAS threads only contend (10x slower on a busy machine)
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from pipeline.nlp.evaluation import EvalInputError
    from pipeline.nlp.models import ModelUnavailable, load_model
    from pipeline.nlp.topic_head import TopicHeadError, build_head_file, write_head_file
    from pipeline.nlp.topics import EncoderTopicScorer, TaxonomyError, load_taxonomy

    t0 = time.perf_counter()
    try:
        taxonomy = load_taxonomy(resolve_path(args.taxonomy) if args.taxonomy else None)
        out = Path(args.out) if args.out else taxonomy.head
        if out is None:
            return _fail(f"{taxonomy.path} sets no scorer.head: give --out PATH")
        if args.folds < 2:
            return _fail("--folds must be at least 2")
        encoder = load_model(settings.models.encoder, "models.encoder", "encoder", settings.models)
        zero_shot = EncoderTopicScorer(taxonomy, encoder, settings.models.batch_size)
        files = [Path(f) for f in args.files] or [DEFAULT_DATA]
        content, report = build_head_file(zero_shot, files, seed=args.seed, folds=args.folds)
        size = write_head_file(content, out)
    except (EvalInputError, TaxonomyError, TopicHeadError, ModelUnavailable) as exc:
        return _fail(exc)
    print(
        f"{report['items']} items from {len(content['training_data']['files'])} files "
        f"(sha256 {content['training_data']['sha256'][:12]})"
    )
    print(
        f"{'topic':18s} {'pos':>4s} {'l2':>6s} {'thr':>6s} {'cv P':>6s} {'cv R':>6s} {'cv F1':>6s}"
    )
    for t in content["topics"]:
        cv = t["cv"]
        print(
            f"{t['label']:18s} {t['positives']:4d} {t['l2']:6.2f} {t['threshold']:6.3f} "
            f"{cv['precision']:6.3f} {cv['recall']:6.3f} {cv['f1']:6.3f}"
        )
    for label in report["untrained"]:
        print(f"{label:18s} too few examples: stays zero-shot")
    print(
        f"embedding {report['embed_seconds']:.1f}s, fitting {report['fit_seconds']:.1f}s, "
        f"total {time.perf_counter() - t0:.1f}s; wrote {out} ({size} bytes)"
    )
    return 0
