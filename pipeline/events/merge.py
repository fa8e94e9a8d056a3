"""One event per real-world event in a document, and the topic scores as a soft signal.

Why merge: an article states its news in the headline, the lead and again in the body; analysts
want one event with the best sentence as evidence. Candidates merge when they have the same type
and negation, the same action (or one of them has only a default action), and compatible actors
(one's role lists contain the other's, an IGO organ matching its parent: "the Security
Council" and "the UN" in one article are one sender, reported as the organ).
"""

from __future__ import annotations

from pipeline.events.candidate import Candidate
from pipeline.nlp.actors import ActorLinker
from pipeline.schema import Actor, EnrichedArticle


def _topic_score(enriched: EnrichedArticle, etype: str) -> float | None:
    stem = "sanction" if etype == "sanctions" else "mediat"
    scores = [t.score for t in enriched.topics if stem in t.label.lower()]
    return max(scores) if scores else None


def apply_topics(cands: list[Candidate], enriched: EnrichedArticle) -> None:
    """A soft signal: a confident topic raises confidence a little, never enough on its own
    to create an event. A low topic score lowers nothing: topics are judged on an article's
    first chunks (``configs/topics.yaml``), so they say nothing against an event reported
    further down."""
    for c in cands:
        score = _topic_score(enriched, c.type)
        if score is None:
            continue
        if score >= 0.5:
            c.confidence += 0.05 * score


def _same(a: str, b: str, linker: ActorLinker) -> bool:
    return a == b or linker.parent(a) == b or linker.parent(b) == a


def _covers(big: list[Actor], small: list[Actor], linker: ActorLinker) -> bool:
    return all(any(_same(x.id, y.id, linker) for y in big) for x in small)


_IMPOSING = {"impose", "extend", "threaten", "call"}


def _compatible(a: Candidate, b: Candidate, linker: ActorLinker) -> bool:
    if a.type != b.type or a.negated != b.negated:
        return False
    if a.action != b.action:
        if not (a.weak or b.weak):
            return False
        # a default action only joins one of its own direction: "new sanctions on X" (a
        # default impose) may be the imposition or extension reported elsewhere, never a lift
        strong = b if a.weak else a
        if strong.type == "sanctions" and strong.action not in _IMPOSING:
            return False
    for role in set(a.roles) | set(b.roles):
        ra, rb = a.roles.get(role, []), b.roles.get(role, [])
        if not (_covers(ra, rb, linker) or _covers(rb, ra, linker)):
            return False
    return True


def _specific(actors: list[Actor], other: list[Actor], linker: ActorLinker) -> list[Actor]:
    """Union of two role lists, preferring an organ to its parent (UNSC over UN)."""
    out = list(actors)
    for o in other:
        same = [x for x in out if _same(x.id, o.id, linker)]
        if not same:
            out.append(o)
        elif linker.parent(o.id) == same[0].id:
            out[out.index(same[0])] = o
    return out


def merge_candidates(cands: list[Candidate], linker: ActorLinker) -> list[Candidate]:
    """One event per real-world event in the document: same type, action (or one of them is a
    default action) and negation, with compatible actors (one's role lists contain the other's,
    an IGO organ matching its parent). The evidence is the best-supported sentence; a fact
    stated anywhere wins over a hypothetical."""
    # best first: a stated action, then confidence, then the fuller sentence (a body sentence
    # over a terse headline), then document order
    order = sorted(
        range(len(cands)),
        key=lambda i: (
            cands[i].weak,
            -round(cands[i].confidence, 2),
            -min(len(cands[i].evidence), 160),  # any full sentence beats a fragment
            i,
        ),
    )
    merged: list[Candidate] = []
    for i in order:
        c = cands[i]
        target = next((m for m in merged if _compatible(m, c, linker)), None)
        if target is None:
            merged.append(
                Candidate(**{**c.__dict__, "roles": {r: list(v) for r, v in c.roles.items()}})
            )
            continue
        for role, actors in c.roles.items():
            target.roles[role] = _specific(target.roles.get(role, []), actors, linker)
        target.hypothetical = target.hypothetical and c.hypothetical
        target.support += 1
        target.instrument = target.instrument or c.instrument
        target.sentence = min(target.sentence, c.sentence)
        target.alt |= c.alt
    for m in merged:
        m.confidence = min(0.97, max(0.05, m.confidence + 0.03 * (m.support - 1)))
    merged.sort(key=lambda m: m.sentence)
    return merged
