"""The sanctions frame: a sanction noun (or verb) governed by an action word, with its sender
and target.

Why these rules: a sanctions event needs a sender that is a state, an IGO or a person acting
for one — this is what separates state sanctions from a league "sanctioning" a match, a bar's
boycott, a court lifting a ban or a party ban; an unnamed sender ("sanctions were lifted") is
not reported. The sanction noun must be the object of an action word in a short window before
it (or of a passive verb after it: "sanctions ... were lifted"); sanctions that are enforced,
violated, blamed, or mentioned as the state of things ("under sanctions", "the implementation
of sanctions") are background and yield nothing. Asset freezes, trade, travel and entry bans
without a sanction noun are read from the dependency parse (:mod:`pipeline.events.measures`,
which asks for a named foreign state as target: an export ban on rice is not a sanction); with
``models.parser: null`` they are not detected.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.events import triggers as T
from pipeline.events.candidate import Candidate
from pipeline.events.modality import REPORTED, is_hypothetical, is_negated, modality
from pipeline.events.roles import (
    BOUNDARY_PUNCT,
    Mention,
    Sentence,
    agent_before,
    dedupe,
    eligible_agent,
    phrase_actors,
    role_actor,
)
from pipeline.nlp.actors import ActorLinker
from pipeline.schema import Actor

_TARGET_PREPS = {
    "on",
    "against",
    "targeting",
    "upon",
    "onto",
    "toward",
    "towards",
    "target",
    "targets",
    "targeted",
}
_AUX = {
    "was",
    "were",
    "is",
    "are",
    "will",
    "would",
    "could",
    "have",
    "has",
    "had",
    "be",
    "been",
    "being",
    "remain",
    "remains",
    "should",
    "may",
    "might",
    "must",
    "to",
    "get",
    "got",
    "also",
    "now",
    "not",
    "finally",
    "officially",
    "formally",
    "partially",
    "fully",
}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "these", "those"}
_ADJ_DETERMINERS = _DETERMINERS | {"of", "with", "by", "under", "to", "against", "on", "for", "new"}
# reporting verbs: "said it had imposed" reports the act, no history
_REPORTING = REPORTED | {"reported", "noted"}
_URGE_GLUE = {
    "to",
    "that",
    "for",
    "on",
    "upon",
    "the",
    "it",
    "would",
    "will",
    "could",
    "should",
    "partially",
    "fully",
    "immediately",
    "also",
    "quickly",
    "swiftly",
}
# verbs that turn down a call ("dismissed calls for sanctions"): no call is reported
_DISMISSING = T.REJECT_CUES | {"brushed", "ignored", "ignores", "shrugged"}
# a sanction noun that only modifies one of these names its enforcement, not a new measure
_ENFORCEMENT_HEADS = {
    "monitoring", "monitor", "monitors", "enforcement", "operation", "mission", "patrol",
    "patrols", "inspection", "inspections", "inspectors", "compliance", "evasion", "busting",
}  # fmt: skip
# measures put back in force: an imposition that may also read as an extension
_RESTORING = {
    "restore", "restores", "restored", "restoring", "reimpose", "reimposed", "reimposes",
    "reinstate", "reinstated", "renewed",
}  # fmt: skip
_PLANNING_WORDS = {"consider", "weigh", "discuss", "study", "examine", "mull"}
# "ready to impose", "threatened to sanction": a threat, not a measure taken
_THREAT_BEFORE_TO = T.THREAT_CUES | {
    "ready", "prepared", "poised", "considering", "mulling", "weighing",
}  # fmt: skip
_INSTRUMENTS = [
    (
        re.compile(
            r"\b(?:U\.?N\.?|United Nations|Security Council)\b[^.]{0,40}\bresolutions?\b|"
            r"\bresolutions?\b[^.]{0,30}\b(?:U\.?N\.?|Security Council)\b"
        ),
        "UN resolution",
    ),
    (
        re.compile(
            r"\b(?:EU|E\.U\.|European Union)\b[^.]{0,40}\bpackage\b|"
            r"\bpackage\b[^.]{0,40}\b(?:EU|E\.U\.|European Union)\b"
        ),
        "EU package",
    ),
    (re.compile(r"\bpackage of sanctions\b|\bsanctions package\b", re.I), "sanctions package"),
    (
        re.compile(r"\basset[s]?[- ]freez\w*|\bfr(?:ee|o)z\w* (?:of )?(?:\w+ ){0,3}assets\b", re.I),
        "asset freeze",
    ),
    (
        re.compile(
            r"\bexport (?:ban|controls?|restrictions?)\b|\bban\w* (?:on )?(?:\w+ ){0,4}"
            r"exports\b",
            re.I,
        ),
        "export ban",
    ),
    (re.compile(r"\barms embargo\b|\bembargo on (?:\w+ ){0,2}arms\b", re.I), "arms embargo"),
    (
        re.compile(
            r"\b(?:oil )?price cap\b|\bcap(?:ping)? (?:\w+ ){0,4}(?:oil|petroleum|barrels)\b"
            r"|\boil cap\b",
            re.I,
        ),
        "oil cap",
    ),
    (re.compile(r"\bdesignat\w+|\bblacklist\w*|\bSDN list\b", re.I), "designation"),
    (re.compile(r"\btravel ban\b|\bvisa ban\b", re.I), "travel ban"),
    (re.compile(r"\bembargo\b", re.I), "embargo"),
]


def sanctions_candidates(s: Sentence, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """Sanctions events of one sentence (before the document-level merge)."""
    out: list[Candidate] = []
    for n, w in enumerate(s.low):
        if _sanction_used_as_verb(s, n):
            out += _sanction_verb(s, n, n_sent, linker)
        elif w in T.SANCTION_NOUNS or w in T.WEAK_SANCTION_NOUNS:
            out += _sanction_noun(s, n, n_sent, linker, weak_noun=w in T.WEAK_SANCTION_NOUNS)
        elif w in T.SANCTION_VERBS:
            out += _sanction_verb(s, n, n_sent, linker)
    return out


_RELIEF_WORDS = {"relief", "waiver", "waivers"}
# who gives relief is its subject; otherwise the subject is the one who gets it
_RELIEF_GIVERS = {
    "offer",
    "offers",
    "offered",
    "grant",
    "grants",
    "granted",
    "give",
    "gives",
    "gave",
    "provide",
    "provides",
    "provided",
    "approve",
    "approves",
    "approved",
    "issue",
    "issues",
    "issued",
    "extend",
    "extends",
    "extended",
}
_RELIEF_SEEKERS = {
    "seek",
    "seeks",
    "sought",
    "seeking",
    "want",
    "wants",
    "wanted",
    "demand",
    "demands",
    "demanded",
    "ask",
    "asks",
    "asked",
    "request",
    "requests",
    "requested",
    "hope",
    "hopes",
    "hoped",
    "push",
    "pushes",
    "pushed",
    "press",
    "presses",
    "pressed",
    "need",
    "needs",
}


def _relief(
    s: Sentence, n: int, v: int, n_sent: int, linker: ActorLinker, conf_base: float
) -> list[Candidate]:
    """'Iran seeks relief from sanctions imposed by Washington', 'Iran wants sanctions relief
    from the US', 'the US offered Iran sanctions relief': ease, with the roles the giving or
    seeking verb implies."""
    first = min(n, v)
    verb_i = next(
        (
            i
            for i in range(first - 1, max(-1, first - 5), -1)
            if s.low[i] in _RELIEF_GIVERS or s.low[i] in _RELIEF_SEEKERS
        ),
        None,
    )
    subject = [
        role_actor(m, linker) for m in agent_before(s, verb_i if verb_i is not None else first)
    ]
    subject = [a for a in subject if a.kind in ("country", "igo")]
    others: list[Actor] = []
    by = _by_agent(s, n)
    if by is not None:
        others = [role_actor(by, linker)]
    else:
        for j in range(max(n, v) + 1, min(len(s.toks), max(n, v) + 6)):
            if s.low[j] in ("from", "by"):
                others = phrase_actors(s, j + 1, linker, limit=5)
                break
    giving = verb_i is not None and s.low[verb_i] in _RELIEF_GIVERS
    if giving:
        sender, target = subject, others or _fallback_others(s, {a.id for a in subject}, linker)
    else:
        target = subject
        sender = [a for a in others if a.kind in ("country", "igo")] or _fallback_others(
            s, {a.id for a in subject}, linker
        )
    if not sender:
        return []
    negated = is_negated(s, verb_i if verb_i is not None else v)
    # sought or only offered, the relief has not happened yet
    seeking = verb_i is not None and (
        s.low[verb_i] in _RELIEF_SEEKERS or s.low[verb_i] in ("offer", "offers", "offered")
    )
    return [
        Candidate(
            type="sanctions",
            action="ease",
            roles={
                "sender": dedupe(sender),
                "target": [a for a in dedupe(target) if a.id not in {x.id for x in sender}],
            },
            negated=negated,
            hypothetical=not negated and (seeking or is_hypothetical(s, v, "ease")),
            confidence=conf_base + (0.05 if target else 0.0),
            evidence=s.text.strip(),
            sentence=n_sent,
            instrument=instrument_of(s.text),
        )
    ]


def _sanction_used_as_verb(s: Sentence, n: int) -> bool:
    """'could sanction Iran', 'threatened to sanction officials', headline 'US sanctions Iran'."""
    w = s.low[n]
    if w not in ("sanction", "sanctions") or n == 0 or n + 1 >= len(s.toks):
        return False
    prev = s.low[n - 1]
    if w == "sanction" and (prev in T.MODALS or prev in ("to", "will", "not", "also")):
        return s.low[n + 1] not in ("on", "against", "relief", "of", "for")
    return w == "sanctions" and s.mention_at(n - 1) is not None and s.mention_at(n + 1) is not None


def _find_action(s: Sentence, n: int) -> tuple[str | None, int | None, bool, bool]:
    """(action, index of the action word, background?, new-cue?) for the sanction noun at n."""
    new_cue = False
    i = n - 1
    lo = max(0, n - 8)
    while i >= lo:
        w = s.low[i]
        m = s.mention_at(i)
        if m is not None:  # "New U.S. sanctions": skip the actor (its tokens include dots)
            i = m.first - 1
            continue
        if w in T.FACE_WORDS:
            # "X could face sanctions", "warned X it would face new sanctions": a threat
            if any(x in T.MODALS for x in s.low[max(0, i - 2) : i]) or any(
                x in T.THREAT_CUES for x in s.low[:i]
            ):
                return "threaten", i, False, new_cue
            return None, None, True, new_cue
        if w in BOUNDARY_PUNCT or w in T.SCAN_STOP or w == ".":
            break
        if w in T.SANCTION_NOUNS or w in T.WEAK_SANCTION_NOUNS:
            break
        if w in T.BACKGROUND_WORDS:
            return None, None, True, new_cue
        if w == "for" and i > 0 and s.low[i - 1] in T.CALL_FOR_VERBS:
            if any(x in _DISMISSING for x in s.low[max(0, i - 5) : i - 1]):
                # "dismissed calls for sanctions as baseless": the callers are unnamed and
                # the one who dismisses them is no sender (often the would-be target)
                return None, None, True, new_cue
            return "call", i - 1, False, new_cue
        if w in T.ACTION_WORDS:
            prev = s.low[i - 1] if i > 0 else ""
            if w.endswith("ed") and prev in T.ACTION_WORDS:
                i -= 1  # "announced renewed sanctions": the earlier verb governs
                continue
            if w.endswith("ed") and prev in _ADJ_DETERMINERS and s.mention_at(i - 1) is None:
                # a participle used as an adjective: "in the face of reimposed sanctions"
                new_cue = new_cue or w in T.NEW_ADJECTIVES
                i -= 1
                continue
            if (prev == "had" or (prev == "been" and i > 1 and s.low[i - 2] == "had")) and not any(
                x in _REPORTING for x in s.low[max(0, i - 8) : i]
            ):
                # pluperfect: history, not this report (unless reported: "said it had imposed")
                return None, None, True, new_cue
            action = T.ACTION_WORDS[w]
            if action == "lift" and prev in ("partially", "partly"):
                action = "ease"
            return action, i, False, new_cue
        if w in T.NEW_ADJECTIVES:
            new_cue = True
        i -= 1
    return None, None, False, new_cue


def _passive_action(s: Sentence, n: int) -> tuple[str | None, int | None]:
    """'UN sanctions against Iran were lifted', 'sanctions will be imposed'."""
    aux = False
    for j in range(n + 1, min(len(s.toks), n + 11)):
        w = s.low[j]
        if w in BOUNDARY_PUNCT or w == "." or w in ("which", "that", "who"):
            break
        if w in _AUX:
            aux = True
            continue
        if aux and w in T.ACTION_WORDS and T.ACTION_WORDS[w] not in ("call", "threaten"):
            nxt = s.low[j + 1] if j + 1 < len(s.toks) else ""
            if not w.endswith(("ed", "en")) and nxt in _DETERMINERS:
                return None, None  # "sanctions alone would not end the war": they act
            return T.ACTION_WORDS[w], j
        if aux:
            break
    return None, None


def _sanction_noun(
    s: Sentence, n: int, n_sent: int, linker: ActorLinker, weak_noun: bool
) -> list[Candidate]:
    if n + 1 < len(s.low) and s.low[n + 1] in _ENFORCEMENT_HEADS:
        return []  # "renewed its arms embargo monitoring operation": enforcement, not a measure
    action, v, background, new_cue = _find_action(s, n)
    if background:
        return []
    weak = False
    if action is None and n + 1 < len(s.toks) and s.low[n + 1] in T.NOUN_TAIL_ACTIONS:
        action, v = T.NOUN_TAIL_ACTIONS[s.low[n + 1]], n + 1
    if action is None:
        action, v = _passive_action(s, n)
    if action is None and new_cue:
        action, v, weak = "impose", n, True
    if action is None or v is None:
        return []
    alt: set[str] = set()
    if s.low[v] in _RESTORING and action == "impose":
        alt.add("extend")
    # "threatened to impose", "warned that sanctions will be imposed", an ultimatum
    threat_cue: int | None = None
    if action == "threaten" and s.low[v] in T.FACE_WORDS:
        threat_cue = next(
            (i for i in range(v - 1, max(-1, v - 25), -1) if s.low[i] in T.THREAT_CUES), None
        )
        if threat_cue is None:
            return []  # "Iran could face sanctions": nobody named threatens
    if action == "impose":
        to_i = v - 1
        if to_i > 0 and s.low[to_i] == "to" and s.low[to_i - 1] in _THREAT_BEFORE_TO:
            action = "threaten"
        else:
            threat_cue = next(
                (i for i in range(v - 1, max(-1, v - 25), -1) if s.low[i] in T.THREAT_CUES), None
            )
            if threat_cue is not None:
                action = "threaten"
                if s.mention_at(threat_cue - 1) is None and threat_cue == v - 1:
                    threat_cue = None

    if s.low[v] in _RELIEF_WORDS:
        return _relief(s, n, v, n_sent, linker, conf_base=0.62 if weak_noun else 0.72)
    urge_i = _urge_before(s, v)
    if urge_i is not None and action == "threaten" and s.low[v] in _PLANNING_WORDS:
        action = "impose"  # "called for the Council to consider an embargo": a call
    urged = urge_i is not None and action not in ("call", "threaten")
    # ---- sender
    sender: list[Mention] = []
    if urged:
        assert urge_i is not None
        sender = [m for m in s.mentions if urge_i < m.first < v and _state_like(m, s)][-1:]
        # the urged party sits between the urging verb and its "to"/"that"
        obj_end = next((k for k in range(urge_i + 1, v) if s.low[k] in ("to", "that")), urge_i + 1)
        between = [w for w in s.low[urge_i + 1 : obj_end] if w not in _URGE_GLUE]
        if not sender and between:
            return []  # "asked a coalition of NGOs to end a boycott": not a state's act
        if not sender:
            sender = agent_before(s, urge_i)
    elif threat_cue is not None:
        sender = agent_before(s, threat_cue)
    elif s.low[v].endswith("ing") and v > 0 and s.low[v - 1] in ("and", ","):
        # "X approved a resolution ..., calling for sanctions": X is the subject
        sender = next(([m] for m in s.mentions if m.first < v and eligible_agent(s, m)), [])
    else:
        sender = agent_before(s, v if v < n else n)
    premod = _premodifier(s, n)
    target = _target_after(s, n, v, linker)
    if not target and threat_cue is not None:
        j = threat_cue + 1
        if j < len(s.toks) and s.low[j] == "to":
            j += 1
        target = phrase_actors(s, j, linker, limit=4)
    if not target and s.low[v] in T.FACE_WORDS:
        target = [role_actor(m, linker) for m in agent_before(s, v, strict=False)]
    sender_actors = [role_actor(m, linker) for m in sender if _state_like(m, s)]
    if premod is not None and _state_like(premod, s):
        pa = role_actor(premod, linker)
        if premod.possessive or target:
            if not sender_actors:
                sender_actors = [pa]
        elif sender_actors and pa.id not in {a.id for a in sender_actors}:
            target = [pa]
        elif not sender_actors:
            sender_actors = [pa]
    if not sender_actors:
        # the agent of a passive follows its verb ("were renewed for another year by the EU")
        by = _by_agent(s, n) or (_by_agent(s, v) if v > n else None)
        if by is not None:
            sender_actors = [role_actor(by, linker)]
    sender_actors = [a for a in dedupe(sender_actors) if a.kind in ("country", "igo")]
    if not sender_actors:
        return []
    if not target:
        target = _fallback_others(s, {a.id for a in sender_actors}, linker)
    target = [a for a in target if a.id not in {x.id for x in sender_actors}]

    mod_i = threat_cue if threat_cue is not None else v  # a threat's modality is its verb's
    negated, hypothetical = modality(s, mod_i, action, urged)
    conf = 0.62 + (0.0 if weak else 0.15) + (0.08 if target else 0.0)
    if weak_noun:
        conf -= 0.1
    cands = [
        Candidate(
            type="sanctions",
            action=action,
            roles={"sender": sender_actors, "target": target},
            negated=negated,
            hypothetical=hypothetical,
            confidence=conf,
            evidence=s.text.strip(),
            sentence=n_sent,
            weak=weak,
            instrument=instrument_of(s.text),
            alt=alt,
        )
    ]
    # "X urges the UN to renew Y sanctions": X's call is an event of its own
    if urged and urge_i is not None and action in ("impose", "extend") and _calls(s, urge_i):
        callers = _state_agents(s, urge_i, linker)
        if callers:
            # the call, beside the urged actor's pending measure (hypothetical): events-dev's
            # labelling of "urges UN to renew Iran sanctions" (conflibert-train:492, 493)
            cands.append(
                Candidate(
                    type="sanctions",
                    action="call",
                    roles={"sender": callers, "target": target},
                    negated=is_negated(s, urge_i),
                    hypothetical=False,
                    confidence=conf,
                    evidence=s.text.strip(),
                    sentence=n_sent,
                    instrument=instrument_of(s.text),
                )
            )
    return cands


def _sanction_verb(s: Sentence, v: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'The US sanctioned three Iranian officials', 'Washington blacklisted X': impose, with a
    state sender and a named object (a league 'sanctioning' a match has neither). After a
    determiner it is an adjective of the state of things ("links to the sanctioned oil trade")."""
    if v > 0 and s.low[v - 1] in _DETERMINERS:
        return []
    sender = _state_agents(s, v, linker)
    if not sender:
        return []
    target = phrase_actors(s, v + 1, linker)
    if not target:
        return []
    action = "impose"
    if v > 1 and s.low[v - 1] == "to" and s.low[v - 2] in _THREAT_BEFORE_TO:
        action = "threaten"  # "threatened to sanction X"
    negated, hypothetical = modality(s, v, action)  # as the words before the verb say
    instrument = "designation" if s.low[v].startswith("blacklist") else instrument_of(s.text)
    out = [
        Candidate(
            type="sanctions",
            action=action,
            roles={"sender": sender, "target": target},
            negated=negated,
            hypothetical=hypothetical,
            confidence=0.72,
            evidence=s.text.strip(),
            sentence=n_sent,
            instrument=instrument,
        )
    ]
    urge_i = _urge_before(s, v)
    callers = _state_agents(s, urge_i, linker) if urge_i is not None and _calls(s, urge_i) else []
    if urge_i is not None and urge_i < v - 2 and callers:
        # "urged the administration to sanction X": the urging side's call, beside the
        # measure urged (as for the sanction noun, events-dev's convention)
        out.append(replace(out[0], action="call", roles={"sender": callers, "target": target},
                           negated=is_negated(s, urge_i), hypothetical=False))  # fmt: skip
    return out


