"""Mediation and sanctions events with actors in their roles, from one enriched article.

``detect_events(enriched, settings)`` is pure: per sentence it looks for trigger expressions
(:mod:`pipeline.events.triggers`), decides the action from the words that govern the trigger,
fills the roles from the linked actors (:mod:`pipeline.events.roles`), marks negation and
hypotheticals (:mod:`pipeline.events.modality`), and finally merges the sentences that report
the same event into ONE event per document (same type, action and compatible actors; the
best-supported sentence is the evidence).

Design choices, and why:
- A sanctions event needs a sender that is a state, an IGO or a person acting for one. This is
  what separates state sanctions from a league "sanctioning" a match, a bar's boycott, a court
  lifting a ban, or a party ban; an unnamed sender ("sanctions were lifted") is not reported.
- The sanction noun must be the object of an action word in a short window before it (or of a
  passive verb after it: "sanctions ... were lifted"). Sanctions that are enforced, violated,
  blamed, or mentioned as the state of things ("under sanctions", "the implementation of
  sanctions") are background and yield nothing.
- Mediation triggers are the mediat- words, "X-brokered"/"broker a deal", "good offices",
  "intermediary" and "facilitate talks"; a "broker" without a deal, truce or talks next to it
  (a stock broker) is not one. Mediation may have no named actors (local disputes).
- Topic scores are only a soft signal on the confidence; a strong sentence wins without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipeline.config import EventSettings
from pipeline.events import triggers as T
from pipeline.events.modality import clause_start, is_hypothetical, is_negated
from pipeline.events.roles import (
    BOUNDARY_PUNCT,
    Mention,
    Sentence,
    agent_before,
    build_sentence,
    compound_pairs,
    dedupe,
    eligible_agent,
    phrase_actors,
    role_actor,
    with_coordinated,
)
from pipeline.nlp.actors import ActorLinker, default_linker
from pipeline.nlp.text import split_sentences
from pipeline.schema import Actor, EnrichedArticle, Entity, Event

DETECTOR_VERSION = "events-rules-1"

_QUICK = re.compile(
    r"sanction|embargo|boycott|blacklist|mediat|broker|intermediar|good offices|facilitat"
    r"|go-between|\bfr(?:o|ee)z|\bbans?\b",
    re.I,
)
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
_ADJ_DETERMINERS = {
    "of",
    "the",
    "a",
    "an",
    "with",
    "by",
    "under",
    "to",
    "its",
    "their",
    "his",
    "her",
    "against",
    "on",
    "for",
    "new",
    "these",
    "those",
}
_REPORTING = {
    "said",
    "says",
    "announced",
    "announces",
    "stated",
    "told",
    "confirmed",
    "reported",
    "added",
    "noted",
}
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
_THREAT_BEFORE_TO = {
    "ready",
    "prepared",
    "poised",
    "considering",
    "mulling",
    "weighing",
    "threatened",
    "threatens",
    "threatening",
    "threaten",
    "warned",
    "warns",
}
_CONFLICT_WORDS = {
    "conflict",
    "crisis",
    "dispute",
    "war",
    "standoff",
    "row",
    "talks",
    "rift",
    "tensions",
    "negotiations",
    "peace",
    "feud",
    "clash",
    "clashes",
}
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
        re.compile(r"\basset[s]?[- ]freez\w*|\bfreez\w* (?:of )?(?:\w+ ){0,3}assets\b", re.I),
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


@dataclass
class Candidate:
    """One event read from one sentence, before the document-level merge."""

    type: str
    action: str
    roles: dict[str, list[Actor]]
    negated: bool
    hypothetical: bool
    confidence: float
    evidence: str
    sentence: int
    weak: bool = False  # action chosen by default (no action word): may merge into a strong one
    instrument: str | None = None
    support: int = 1
    alt: set[str] = field(default_factory=set)


# ======================================================================== public API
def detect_events(enriched: EnrichedArticle, settings: EventSettings | None = None) -> list[Event]:
    """Mediation and sanctions events of one article: one per real-world event reported."""
    settings = settings or EventSettings()
    linker = default_linker()
    candidates = detect_candidates(enriched.text, enriched.entities, linker)
    _apply_topics(candidates, enriched)
    merged = merge_candidates(candidates, linker)
    now = datetime.now(UTC).isoformat()
    models = dict(enriched.models)
    models["actors"] = linker.version
    models["events"] = DETECTOR_VERSION
    art = enriched.article
    out = []
    for c in merged:
        if c.confidence < settings.min_confidence:
            continue
        out.append(
            Event(
                type=c.type,
                action=c.action,
                roles=c.roles,
                evidence=c.evidence,
                confidence=round(c.confidence, 3),
                negated=c.negated,
                hypothetical=c.hypothetical,
                instrument=c.instrument,
                article_id=art.id,
                source=art.source,
                url=art.url,
                title=art.title,
                published=art.published,
                fetched=art.fetched or None,
                detected=now,
                models=models,
            )
        )
    return out


def detect_candidates(
    text: str, entities: list[Entity] | None = None, linker: ActorLinker | None = None
) -> list[Candidate]:
    """Per-sentence event candidates (before merging); entities default to the dictionary's."""
    linker = linker or default_linker()
    mentions = _entities_with_dictionary(entities or [], linker.find_mentions(text))
    out: list[Candidate] = []
    for n, (a, b) in enumerate(_bounded(split_sentences(text), text)):
        chunk = text[a:b]
        if not _QUICK.search(chunk):
            continue
        ents = [
            Entity(e.text, e.label, e.start - a, e.end - a, e.actor, e.score)
            for e in mentions
            if e.start >= a and e.end <= b
        ]
        s = build_sentence(chunk, a, ents, linker)
        out += _sanctions(s, n, linker)
        out += _mediation(s, n, linker)
    return out


