"""Score event detection on a labelled JSONL file (``{"id", "text", "gold": [events]}``).

Why these figures: analysts care first whether an event is caught and whether a non-event
stays silent (precision/recall/F1 by type, false-event rate on the items with no gold event),
then whether it is the right action and the right actors in the right roles.

Matching: a predicted event matches a gold event of the same type whose ``action`` or one of
its ``alt_actions`` equals the predicted action (each gold and predicted event used once).
Actor ids compare as in the contract, with every non-state, non-IGO actor (persons standing for
themselves, organisations, unknown names) read as ``OTHER``, the labelling convention of
``shared/corpus/EVENTS-DEV.md``.

- action accuracy: over gold events that some predicted event of the same type was paired with
  (by type only), the share whose predicted action is the gold action or an alt action;
- role accuracy: over matched events, the share of roles whose actor set equals gold's;
- flag accuracy: over matched events, negated and hypothetical both equal to gold.

Usable on any labelled file a user brings: ``python -m pipeline.events.evaluation FILE [-v]``
(the lead wires the same into ``newsmon eval events``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.evalfiles import iter_jsonl
from pipeline.schema import EVENT_TYPES, Article, EnrichedArticle, Event

AnalyzeFn = Callable[[str], Any]


class EvalDataError(ValueError):
    """A malformed labelled file; the message names the file and line."""


def linker_analyze(text: str) -> list[dict[str, Any]]:
    """Events from the dictionary linker alone (no models): the offline default."""
    from pipeline.events.detect import detect_events

    art = Article(id="eval", feed_id="eval", source="eval", url="", title="", content=text)
    enriched = EnrichedArticle(article=art, text=text)
    return [e.contract_dict() for e in detect_events(enriched)]


def _events_of(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, dict):
        result = result.get("events", [])
    out = []
    for e in result or []:
        out.append(e.contract_dict() if isinstance(e, Event) else e)
    return out


def _ids(actors: list[Any]) -> frozenset[str]:
    out = set()
    for a in actors or []:
        if isinstance(a, str):
            aid, kind = a, None
        else:
            aid, kind = a.get("id", "OTHER"), a.get("kind")
        if kind in ("country", "igo") or (
            kind is None
            and (aid.startswith("IGO:") or (len(aid) == 3 and aid.isupper() and aid != "OTHER"))
        ):
            out.add(aid)
        else:
            out.add("OTHER")
    return frozenset(out)


def load_items(path: str | Path) -> list[dict[str, Any]]:
    items = []
    p = Path(path)
    for no, d in iter_jsonl(p, EvalDataError):
        if not isinstance(d, dict) or "text" not in d or not isinstance(d.get("gold", []), list):
            raise EvalDataError(f"{p}:{no}: expected an object with 'text' and a 'gold' list")
        for g in d.get("gold", []):
            if g.get("type") not in EVENT_TYPES or "action" not in g:
                raise EvalDataError(f"{p}:{no}: gold event needs a known 'type' and an 'action'")
        d.setdefault("id", f"{p.name}:{no}")
        items.append(d)
    return items


def _pair(
    preds: list[dict[str, Any]], golds: list[dict[str, Any]], by_action: bool
) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    for gi, g in enumerate(golds):
        ok_actions = {g["action"], *g.get("alt_actions", [])}
        best, best_score = None, -1
        for pi, p in enumerate(preds):
            if pi in used_p or p["type"] != g["type"]:
                continue
            if by_action and p["action"] not in ok_actions:
                continue
            score = sum(
                _ids(p["roles"].get(r, [])) == _ids(g["roles"].get(r, [])) for r in g["roles"]
            ) + (p["action"] == g["action"])
            if score > best_score:
                best, best_score = pi, score
        if best is not None:
            used_p.add(best)
            pairs.append((gi, best))
    return pairs


def eval_events(path: str | Path, analyze_fn: AnalyzeFn | None = None) -> dict[str, Any]:
    """Figures for one labelled file; ``analyze_fn(text)`` returns the analyze dict (with
    ``events``) or a list of events (contract dicts or :class:`Event`)."""
    analyze_fn = analyze_fn or linker_analyze
    items = load_items(path)
    by_type = {t: {"tp": 0, "fp": 0, "fn": 0} for t in EVENT_TYPES}
    act_total = act_ok = role_total = role_ok = flag_total = flag_ok = 0
    negatives = false_items = 0
    errors: list[dict[str, Any]] = []
    for item in items:
        golds = item.get("gold", [])
        preds = _events_of(analyze_fn(item["text"]))
        pairs = _pair(preds, golds, by_action=True)
        matched_g = {g for g, _ in pairs}
        matched_p = {p for _, p in pairs}
        for t in EVENT_TYPES:
            by_type[t]["tp"] += sum(1 for g, _ in pairs if golds[g]["type"] == t)
            by_type[t]["fn"] += sum(
                1 for i, g in enumerate(golds) if g["type"] == t and i not in matched_g
            )
            by_type[t]["fp"] += sum(
                1 for i, p in enumerate(preds) if p["type"] == t and i not in matched_p
            )
        # action accuracy: pair by type only
        for gi, pi in _pair(preds, golds, by_action=False):
            act_total += 1
            g, p = golds[gi], preds[pi]
            act_ok += p["action"] in {g["action"], *g.get("alt_actions", [])}
        item_errors = []
        for gi, pi in pairs:
            g, p = golds[gi], preds[pi]
            for role in g["roles"]:
                role_total += 1
                if _ids(p["roles"].get(role, [])) == _ids(g["roles"][role]):
                    role_ok += 1
                else:
                    item_errors.append(
                        f"role {g['type']}/{role}: got {sorted(_ids(p['roles'].get(role, [])))}"
                        f" want {sorted(_ids(g['roles'][role]))}"
                    )
            flag_total += 1
            if bool(p.get("negated")) == bool(g.get("negated")) and bool(
                p.get("hypothetical")
            ) == bool(g.get("hypothetical")):
                flag_ok += 1
            else:
                item_errors.append(
                    f"flags {g['type']}/{g['action']}: got neg={p.get('negated')} "
                    f"hyp={p.get('hypothetical')} want neg={bool(g.get('negated'))} "
                    f"hyp={bool(g.get('hypothetical'))}"
                )
        for i, g in enumerate(golds):
            if i not in matched_g:
                item_errors.append(f"missed {g['type']}/{g['action']}")
        for i, p in enumerate(preds):
            if i not in matched_p:
                item_errors.append(f"false {p['type']}/{p['action']}")
        if not golds:
            negatives += 1
            false_items += bool(preds)
        if item_errors:
            errors.append(
                {
                    "id": item["id"],
                    "text": item["text"],
                    "errors": item_errors,
                    "predicted": preds,
                    "gold": golds,
                }
            )
    result: dict[str, Any] = {"path": str(path), "items": len(items), "by_type": {}}
    tp = fp = fn = 0
    for t, c in by_type.items():
        result["by_type"][t] = {**c, **_prf(c["tp"], c["fp"], c["fn"])}
        tp, fp, fn = tp + c["tp"], fp + c["fp"], fn + c["fn"]
    result["overall"] = {"tp": tp, "fp": fp, "fn": fn, **_prf(tp, fp, fn)}
    result["action_accuracy"] = act_ok / act_total if act_total else None
    result["role_accuracy"] = role_ok / role_total if role_total else None
    result["flag_accuracy"] = flag_ok / flag_total if flag_total else None
    result["negatives"] = negatives
    result["false_event_rate"] = false_items / negatives if negatives else None
    result["errors"] = errors
    return result


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_report(result: dict[str, Any], verbose: bool = False) -> str:
    lines = [f"events eval: {result['path']} ({result['items']} items)"]
    lines.append(f"{'type':<10} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for t, c in [*result["by_type"].items(), ("overall", result["overall"])]:
        lines.append(
            f"{t:<10} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {c['precision']:>6.3f} "
            f"{c['recall']:>6.3f} {c['f1']:>6.3f}"
        )
    lines.append(f"action accuracy  {_fmt(result['action_accuracy'])}")
    lines.append(f"role accuracy    {_fmt(result['role_accuracy'])}")
    lines.append(f"flag accuracy    {_fmt(result['flag_accuracy'])}")
    lines.append(
        f"false-event rate {_fmt(result['false_event_rate'])} "
        f"(on {result['negatives']} items without events)"
    )
    if verbose:
        for e in result["errors"]:
            lines.append(f"- {e['id']}: {'; '.join(e['errors'])}")
            lines.append(f"    {e['text'][:300]}")
    return "\n".join(lines)


def print_events_report(result: dict[str, Any], verbose: bool = False, file: Any = None) -> None:
    """Print :func:`format_report` (stdout by default), for ``newsmon eval events``."""
    print(format_report(result, verbose), file=file or sys.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score event detection on a labelled JSONL file")
    ap.add_argument("path")
    ap.add_argument("-v", "--verbose", action="store_true", help="list per-item errors")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    try:
        result = eval_events(args.path)
    except EvalDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                result if args.verbose else {k: v for k, v in result.items() if k != "errors"},
                indent=2,
            )
        )
    else:
        print_events_report(result, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