# urging words that only hope for or back what another does: no call of their own
_NOT_CALLING = {
    "hope", "hopes", "hoped", "hoping", "expects", "expected", "support", "supports",
    "supported", "backs", "backed",
}  # fmt: skip


def _calls(s: Sentence, urge_i: int) -> bool:
    return s.low[urge_i] not in _NOT_CALLING


def _state_like(m: Mention, s: Sentence) -> bool:
    return eligible_agent(s, m) or m.category != "demonyms"


def _state_agents(s: Sentence, v: int, linker: ActorLinker) -> list[Actor]:
    """The states and IGOs acting as the agent of the verb at ``v``: only they impose
    sanctions (a company or a league 'sanctioning' something is not an event)."""
    agents = [role_actor(m, linker) for m in agent_before(s, v) if _state_like(m, s)]
    return [a for a in agents if a.kind in ("country", "igo")]


def _urge_before(s: Sentence, v: int) -> int | None:
    """Index of an urging verb that governs the action at v ('call on X to', 'urged X to')."""
    for i in range(v - 1, max(-1, v - 14), -1):
        w = s.low[i]
        if w in (".", ";") and s.mention_at(i) is None:  # not the dots of "U.N."
            return None
        if w in T.URGE_WORDS:
            if w in ("call", "calls", "called", "calling"):
                if i + 1 < len(s.low) and s.low[i + 1] in ("on", "upon", "for"):
                    return i
                continue
            if (
                w in ("demand", "demands", "demanded")
                and i + 1 < len(s.low)
                and (s.low[i + 1] in T.SANCTION_NOUNS)
            ):
                continue
            return i
    return None