MAX_SENTENCE_CHARS = 1500


def _bounded(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Cut run-on "sentences" (text without punctuation, scraped tables) into windows of at
    most MAX_SENTENCE_CHARS at whitespace, so that detection stays linear in the text."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while b - a > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS)
            cut = cut if cut != -1 else a + MAX_SENTENCE_CHARS
            out.append((a, cut))
            a = cut + 1
        if b > a:
            out.append((a, b))
    return out


def _entities_with_dictionary(given: list[Entity], found: list[Entity]) -> list[Entity]:
    """Entities from the enricher win where they overlap the dictionary's mentions (an NER
    PERSON "Jordan" stays a person); dictionary mentions fill the gaps."""
    out = [e for e in given if e.actor is not None]
    taken = [(e.start, e.end) for e in given]
    for e in found:
        if not any(e.start < b and a < e.end for a, b in taken):
            out.append(e)
    return sorted(out, key=lambda e: e.start)


# ======================================================================== sanctions
def _sanctions(s: Sentence, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    out: list[Candidate] = []
    # an asset freeze or trade ban next to a sanctions noun elaborates it ("imposed sanctions,
    # freezing the assets of ..."): only a sentence without one reads them as the event
    has_noun = any(w in T.SANCTION_NOUNS for w in s.low)
    for n, w in enumerate(s.low):
        if has_noun and (w in T.FREEZE_VERBS or w in ("ban", "bans")):
            continue
        if w in T.SANCTION_NOUNS or w in T.WEAK_SANCTION_NOUNS:
            out += _sanction_noun(s, n, n_sent, linker, weak_noun=w in T.WEAK_SANCTION_NOUNS)
        elif w in T.FREEZE_VERBS and "assets" in s.low[n + 1 : n + 4]:
            out += _sanction_verb(
                s,
                n,
                n_sent,
                linker,
                object_from=s.low.index("assets", n) + 1,
                instrument="asset freeze",
            )
        elif w in ("ban", "bans", "embargo") and _is_trade_ban(s, n):
            out += _trade_ban(s, n, n_sent, linker)
        elif w in T.SANCTION_VERBS or (
            w == "sanctions"
            and n > 0
            and s.mention_at(n - 1) is not None
            and s.mention_at(n + 1) is not None
        ):
            out += _sanction_verb(s, n, n_sent, linker)
    return out


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
            return T.ACTION_WORDS[w], j
        if aux:
            break
    return None, None


def _sanction_noun(
    s: Sentence, n: int, n_sent: int, linker: ActorLinker, weak_noun: bool
) -> list[Candidate]:
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
    if (
        s.low[v]
        in (
            "restore",
            "restores",
            "restored",
            "restoring",
            "reimpose",
            "reimposed",
            "reimposes",
            "reinstate",
            "reinstated",
            "renewed",
        )
        and action == "impose"
    ):
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

    urge_i = _urge_before(s, v)
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
        by = _by_agent(s, n)
        if by is not None:
            sender_actors = [role_actor(by, linker)]
    sender_actors = [a for a in dedupe(sender_actors) if a.kind in ("country", "igo")]
    if not sender_actors:
        return []
    if not target:
        target = _fallback_others(s, {a.id for a in sender_actors}, linker)
    target = [a for a in target if a.id not in {x.id for x in sender_actors}]

    mod_i = threat_cue if threat_cue is not None else v  # a threat's modality is its verb's
    negated = is_negated(s, mod_i)
    hypothetical = False if negated else is_hypothetical(s, mod_i, action, urged)
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
            instrument=_instrument(s.text),
            alt=alt,
        )
    ]
    # "X urges the UN to renew Y sanctions": X's call is an event of its own
    if (
        urged
        and urge_i is not None
        and action in ("impose", "extend")
        and (
            s.low[urge_i]
            not in (
                "hope",
                "hopes",
                "hoped",
                "hoping",
                "expects",
                "expected",
                "support",
                "supports",
                "supported",
                "backs",
                "backed",
            )
        )
    ):
        callers = [role_actor(m, linker) for m in agent_before(s, urge_i) if _state_like(m, s)]
        callers = [a for a in callers if a.kind in ("country", "igo")]
        if callers:
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
                    instrument=_instrument(s.text),
                )
            )
    return cands


