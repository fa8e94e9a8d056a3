"""``newsmon analyze``: one document (or JSON lines of many) through enrichment and events.

Contract: shared/contracts/analyze-json.md. With ``--json`` stdout holds exactly one JSON
object; logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import Settings

if TYPE_CHECKING:
    from pipeline.nlp.enrich import Enricher


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "analyze", help="run a document through enrichment and event detection (no Kafka)"
    )
    p.add_argument("path", metavar="PATH|-", help="text file, or - for standard input")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print one JSON object (the contract)")
    fmt.add_argument(
        "--jsonl", action="store_true", help='input is JSON lines {"id","text","title"?}'
    )
    p.add_argument("--title", help="the document's headline, analysed with the body")
    p.set_defaults(func=run)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"newsmon analyze: cannot read {path}: {exc}") from exc


def run(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.analyze import analyze_texts  # heavy (torch): only when the command runs
    from pipeline.nlp.enrich import Enricher

    raw = _read(args.path)
    enricher = Enricher(settings.models)
    if args.jsonl:
        return _run_jsonl(raw, args.path, enricher, settings)
    [result] = analyze_texts([(raw, args.title)], enricher, settings.events)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(_readable(result))
    return 0


def _run_jsonl(raw: str, path: str, enricher: Enricher, settings: Settings) -> int:
    """Models load once; each line gives one output line in input order, errors included."""
    from pipeline.analyze import analyze_texts

    lines = [line for line in raw.splitlines() if line.strip()]
    parsed: list[tuple[Any, str | None, tuple[str, str | None] | None]] = []
    for n, line in enumerate(lines, 1):
        obj: Any = None
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError('expected an object with a string "text"')
            title = obj.get("title")
            parsed.append((obj.get("id"), None, (obj["text"], title if title else None)))
        except (json.JSONDecodeError, ValueError) as exc:
            doc_id = obj.get("id") if isinstance(obj, dict) else None
            parsed.append((doc_id, f"{path}:{n}: {exc}", None))
    docs = [doc for _, _, doc in parsed if doc is not None]
    results = iter(analyze_texts(docs, enricher, settings.events)) if docs else iter([])
    for doc_id, error, doc in parsed:
        out: dict[str, Any] = {"id": doc_id}
        if doc is None:
            out["error"] = error
        else:
            out.update(next(results))
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def _readable(result: dict[str, Any]) -> str:
    lines = ["topics: " + ", ".join(f"{t['label']} {t['score']:.2f}" for t in result["topics"][:4])]
    actors = sorted({e["actor"]["id"] for e in result["entities"] if e.get("actor")})
    lines.append("actors: " + (", ".join(actors) or "-"))
    if not result["events"]:
        lines.append("events: none")
    for ev in result["events"]:
        roles = "; ".join(
            f"{role} {'+'.join(a['id'] for a in actors)}" for role, actors in ev["roles"].items()
        )
        flags = "".join(f" [{f}]" for f in ("negated", "hypothetical") if ev.get(f))
        lines.append(f"event: {ev['type']} {ev['action']} ({roles}){flags} conf {ev['confidence']}")
        lines.append(f"  evidence: {ev['evidence']}")
    return "\n".join(lines)