def _premodifier(s: Sentence, n: int) -> Mention | None:
    """'UN sanctions', 'Iran sanctions', 'US economic embargo', 'Israel Boycott Law'."""
    i = n - 1
    hops = 0
    while i >= 0 and hops < 3:
        m = s.mention_at(i)
        if m is not None:
            return m
        if s.low[i] in (
            "economic",
            "financial",
            "trade",
            "arms",
            "oil",
            "nuclear",
            "new",
            "crippling",
            "sweeping",
            "tough",
            "unilateral",
            "international",
            "-",
            "related",
            "nuclear-related",
            "sectoral",
            "secondary",
        ):
            i -= 1
            hops += 1
            continue
        return None
    return None


def _target_after(s: Sentence, n: int, v: int, linker: ActorLinker) -> list[Actor]:
    """The phrase after 'on/against/targeting' following the noun (or its verb)."""
    start = n + 1
    for j in range(start, min(len(s.toks), start + 8)):
        w = s.low[j]
        if w in _TARGET_PREPS:
            return phrase_actors(s, j + 1, linker)
        if w == "to" and j > 0 and s.low[j - 1] in ("relation", "regard", "respect"):
            return phrase_actors(s, j + 1, linker)
        if w == "for" and s.low[n + 1 : n + 2] in (["relief"], ["waiver"], ["waivers"]):
            return phrase_actors(s, j + 1, linker)
        if w in BOUNDARY_PUNCT or w in (
            ".",
            "over",
            "because",
            "after",
            "which",
            "that",
            "who",
            "until",
            "unless",
            "if",
            "while",
        ):
            break
    return []


def _by_agent(s: Sentence, n: int) -> Mention | None:
    for j in range(n + 1, min(len(s.toks), n + 10)):
        if s.low[j] in BOUNDARY_PUNCT or s.low[j] == ".":
            return None
        if s.low[j] == "by":
            k = j + 1
            while k < len(s.toks) and s.low[k] in ("the", "a"):
                k += 1
            return s.mention_at(k)
    return None


def _fallback_others(s: Sentence, exclude: set[str], linker: ActorLinker) -> list[Actor]:
    """When no phrase names the target, the first other state the sentence names."""
    for m in s.mentions:
        if m.category == "demonyms" and not eligible_agent(s, m):
            continue
        a = role_actor(m, linker)
        if a.id in exclude or a.kind not in ("country", "igo"):
            continue
        return [a]
    return []


def instrument_of(text: str) -> str | None:
    for rx, name in _INSTRUMENTS:
        if rx.search(text):
            return name
    return None