def _is_trade_ban(s: Sentence, n: int) -> bool:
    """'a ban on exports of chips to China', 'an export ban on Russia' (not a curfew, a party
    ban, a travel ban on a journalist)."""
    before = s.low[max(0, n - 2) : n]
    after = s.low[n + 1 : n + 4]
    kinds = ("export", "exports", "import", "imports", "trade", "travel", "visa", "entry")
    return (
        any(x in kinds for x in before)
        or (
            "on" in after[:1]
            and any(x in ("exports", "imports", "export", "import", "trade") for x in after)
        )
    ) and s.low[n] != "embargo"


def _trade_ban(s: Sentence, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """A trade ban is a sanction only against a named state: an export ban on rice to keep
    prices down is not one, so the target is required."""
    action, v, background, _ = _find_action(s, n)
    if background or action is None or v is None:
        return []
    target = _target_after(s, n, v, linker)
    target = [a for a in target if a.kind in ("country", "igo")]
    if not target:
        return []
    sender = [role_actor(m, linker) for m in agent_before(s, v) if _state_like(m, s)]
    sender = [
        a for a in sender if a.kind in ("country", "igo") and a.id not in {t.id for t in target}
    ]
    if not sender:
        return []
    negated = is_negated(s, v)
    return [
        Candidate(
            type="sanctions",
            action=action,
            roles={"sender": sender, "target": target},
            negated=negated,
            hypothetical=False if negated else is_hypothetical(s, v, action),
            confidence=0.7,
            evidence=s.text.strip(),
            sentence=n_sent,
            instrument="travel ban"
            if any(x in ("travel", "visa", "entry") for x in s.low[max(0, n - 2) : n])
            else "export ban",
        )
    ]


def _sanction_verb(
    s: Sentence,
    v: int,
    n_sent: int,
    linker: ActorLinker,
    object_from: int | None = None,
    instrument: str | None = None,
) -> list[Candidate]:
    """'The US sanctioned three Iranian officials', 'Washington blacklisted X', 'Seoul froze
    the assets of ...': impose, with a state sender and a named object (a league 'sanctioning'
    a match has neither)."""
    sender = [role_actor(m, linker) for m in agent_before(s, v) if _state_like(m, s)]
    sender = [a for a in sender if a.kind in ("country", "igo")]
    if not sender:
        return []
    j = object_from if object_from is not None else v + 1
    if object_from is not None and j < len(s.low) and s.low[j] == "of":
        j += 1
    target = phrase_actors(s, j, linker)
    if not target:
        return []
    negated = is_negated(s, v)
    return [
        Candidate(
            type="sanctions",
            action="impose",
            roles={"sender": sender, "target": target},
            negated=negated,
            hypothetical=False if negated else is_hypothetical(s, v, "impose"),
            confidence=0.72,
            evidence=s.text.strip(),
            sentence=n_sent,
            instrument=instrument
            or ("designation" if s.low[v].startswith("blacklist") else _instrument(s.text)),
        )
    ]


def _state_like(m: Mention, s: Sentence) -> bool:
    return eligible_agent(s, m) or m.category != "demonyms"


def _urge_before(s: Sentence, v: int) -> int | None:
    """Index of an urging verb that governs the action at v ('call on X to', 'urged X to')."""
    for i in range(v - 1, max(-1, v - 14), -1):
        w = s.low[i]
        if w in (".", ";"):
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


def _instrument(text: str) -> str | None:
    for rx, name in _INSTRUMENTS:
        if rx.search(text):
            return name
    return None


# ======================================================================== mediation
def _is_mediation_trigger(s: Sentence, t: int) -> tuple[bool, bool]:
    """(is a trigger, is strong). 'immediately' never matches (whole tokens only)."""
    w = s.low[t]
    if T.MEDIATION_RE.match(w):
        return True, True
    if T.BROKER_RE.match(w):
        if t > 0 and s.low[t - 1] == "-":
            return True, True  # "UN-brokered"
        after = s.low[t + 1 : t + 5]
        if any(x in T.DEAL_WORDS for x in after):
            return True, True
        if any(x in T.DEAL_WORDS for x in s.low[max(0, t - 2) : t]):
            return True, True  # "a peace deal brokered by the AU", "talks brokered by Norway"
        if t > 0 and s.low[t - 1] in ("honest", "peace"):
            return True, True
        return False, False
    if w == "between" and t > 1 and s.low[t - 1] == "-" and s.low[t - 2] == "go":
        return True, False  # "go-between"
    if w in T.INTERMEDIARY:
        near = s.low[max(0, t - 3) : t + 6]
        return ("between" in near or "as" in s.low[max(0, t - 3) : t]), False
    if w in T.FACILITATE and any(x in T.TALKS for x in s.low[t + 1 : t + 4]):
        return True, False
    if w == "offices" and t > 0 and s.low[t - 1] == "good":
        return True, True
    return False, False


_MEDIATION_INSTITUTIONS = {
    "center",
    "centre",
    "centers",
    "centres",
    "service",
    "services",
    "clause",
    "clauses",
    "board",
    "law",
    "laws",
    "rules",
    "fee",
    "fees",
    "scheme",
    "programme",
    "program",
    "training",
    "skills",
    "firm",
}


def _mediation(s: Sentence, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    out: list[Candidate] = []
    for t in range(len(s.toks)):
        ok, strong = _is_mediation_trigger(s, t)
        if ok and t > 0 and s.low[t - 1] in ("without", "no") and s.low[t] != "offices":
            continue  # "met without mediators"
        if ok and s.low[t + 1 : t + 2] and s.low[t + 1] in _MEDIATION_INSTITUTIONS:
            continue  # "the mediation center", "a mediation clause": an institution
        if ok:
            out += _mediation_at(s, t, n_sent, linker, strong)
    return out


def _cue(s: Sentence, t: int, words: set[str], window: int) -> int | None:
    lo = max(clause_start(s, t, split_and=False), t - window)
    for i in range(t - 1, lo - 1, -1):
        if s.low[i] in words:
            return i
    return None


def _mediation_action(s: Sentence, t: int) -> tuple[str, int, bool]:
    """(action, index of the cue or trigger, offer also stated)."""
    noun = s.low[t].startswith("mediation") or s.low[t] in ("offices",)
    halt = _cue(s, t, T.HALT_CUES, 6)
    if halt is None and noun:
        for j in range(t + 1, min(len(s.toks), t + 8)):
            if s.low[j] in T.HALT_AFTER:
                halt = j
                break
            if s.low[j] in BOUNDARY_PUNCT:
                break
    offer = _cue(s, t, T.OFFER_CUES, 8)
    if offer is None and any(x in ("offer", "offers", "proposal") for x in s.low[t + 1 : t + 3]):
        offer = t
    if halt is not None:
        return "halt", halt, False
    reject = _cue(s, t, T.REJECT_CUES, 8)
    if reject is None:
        down = _cue(s, t, {"down"}, 8)
        if (
            down is not None
            and down > 0
            and s.low[down - 1] in ("turned", "turns", "turn", "turning")
        ):
            reject = down - 1
    if reject is not None:
        return "reject", reject, offer is not None
    accept = _cue(s, t, T.ACCEPT_CUES, 8)
    if accept is not None:
        if s.low[accept].startswith("agree") and not noun and offer is None:
            return "offer", accept, False  # "Qatar agreed to mediate": the mediator commits
        return "accept", accept, offer is not None
    request = _cue(s, t, T.REQUEST_CUES, 8)
    if request is None:
        c = _cue(s, t, T.CALL_VERBS, 8)
        if c is not None and c + 1 < len(s.toks) and s.low[c + 1] in ("for", "on", "upon"):
            request = c
    if request is not None:
        return "request", request, False
    if offer is not None:
        return "offer", offer, False
    return "mediate", t, False


_OFFER_NOUNS = {
    "offer",
    "offers",
    "proposal",
    "proposals",
    "initiative",
    "plan",
    "bid",
    "mediation",
    "efforts",
    "effort",
    "call",
    "calls",
    "good",
    "role",
}


def _mediator(s: Sentence, t: int, action: str, cue: int, linker: ActorLinker) -> list[Mention]:
    # "asked the African Union to mediate", "urged France to step in as a mediator"
    if action == "request" and s.low[cue] not in ("must", "should", "need", "needs", "ought"):
        between = [x for x in s.mentions if cue < x.first < t and eligible_agent(s, x)]
        if between:
            return with_coordinated(s, between[-1], cue + 1)
    # "UN-brokered", "Qatari-mediated", "AU-led mediation"
    if t > 1 and s.low[t - 1] == "-" and s.mention_at(t - 2) is not None:
        return [s.mention_at(t - 2)]  # type: ignore[list-item]
    if (
        t > 2
        and s.low[t - 1] in ("led", "sponsored", "backed", "hosted", "facilitated", "run")
        and s.low[t - 2] == "-"
        and s.mention_at(t - 3) is not None
    ):
        return [s.mention_at(t - 3)]  # type: ignore[list-item]
    # "an offer by ASEAN to mediate", "a proposal from Egypt to mediate"
    for i in range(t - 1, max(-1, t - 7), -1):
        if s.low[i] in ("by", "from") and i > 0 and s.low[i - 1] in _OFFER_NOUNS:
            k = i + 1
            while k < t and s.low[k] in ("the", "a"):
                k += 1
            if s.mention_at(k) is not None:
                return [s.mention_at(k)]  # type: ignore[list-item]
    # "mediated by X", "mediation of X", "brokered by X"
    if t + 1 < len(s.toks) and s.low[t + 1] in ("by", "of", "from"):
        k = t + 2
        while k < len(s.toks) and s.low[k] in ("the", "a"):
            k += 1
        m = s.mention_at(k)
        if m is not None:
            return [m]
    # "an Ethiopian mediator", "UN mediators", "Egyptian mediation", "Russia's mediation"
    k = t - 1
    while k >= 0 and s.low[k] in ("a", "an", "the", "chief", "top", "special", "lead"):
        k -= 1
    m = s.mention_at(k) if k >= 0 else None
    if m is not None and (m.possessive or m.category == "demonyms" or k == t - 1):
        return with_coordinated(s, m)
    # "Putin's offer to mediate", "an Egyptian proposal to mediate", "Turkey's mediation"
    lo = clause_start(s, t, split_and=False)
    for i in range(t - 1, max(lo, t - 8) - 1, -1):
        pm = s.mention_at(i)
        if pm is None or pm.last != i:
            continue
        nxt = s.low[i + 1 : i + 3]
        if (pm.possessive or pm.category == "demonyms") and any(x in _OFFER_NOUNS for x in nxt):
            return [pm]
    if action in ("accept", "reject"):
        return []
    if action == "request":
        if s.low[cue] in ("must", "should", "need", "needs", "ought"):
            return agent_before(s, cue)
        return []
    return agent_before(s, t)


def _parties(s: Sentence, t: int, mediator_ids: set[str], linker: ActorLinker) -> list[Actor]:
    out: list[Actor] = []
    for i, w in enumerate(s.low):
        if w == "between":
            out += phrase_actors(s, i + 1, linker)
    out += compound_pairs(s, linker)
    # "mediate with Djibouti", "mediation efforts with the truckers", "in its dispute with X"
    for j in range(t + 1, min(len(s.toks), t + 7)):
        if s.low[j] in BOUNDARY_PUNCT or s.low[j] == ".":
            break
        if s.low[j] == "with":
            out += phrase_actors(s, j + 1, linker)
            break
        if (
            s.low[j] == "in"
            and j <= t + 3
            and j + 1 < len(s.toks)
            and s.low[j + 1] not in ("its", "their")
        ):
            # "in the Kashmir crisis", "in Egyptian political conflict"
            k = j + 1
            while k < len(s.toks) and s.low[k] in ("the", "a"):
                k += 1
            m = s.mention_at(k)
            if m is not None and (
                m.category != "demonyms"
                or any(x in _CONFLICT_WORDS for x in s.low[m.last + 1 : m.last + 4])
            ):
                out.append(role_actor(m, linker))
            break
    return [a for a in dedupe(out) if a.id not in mediator_ids]


def _mediation_at(
    s: Sentence, t: int, n_sent: int, linker: ActorLinker, strong: bool
) -> list[Candidate]:
    action, cue, offer_too = _mediation_action(s, t)
    mediators = _mediator(s, t, action, cue, linker)
    mediator_actors = dedupe([role_actor(m, linker) for m in mediators])
    med_ids = {a.id for a in mediator_actors}
    parties = _parties(s, t, med_ids, linker)
    if action in ("accept", "reject") or (action == "request" and len(parties) < 2):
        # who accepts, rejects or asks for mediation is (usually) a side of the dispute
        subj = [role_actor(m, linker) for m in agent_before(s, cue, exclude=med_ids)]
        parties = dedupe(subj + parties)
        parties = [a for a in parties if a.id not in med_ids]
    if not parties:
        parties = [
            role_actor(m, linker)
            for m in s.mentions
            if eligible_agent(s, m)
            and role_actor(m, linker).id not in med_ids
            and role_actor(m, linker).kind in ("country", "igo", "org")
        ]
        parties = dedupe(parties)
    negated = is_negated(s, cue if cue != t else t) and action not in ("reject", "halt")
    # mediation is stated with infinitives ("offered to mediate", "trying to mediate"): only
    # a modal or a condition makes it hypothetical
    hypothetical = False if negated else is_hypothetical(s, cue, "offer")
    conf = 0.6 + (0.15 if mediator_actors else 0.0) + (0.1 if parties else 0.0)
    conf += 0.05 if strong else -0.08
    if not mediator_actors and not parties:
        conf -= 0.2  # names nobody: not actionable, below the default threshold
    evidence = s.text.strip()
    base = dict(negated=negated, hypothetical=hypothetical, evidence=evidence, sentence=n_sent)
    cands = [
        Candidate(
            type="mediation",
            action=action,
            roles={"mediator": mediator_actors, "parties": parties},
            confidence=conf,
            weak=action == "mediate",
            **base,  # type: ignore[arg-type]
        )
    ]
    if offer_too and mediator_actors:
        cands.append(
            Candidate(
                type="mediation",
                action="offer",
                roles={"mediator": list(mediator_actors), "parties": list(parties)},
                confidence=conf - 0.05,
                **base,  # type: ignore[arg-type]
            )
        )
    return cands


# ======================================================================== merging
def _topic_score(enriched: EnrichedArticle, etype: str) -> float | None:
    stem = "sanction" if etype == "sanctions" else "mediat"
    scores = [t.score for t in enriched.topics if stem in t.label.lower()]
    return max(scores) if scores else None


def _apply_topics(cands: list[Candidate], enriched: EnrichedArticle) -> None:
    """A soft signal: a confident topic raises confidence a little, a clearly-off topic lowers
    it a little; never enough on its own to create or kill a strong sentence."""
    for c in cands:
        score = _topic_score(enriched, c.type)
        if score is None:
            continue
        if score >= 0.5:
            c.confidence += 0.05 * score
        elif score < 0.1:
            c.confidence -= 0.05


def _same(a: str, b: str, linker: ActorLinker) -> bool:
    return a == b or linker.parent(a) == b or linker.parent(b) == a


def _covers(big: list[Actor], small: list[Actor], linker: ActorLinker) -> bool:
    return all(any(_same(x.id, y.id, linker) for y in big) for x in small)


def _compatible(a: Candidate, b: Candidate, linker: ActorLinker) -> bool:
    if a.type != b.type or a.negated != b.negated:
        return False
    if a.action != b.action and not (a.weak or b.weak):
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
    order = sorted(range(len(cands)), key=lambda i: (cands[i].weak, -cands[i].confidence, i))
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
        if target.weak and not c.weak:
            target.action, target.weak = c.action, False
        target.hypothetical = target.hypothetical and c.hypothetical
        target.support += 1
        target.instrument = target.instrument or c.instrument
        target.sentence = min(target.sentence, c.sentence)
        target.alt |= c.alt
    for m in merged:
        m.confidence = min(0.97, max(0.05, m.confidence + 0.03 * (m.support - 1)))
    merged.sort(key=lambda m: m.sentence)
    return merged
