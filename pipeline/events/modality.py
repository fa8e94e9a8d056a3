"""Negation and hypothetical modality of a trigger, from the words just before it.

Why it matters: "refused to lift sanctions", "will not lift the embargo until ..." and "failed to
renew" must be reported as negated, and "urged Washington to lift", "would support lifting",
"could impose" as hypothetical, so that alerts fire on what happened, not on what was denied or
wished for (alerts skip both unless configured).

Conventions (shared/corpus/EVENTS-DEV.md): a refusal, even with a condition, is negated and not
hypothetical; a call for lifting or easing is hypothetical; "decided/agreed/voted to ..." is a
decision, not a hypothesis; a threat or an offer is itself real (a condition inside it does
not make it hypothetical).
"""

from __future__ import annotations

from pipeline.events.roles import BOUNDARY_PUNCT, Sentence
from pipeline.events.triggers import (
    CONDITIONALS,
    DENY_WORDS,
    MODALS,
    NEGATORS,
    REALIS_WORDS,
    URGE_WORDS,
)

# actions whose own statement is real even when conditional ("offers to mediate if ...")
SPEECH_ACTS = {"threaten", "call", "offer", "request", "reject"}
_CLAUSE_WORDS = {
    "and",
    "but",
    "while",
    "whereas",
    "because",
    "after",
    "although",
    "which",
    "who",
    "that",
}


def clause_start(s: Sentence, idx: int, split_and: bool = True) -> int:
    """Index of the first token of the clause holding ``idx`` (after the last comma, semicolon
    or clause word; ``split_and=False`` keeps coordinated verbs together: "ready to host
    talks and act as a mediator")."""
    i = idx - 1
    while i >= 0:
        w = s.low[i]
        if w in BOUNDARY_PUNCT or (w in _CLAUSE_WORDS and (split_and or w != "and")):
            return i + 1
        i -= 1
    return 0


def is_negated(s: Sentence, idx: int, window: int = 5) -> bool:
    """A negator within a few words before the trigger, in the same clause
    ("did not impose", "refused to lift", "will not remove to lift", "failed to renew")."""
    lo = max(clause_start(s, idx), idx - window)
    for i in range(lo, idx):
        w = s.low[i]
        if w in NEGATORS or w.endswith("n't"):
            return True
    # "denied that it was mediating": a denial reaches across "that"
    for i in range(idx - 1, max(-1, idx - 9), -1):
        if s.low[i] in (".", ";"):
            break
        if (
            s.low[i] in DENY_WORDS
            and i + 1 < idx
            and s.low[i + 1] in ("that", "it", "any", "reports", "claims")
        ):
            return True
    return False


# "said it would lift", "announced the bloc would freeze": the future of a report, which
# announces a decision (EVENTS-DEV: "said they would ban entry" is not hypothetical)
REPORTED = {
    "said", "says", "announced", "announces", "told", "tells", "added", "confirmed",
    "confirms", "stated", "states", "declared", "declares", "indicated", "signalled",
    "signaled",
}  # fmt: skip


def reported_future(s: Sentence, modal: int) -> bool:
    """The modal at ``modal`` is the "would" of a reported decision: a reporting verb a few
    words before it, with no punctuation between ("said on Friday it would lift")."""
    if s.low[modal] != "would":
        return False
    for i in range(modal - 1, max(-1, modal - 7), -1):
        if s.low[i] in BOUNDARY_PUNCT:
            return False
        if s.low[i] in REPORTED:
            return True
    return False


def _realis_before(s: Sentence, to: int, lo: int) -> bool:
    """A decision verb governs the infinitive at ``to``, also across the vote count and its
    adjuncts ("voted 10-0 with five abstentions to tighten"), within ten words."""
    for i in range(to - 1, max(lo, to - 10) - 1, -1):
        w = s.low[i]
        if w in REALIS_WORDS:
            return True
    return False


def is_hypothetical(s: Sentence, idx: int, action: str, urged: bool = False) -> bool:
    """Modal, conditional, wished-for or planned: "could impose", "if ... lifts",
    "urged X to lift", "talks to lift", "would support lifting"."""
    if action == "call":
        return False  # "said it would push for sanctions" announces a demand
    if action in SPEECH_ACTS:  # "could offer", "could play a mediating role"
        return any(
            s.low[i] in MODALS and not reported_future(s, i) for i in range(max(0, idx - 3), idx)
        )
    if urged:
        return True
    lo = clause_start(s, idx)
    for i in range(max(lo, idx - 3), idx):
        if s.low[i] in MODALS and not reported_future(s, i):
            return True
    for i in range(lo, idx):
        if s.low[i] in CONDITIONALS:
            return True
    # "to lift": an infinitive is a plan or a wish unless a decision verb governs it
    prev = idx - 1
    while prev >= 0 and s.low[prev] in (
        "partially",
        "fully",
        "formally",
        "gradually",
        "further",
        "immediately",
        "also",
        "swiftly",
    ):
        prev -= 1
    if prev >= 0 and s.low[prev] == "to":
        return not _realis_before(s, prev, lo)
    # a gerund after a verb of support or discussion: "support lifting", "talks on easing"
    if s.low[idx].endswith("ing") and idx > 0:
        for i in range(max(lo, idx - 3), idx):
            if s.low[i] in URGE_WORDS or s.low[i] in (
                "on",
                "about",
                "consider",
                "considering",
                "discuss",
                "discussed",
                "discussing",
            ):
                return True
    return False


def modality(s: Sentence, idx: int, action: str, urged: bool = False) -> tuple[bool, bool]:
    """``(negated, hypothetical)`` of the trigger at ``idx``. A negated act is never also
    hypothetical (a refusal, even with a condition, is a refusal), so the frames ask here
    rather than combine :func:`is_negated` and :func:`is_hypothetical` each on its own."""
    negated = is_negated(s, idx)
    return negated, False if negated else is_hypothetical(s, idx, action, urged)
